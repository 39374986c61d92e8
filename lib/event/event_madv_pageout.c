// SPDX-License-Identifier: GPL-2.0
/*
 * madv-pageout: MADV_PAGEOUT of the whole region. Shown to act when pages
 * beside the target left the page tables (swapped out): with no swap, or
 * every page in the target's folio, it returns 0 and reclaims nothing. A
 * pinned page must stay (try_to_unmap_one() refuses possibly pinned
 * exclusive anonymous pages); a page swapped out and back in keeps its
 * PageAnonExclusive through the swap entry (1493a1913e34).
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_proof.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static int madv_pageout(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	long before, after;
	int err = pf_room_beside(run, 0, 0);

	if (err)
		return err;
	before = pf_present_beside(run);
	if (!before) {
		pf_diag("no page beside the target for MADV_PAGEOUT to reclaim");
		return -ENODATA;
	}
	err = pf_advise(r->base, r->len, MADV_PAGEOUT, "MADV_PAGEOUT");
	if (err)
		return err;
	after = pf_present_beside(run);
	if (after >= before) {
		pf_diag("MADV_PAGEOUT reclaimed none of the %ld pages beside the target (no swap, or they share the target's folio)",
			before);
		return -ENODATA;
	}
	pf_diag("MADV_PAGEOUT reclaimed %ld of the %ld pages beside the target",
		before - after, before);
	return 0;
}

const struct pf_event pf_event_madv_pageout = {
	.name = "madv-pageout",
	.summary = "MADV_PAGEOUT of the whole region (needs swap)",
	.flags = PF_EV_MEMORY | PF_EV_MOVES,
	.needs = PF_NEED_SWAP,
	.start = madv_pageout,
};
