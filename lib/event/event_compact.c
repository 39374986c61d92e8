// SPDX-License-Identifier: GPL-2.0
/*
 * compact: compaction of all memory (/proc/sys/vm/compact_memory) until it
 * moves pages of an unpinned control (compaction.c). How many of the
 * region's pages got a new PFN is a diagnostic: pinned pages must stay
 * (migration refuses extra references), unpinned ones may move.
 */
#include <errno.h>

#include "compaction.h"
#include "mem_proof.h"

static int compact(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	struct pf_pfns before = { 0 };
	struct pf_cover c;
	enum pf_result res;

	if (!r)
		return -EOPNOTSUPP;
	c = pf_page_cover(r->base, r->len);
	if (pf_pfns_take(&before, &c))
		return -ENOMEM;
	res = pf_compact_with_control(pf_compact_all);
	if (res == PF_PASS)
		pf_diag("compact: %zu of %zu pages of the region have a new PFN",
			pf_pfns_moved(&before, &c), before.pages);
	pf_pfns_free(&before);
	if (res == PF_ERROR)
		return -EIO;
	return res == PF_PASS ? 0 : -ENODATA;
}

const struct pf_event pf_event_compact = {
	.name = "compact",
	.summary = "compaction of all memory, shown to move an unpinned control",
	.flags = PF_EV_MEMORY | PF_EV_MOVES | PF_EV_HUGETLB_OK,
	.needs = PF_NEED_ROOT | PF_NEED_KPAGEFLAGS,
	.start = compact,
};
