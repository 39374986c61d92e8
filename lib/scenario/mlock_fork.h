/* SPDX-License-Identifier: GPL-2.0 */
/* mlock/munlock of half a large folio shared after fork, and its accounting. */
#ifndef PINFORK_MLOCK_FORK_H
#define PINFORK_MLOCK_FORK_H

#include <stddef.h>

#include "backing.h"

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

#endif
