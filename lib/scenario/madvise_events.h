/* SPDX-License-Identifier: GPL-2.0 */
/*
 * madvise/mlock events on memory that is pinned or shared after fork:
 *  - MADV_DONTNEED of part of a hugetlb page (lib/scenario/dontneed_partial.c);
 *  - mlock/munlock of half a large folio shared after fork (lib/scenario/mlock_fork.c);
 *  - MADV_DONTFORK / MADV_WIPEONFORK on a pinned region (lib/scenario/fork_advice.c).
 * Shared by tests/madvise_events.c and check/selftest_madvise_events.c.
 */
#ifndef PINFORK_MADVISE_EVENTS_H
#define PINFORK_MADVISE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "backing.h"

/* The oracle of partial zaps: [from, r->len) still holds the pattern of seed. */
enum pf_result pf_rest_keeps(const struct pf_region *r, size_t from,
			     uint32_t seed);

/*
 * Fills r, MADV_DONTNEEDs [off, off+len), then checks that every byte past
 * the range keeps its data (8ebe0a5eaaeb) and that the zap did something:
 * the whole pages (folios) the range covers read zeros, or, when it covers
 * none, a whole-page MADV_DONTNEED past the range (the control) does. A
 * refusal is judged by pf_dontneed_refusal().
 */
enum pf_result pf_dontneed_partial_run(struct pf_region *r, size_t off,
				       size_t len);

/* [from, to) of r reads zeros after a zap; FAIL naming the first byte. */
enum pf_result pf_zap_reads_zero(const struct pf_region *r, size_t from, size_t to);

/*
 * The partial MADV_DONTNEED was refused with err; whole_page_err is what a
 * whole-page MADV_DONTNEED of the same mapping got (0: accepted). SKIP when
 * the mapping takes no MADV_DONTNEED at all, FAIL when only the partial
 * range is refused.
 */
enum pf_result pf_dontneed_refusal(int err, int whole_page_err);

/* kB of smaps "Locked" summed over the mappings overlapping the range. */
long pf_locked_kb(const void *addr, size_t len);

/*
 * The accounting oracle after munlock: smaps "Locked" of the range is back
 * to baseline_kb, and (with kpageflags) no page of the range is still
 * PG_mlocked once the per-CPU mlock batches are drained.
 */
enum pf_result pf_mlock_released(const void *addr, size_t len,
				 long baseline_kb);

enum pf_mlock_side { PF_MLOCK_CHILD, PF_MLOCK_PARENT };

struct pf_mlock_plan {
	enum pf_mlock_side side;	/* who mlock()s */
	int onfault;	/* mlock2(MLOCK_ONFAULT): no populate, the shared
			 * pages stay mapped as they were at fork */
};

/*
 * A large folio shared after fork; one process mlock()s the first half of
 * it and writes, the other checks it still sees the pre-fork data and
 * writes; each must keep its own data, and after munlock the accounting
 * returns to baseline in both.
 */
enum pf_result pf_mlock_half_fork_run(struct pf_region *r,
				      const struct pf_mlock_plan *plan);

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

#endif
