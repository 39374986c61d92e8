/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MADV_DONTFORK / MADV_WIPEONFORK on a pinned region (the old workaround
 * for pins across fork), and what a refusal of either means.
 */
#ifndef PINFORK_FORK_ADVICE_H
#define PINFORK_FORK_ADVICE_H

#include "backing.h"

enum pf_fork_advice { PF_ADVICE_DONTFORK, PF_ADVICE_WIPEONFORK };

/*
 * An io_uring fixed buffer over r, then MADV_DONTFORK or MADV_WIPEONFORK,
 * fork: the child has no mapping there (it takes SIGSEGV) or sees zeros;
 * the parent writes by CPU and its pin stays coherent both ways.
 */
enum pf_result pf_fork_advice_run(struct pf_region *r,
				  enum pf_fork_advice advice);

/* What the child of pf_fork_advice_run found (exit status). */
enum pf_advice_child {
	PF_ADVICE_CHILD_OK = 0,		/* no mapping / zeros, as asked */
	PF_ADVICE_CHILD_MAPPED = 1,	/* DONTFORK: the region was inherited */
	PF_ADVICE_CHILD_NOT_ZERO = 2,	/* WIPEONFORK: not wiped */
	PF_ADVICE_CHILD_NO_SEGV = 3,	/* DONTFORK: msync saw no mapping, but the access did not fault */
};

/* The child's check alone (for the self-test): runs in the calling process. */
int pf_advice_child_check(const struct pf_region *r, enum pf_fork_advice advice);
/* The verdict on the child's exit status (-1: killed by a signal). */
enum pf_result pf_advice_child_verdict(int status, enum pf_fork_advice advice);

/*
 * The verdict on madvise(advice) failing with err on r: SKIP for a
 * documented refusal (MADV_WIPEONFORK on shared or file-backed memory, or
 * a kernel before v4.14) or a missing prerequisite; FAIL when a page of
 * plain private anonymous memory accepts the same advice; ERROR otherwise.
 */
enum pf_result pf_advice_refusal_verdict(const struct pf_region *r,
					 enum pf_fork_advice advice, int err);

#endif
