/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mprotect() of memory shared after fork. One process changes the
 * protection of half or all of the mapping (PROT_READ, then back to
 * PROT_READ|PROT_WRITE) and writes; the other checks it still sees the
 * pre-fork data and writes; each must keep its own data. Since
 * 64fe24a3e05e (PTEs) and c27f479ef542 (PMDs) mprotect maps pages writable
 * without a write fault, which is only right for pages exclusive to the
 * process. Whether a THP gets split or copied is policy and only reported.
 * Optionally an io_uring fixed buffer registered before fork must stay
 * coherent for the parent (70e806e4e645, d042035eaf5f).
 * Shared by tests/thp_mprotect.c and check/selftest_thp_mprotect.c.
 */
#ifndef PINFORK_MPROTECT_FORK_H
#define PINFORK_MPROTECT_FORK_H

#include "backing.h"
#include "view_oracle.h"

enum pf_mprotect_side { PF_MPROTECT_PARENT, PF_MPROTECT_CHILD };

struct pf_mprotect_plan {
	enum pf_mprotect_side side;	/* who mprotect()s, then writes first */
	int half;	/* the first half of the first large folio (of the
			 * region for small pages) instead of all of it */
	int pinned;	/* fixed buffer over the region, registered pre-fork */
};

/* What each process found in its own view. */
struct pf_mprotect_outcome {
	enum pf_view parent, child;
};

/* r must be page aligned and a mapping of its own; out may be NULL. */
enum pf_result pf_mprotect_fork_run(struct pf_region *r,
				    const struct pf_mprotect_plan *plan,
				    struct pf_mprotect_outcome *out);

#endif
