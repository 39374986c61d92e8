// SPDX-License-Identifier: GPL-2.0
/*
 * madv-free: MADV_FREE of every page of the region but the target. The
 * pages stay mapped until reclaim wants them; smaps counts them as
 * LazyFree, which shows the call acted. A large folio that holds the
 * pinned target cannot be split, and MADV_FREE then leaves it alone
 * (madvise_free_pte_range()): no LazyFree, the case SKIPs.
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_proof.h"

static int lazy_free(char *addr, size_t len)
{
	return len ? pf_advise(addr, len, MADV_FREE, "MADV_FREE") : 0;
}

static int madv_free(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	long before, after;
	int err = pf_room_beside(run, 0, 0);

	if (!err && !pf_before_target(run) && !pf_after_target(run)) {
		pf_diag("madv-free: no page beside the target");
		return -EOPNOTSUPP;
	}
	if (err)
		return err;
	before = pf_smaps_range_kb(r->base, r->len, "LazyFree");
	err = lazy_free(r->base, pf_before_target(run));
	if (!err)
		err = lazy_free(pf_target_end(run), pf_after_target(run));
	if (err)
		return err;
	after = pf_smaps_range_kb(r->base, r->len, "LazyFree");
	if (after <= before) {
		pf_diag("smaps LazyFree: %ld kB before MADV_FREE, %ld kB after: nothing was freed lazily (a large folio with the pinned target is not split)",
			before, after);
		return -ENODATA;
	}
	pf_diag("smaps LazyFree: %ld kB after MADV_FREE beside the target", after);
	return 0;
}

const struct pf_event pf_event_madv_free = {
	.name = "madv-free",
	.summary = "MADV_FREE of every page of the region but the target",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_ZAPS_BESIDE,
	.start = madv_free,
};
