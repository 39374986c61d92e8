/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events that happen to a mapping. The fork family: a child that stays
 * alive (and can look at memory when the parent lets it), a child that
 * exits at once, one that execs, and the forks hidden in system(), popen(),
 * posix_spawn() and in another thread.
 */
#ifndef PINFORK_EVENT_H
#define PINFORK_EVENT_H

#include <sys/types.h>

enum pf_event_flag {
	PF_EV_FORK	= 1u << 0,	/* creates a child that shares the memory */
	PF_EV_ALIVE	= 1u << 1,	/* the child lives until pf_event_finish() */
	PF_EV_HIDDEN	= 1u << 2,	/* the fork is hidden in a library call */
};

/*
 * Runs in an alive child when the parent calls pf_event_finish(); its return
 * value is the child's exit status (0 = the child saw what it should).
 */
typedef int (*pf_child_fn)(void *arg);

struct pf_event_run {
	const struct pf_event *ev;
	pid_t child;
	int go_fd;	/* parent's end: closing it releases the child */
	pf_child_fn fn;
	void *arg;
};

struct pf_event {
	const char *name;
	const char *summary;
	unsigned flags;
	/* 0, or -errno when the event could not happen */
	int (*start)(struct pf_event_run *run);
};

extern const struct pf_event *const pf_events[];
extern const size_t pf_events_count;

/*
 * Makes the event happen. For alive events, fn(arg) runs later in the
 * child when the parent calls pf_event_finish(). 0 or -errno.
 */
int pf_event_start(struct pf_event_run *run, const struct pf_event *ev,
		   pf_child_fn fn, void *arg);

/* Releases and reaps an alive child: its fn's result, or -1 if it died. */
int pf_event_finish(struct pf_event_run *run);

/* Waits for a child: its exit status, -1 when a signal killed it, or -errno. */
int pf_reap(pid_t pid);

/* fork() a child that exits at once, and reap it: 0, or -errno. */
int pf_fork_exit_now(void);

/* A child of our own that waits for release, then runs fn; for tests that
 * need an alive child whatever event is under test. */
int pf_fork_alive(struct pf_event_run *run, pf_child_fn fn, void *arg);

extern const struct pf_event pf_event_fork_alive;

#endif
