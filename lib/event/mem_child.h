/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For memory rows whose proof is a child's view (MADV_DONTFORK,
 * MADV_WIPEONFORK, a child that writes and exits): fork, let the child
 * look, reap it, and record what it saw in the run.
 */
#ifndef PINFORK_MEM_CHILD_H
#define PINFORK_MEM_CHILD_H

#include "event.h"

/*
 * What a child checks: 0 when it saw what the row promised, 1 when its
 * memory is wrong (the kernel got data wrong), 2 when it could not look.
 */
typedef int (*pf_child_check_fn)(const struct pf_event_run *run);

/*
 * fork()s a child that runs the case's fn(arg) when the run has one (the
 * child's view of the case's memory first), then check(run), and exits with the first non-zero result. The child's end
 * is recorded: 0 as done, 1 as the child's memory changed (pf_event_end()
 * FAILs), anything else (or a signal) as a child that did not do its work.
 * 0, or -errno when fork() failed.
 */
int pf_fork_and_check(struct pf_event_run *run, pf_child_check_fn check);

#endif
