// SPDX-License-Identifier: GPL-2.0
/*
 * madv-cold: MADV_COLD of the whole region. It clears the young bits and
 * PG_referenced of what it covers (madvise_cold_or_pageout_pte_range()),
 * and smaps' Referenced sums exactly those: shown to act when it drops
 * to 0.
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_proof.h"

#ifndef MADV_COLD
#define MADV_COLD 20
#endif

static int madv_cold(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	long before, after;
	int err;

	if (!r)
		return -EOPNOTSUPP;
	before = pf_smaps_range_kb(r->base, r->len, "Referenced");
	if (before <= 0) {
		pf_diag("smaps shows no referenced page in the region before MADV_COLD: nothing to age");
		return -ENODATA;
	}
	err = pf_advise(r->base, r->len, MADV_COLD, "MADV_COLD");
	if (err)
		return err;
	after = pf_smaps_range_kb(r->base, r->len, "Referenced");
	if (after) {
		pf_diag("smaps Referenced: %ld kB before MADV_COLD, %ld kB after: it did not age the region",
			before, after);
		return -ENODATA;
	}
	return 0;
}

const struct pf_event pf_event_madv_cold = {
	.name = "madv-cold",
	.summary = "MADV_COLD of the whole region (young bits cleared)",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES,
	.start = madv_cold,
};
