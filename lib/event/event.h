/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events that happen to a mapping. The fork family: a child that stays
 * alive (and can look at memory when the parent lets it), a child that
 * exits at once, one that execs, a fork from another thread, and the forks
 * hidden in a library (libpinfork_helper.so: its own system(), a fork from
 * its own thread, a daemon(3)-style double fork).
 *
 * glibc >= 2.29 runs system(), popen() and posix_spawn() through
 * clone(CLONE_VM | CLONE_VFORK): the child shares the caller's mm, no page
 * table is copied and no COW can follow. Those rows are PF_EV_SHARES_MM,
 * not PF_EV_FORK: only the parent's view can be checked after them. A
 * template that checks fork/COW isolation asks event_needs = PF_EV_FORK.
 *
 * Every event measures what it did (struct pf_event_tally): fork()s are
 * counted by a pthread_atfork child handler, children by how they ended.
 * pf_event_end() turns an event that did not happen into ERROR.
 *
 * Memory events (PF_EV_MEMORY, one file each: event_mprotect_half.c, ...)
 * act on the region a case hands them, around a target range (what the
 * pin covers), which stays mapped. Each proves it acted: maps shows the
 * split or the protection, pagemap the zapped or moved page, smaps the
 * aged or lazily freed range, an unpinned control the merge, collapse or
 * migration. A row that ran but could not be shown to act returns
 * -ENODATA, one that this kernel or this memory refuses -EOPNOTSUPP: both
 * are SKIP (pf_event_failed()), never a pass.
 */
#ifndef PINFORK_EVENT_H
#define PINFORK_EVENT_H

#include <sys/types.h>

#include "backing.h"
#include "pf_case.h"

enum pf_event_flag {
	PF_EV_FORK	= 1u << 0,	/* fork(): children with a copy of the mm (COW) */
	PF_EV_ALIVE	= 1u << 1,	/* the child lives until pf_event_finish() */
	PF_EV_HIDDEN	= 1u << 2,	/* inside a library call */
	PF_EV_SHARES_MM	= 1u << 3,	/* a CLONE_VM child: shares the mm, nothing copied */
	PF_EV_FORK_FAMILY = 1u << 4,	/* the event is the child process (event_fork.c) */
	PF_EV_MEMORY	= 1u << 5,	/* acts on the region around the target (a
					 * row that forks does it inside its proof) */
	PF_EV_SPLITS_VMA = 1u << 6,	/* leaves the target in a VMA of its own part */
	PF_EV_MOVES	= 1u << 7,	/* may move or replace pages: migration,
					 * compaction, pageout */
	PF_EV_MERGES	= 1u << 8,	/* KSM */
	PF_EV_COLLAPSES	= 1u << 9,	/* THP collapse */
	PF_EV_ZAPS_BESIDE = 1u << 10,	/* drops only pages beside the target */
	PF_EV_HUGETLB_OK = 1u << 11,	/* acts on whole huge pages: fits hugetlb */
	/*
	 * A memory row that neither moves, merges nor collapses pages.
	 * Templates select by flags a row has, so the rows that are no page
	 * movers say so.
	 */
	PF_EV_KEEPS_PAGES = 1u << 12,
};

/*
 * The memory an event acts on: the case's region, and the range in it that
 * the pin covers (the target), which every memory row keeps mapped.
 */
struct pf_target {
	struct pf_region *region;	/* NULL: no memory (fork rows need none) */
	char *start;
	size_t len;
};

/* The whole region as the target; no region: {NULL}. */
struct pf_target pf_target_whole(struct pf_region *r);
/* One page in the middle of r (page-aligned), the rest of r beside it. */
struct pf_target pf_target_middle_page(struct pf_region *r);

/*
 * Runs in an alive child when the parent calls pf_event_finish(); its return
 * value is the child's exit status (0 = the child saw what it should, 1 =
 * its memory changed).
 */
typedef int (*pf_child_fn)(void *arg);

/* What an event did, as measured rather than as meant. */
struct pf_event_tally {
	int forks;		/* children started by fork() (pthread_atfork count) */
	int shared_mm;		/* children that ran sharing the mm (CLONE_VM) */
	int ended_ok;		/* children seen to do their work and exit 0 */
	int ended_bad;		/* exited non-zero, killed, or their work never seen */
	int bad_status;		/* wait status of the first bad end; -1: not waited for */
};

struct pf_event_run {
	const struct pf_event *ev;
	struct pf_target at;	/* the memory the event acts on */
	/* memory a row moved out of the region (mremap-part): unmapped when
	 * the event ends */
	char *aside;
	size_t aside_len;
	pid_t child;
	int go_fd;	/* parent's end: closing it releases the child */
	pf_child_fn fn;
	void *arg;
	struct pf_event_tally did;
	int child_result;	/* an alive child's fn result, -1 if it died */
	long forks_before;	/* the fork counter when the event started */
};

struct pf_event {
	const char *name;
	const char *summary;
	unsigned flags;
	unsigned needs;	/* enum pf_need */
	int children;	/* children (and grandchildren) the event starts */
	/*
	 * 0, or -errno when the event could not happen; memory rows:
	 * -ENODATA when it ran but could not be shown to act, -EOPNOTSUPP
	 * when the kernel or this memory refuses it (both SKIP).
	 */
	int (*start)(struct pf_event_run *run);
};

extern const struct pf_event *const pf_events[];
extern const size_t pf_events_count;

/*
 * Makes the event happen on the memory at. For alive events, fn(arg) runs
 * later in the child when the parent calls pf_event_finish(); rows that
 * fork inside their proof run it in their child. 0 or -errno; -ECHILD (and
 * a diagnostic) when a child it waited for did not do its work.
 */
int pf_event_start(struct pf_event_run *run, const struct pf_event *ev,
		   struct pf_target at, pf_child_fn fn, void *arg);

/*
 * What a start that returned err means: SKIP for -ENODATA (it ran but
 * could not be shown to act) and -EOPNOTSUPP (refused here), else ERROR.
 */
enum pf_result pf_event_failed(const struct pf_event *ev, int err);

/* Releases and reaps an alive child: its fn's result, or -1 if it died. */
int pf_event_finish(struct pf_event_run *run);

/*
 * Finishes the event, prints what it did on a diagnostic line, and judges
 * it: ERROR when the event did not happen as its row says (too few forks,
 * a child that failed, died or never showed its work), FAIL when an alive
 * child's fn saw its memory change, else PASS.
 */
enum pf_result pf_event_end(struct pf_event_run *run);

/* fork() children started so far in this process tree (-1: not counted). */
long pf_forks_started(void);

/* Waits for a child: its exit status, -1 when a signal killed it, or -errno. */
int pf_reap(pid_t pid);

/* fork() a child that exits at once, and reap it: 0, or -errno (-ECHILD
 * when the child did not exit 0). */
int pf_fork_exit_now(void);

/* A child of our own that waits for release, then runs fn; for tests that
 * need an alive child whatever event is under test. */
int pf_fork_alive(struct pf_event_run *run, pf_child_fn fn, void *arg);

/* For rows: the raw wait status of pid, or -1 when it cannot be waited for. */
int pf_wait_status(pid_t pid);
/* For rows: a child of the event ended with wait status (-1: never waited for). */
void pf_event_child_ended(struct pf_event_run *run, int status);

/* The fork rows (lib/event/event_fork.c). */
extern const struct pf_event pf_event_fork_alive;
extern const struct pf_event pf_event_fork_exit;
extern const struct pf_event pf_event_fork_exec;
extern const struct pf_event pf_event_system;
extern const struct pf_event pf_event_popen;
extern const struct pf_event pf_event_posix_spawn;
extern const struct pf_event pf_event_thread_fork;
/* libpinfork_helper.so's own system(): fork, exec /bin/sh -c, waitpid. */
extern const struct pf_event pf_event_lib_fork_exec;
extern const struct pf_event pf_event_lib_thread_fork;
extern const struct pf_event pf_event_lib_daemon;
/* libpinfork_helper.so calls glibc's system(): a CLONE_VM|CLONE_VFORK child. */
extern const struct pf_event pf_event_lib_vfork_system;

/* The memory rows, one file each (lib/event/event_<name>.c). */
extern const struct pf_event pf_event_mprotect_half;
extern const struct pf_event pf_event_mprotect_all;
extern const struct pf_event pf_event_mremap_part;
extern const struct pf_event pf_event_munmap_part;
extern const struct pf_event pf_event_madv_dontneed;
extern const struct pf_event pf_event_madv_free;
extern const struct pf_event pf_event_madv_pageout;
extern const struct pf_event pf_event_madv_cold;
extern const struct pf_event pf_event_madv_collapse;
extern const struct pf_event pf_event_khugepaged;
extern const struct pf_event pf_event_madv_dontfork;
extern const struct pf_event pf_event_madv_wipeonfork;
extern const struct pf_event pf_event_mlock_half;
extern const struct pf_event pf_event_child_wrote;
extern const struct pf_event pf_event_ksm_merge;
extern const struct pf_event pf_event_migrate;
extern const struct pf_event pf_event_mbind;
extern const struct pf_event pf_event_compact;

#endif
