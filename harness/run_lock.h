/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One pinfork run per machine at a time: runs share the knob journal, the
 * kernel log and the system-wide counters the oracles read. The lock is
 * flock(LOCK_EX) on $PINFORK_STATE_DIR/run.lock, held until the program
 * exits. run.sh takes the same file with flock(1) for its whole run and
 * exports PINFORK_LOCK_HELD=1, and its programs then do not take it again.
 */
#ifndef PINFORK_RUN_LOCK_H
#define PINFORK_RUN_LOCK_H

/*
 * Takes the run lock, waiting for another run (up to $PINFORK_LOCK_WAIT
 * seconds, default 600) with a "# waiting ..." line on out. 0 once this
 * program may run cases and restore the journal's leftovers; -1 when the
 * wait timed out or the lock file cannot be opened.
 */
int run_lock_take(void);

/* 1 when run.sh holds the lock for us (PINFORK_LOCK_HELD=1). */
int run_lock_held_by_runner(void);

/* Closes the lock in a forked case, so no case process can keep it held. */
void run_lock_close_in_child(void);

/*
 * When run.sh started us, die (SIGTERM: knobs restored, cases killed) with
 * the parent, so a SIGKILLed runner leaves no program behind.
 */
void run_lock_die_with_runner(void);

#endif
