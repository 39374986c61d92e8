/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Save/restore of system knobs (/sys, /proc/sys files). Every change is
 * journaled to disk before it is made, so the original values can be put
 * back on exit, on SIGINT/SIGTERM, by the runner after a case was killed,
 * and by `run.sh --restore` after the whole run was SIGKILLed.
 */
#ifndef PINFORK_KNOB_H
#define PINFORK_KNOB_H

#include <stddef.h>

/* Directory of the journal: $PINFORK_STATE_DIR or /var/tmp/pinfork. */
const char *knob_state_dir(void);

/*
 * Reads a knob's current value into buf. For sysfs selector files such as
 * "always [madvise] never" the bracketed word is returned. 0 or -errno.
 */
int knob_read(const char *path, char *buf, size_t size);

/* A knob that holds a number: its value, or -1 when it cannot be read. */
long knob_read_long(const char *path);

/* Journals the current value of path (first change only), then writes value. */
int knob_set(const char *path, const char *value);

/*
 * Journals a shell command that undoes a change which is not a file write
 * (e.g. "rdma link delete rxe0"); it runs at restore, newest first.
 */
int knob_undo_cmd(const char *cmd);

/*
 * The same for a change this process keeps for its whole life (a temporary
 * swap file set up once per program): no restore undoes it while this
 * process lives, except this process's own knob_restore_final() or
 * knob_release_held(); any restore undoes it once this process is gone.
 */
int knob_undo_cmd_held(const char *cmd);

/*
 * Puts back every journaled value, newest change first, then clears the
 * journal; the held changes of live processes, this one's included, stay
 * (a runner restores after each case and keeps what it holds for the
 * program). Returns the number of knobs that could not be restored.
 */
int knob_restore_all(void);
/* The same at the end of this process: its own held changes too. */
int knob_restore_final(void);
/* Undoes only the held changes of this process. */
int knob_release_held(void);
/* The same as knob_restore_all, undoing held changes too whoever holds
 * them (pinfork-restore). */
int knob_restore_forced(void);

/* Installs atexit and SIGINT/SIGTERM handlers that call knob_restore_final(). */
void knob_restore_on_exit(void);

#endif
