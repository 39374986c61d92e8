// SPDX-License-Identifier: GPL-2.0
/*
 * Swapped-out memory: small pages, and a PMD THP, written and then paged
 * out (MADV_PAGEOUT) until every page is a swap entry. The case's first
 * access swaps them back in, so a pin or a fork meets freshly swapped-in
 * pages: a page swapped back in must keep its exclusive marker or the
 * write after fork goes to the wrong copy (c145e0b47c77). A swap file
 * swaps a THP in as small pages; the folio is not large afterwards.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"
#include "swap.h"
#include "thp.h"


enum pf_result pf_swapped_verify(const void *addr, size_t len)
{
	size_t pages = len / pf_page_size(), got = pf_pages_swapped(addr, len);

	if (got == pages)
		return PF_PASS;
	return pf_skip("%zu of %zu pages swapped out (%s)", got, pages,
		       pf_mapping_state(addr, len));
}

static enum pf_result page_out(struct pf_region *r)
{
	char why[256];

	if (pf_swap_ensure(why, sizeof(why)))
		return pf_skip("%s", why);
	if (pf_swap_out(r->base, r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	r->folio = pf_page_size();
	return pf_swapped_verify(r->base, r->len);
}

static enum pf_result swapped_setup(struct pf_region *r, size_t min_len)
{
	enum pf_result res = pf_region_map_small(r, min_len);

	if (res != PF_PASS)
		return res;
	memset(r->base, 0x5a, r->len);
	return page_out(r);
}

/* The thp-pmd row's PMD-mapped THP, then paged out. */
static enum pf_result swapped_thp_setup(struct pf_region *r, size_t min_len)
{
	enum pf_result res = pf_backing_thp_pmd.setup(r, min_len);
	size_t thp = r->folio;

	if (res != PF_PASS)
		return res;
	/* what swap-in brings back (small pages or the folio) is not known here */
	r->folio = pf_page_size();
	res = page_out(r);
	if (res == PF_PASS)
		pf_diag("the THP was %s", pf_swap_slots_consecutive(r->base, thp) ?
			"swapped out whole (consecutive swap slots)" :
			"split before it was swapped out");
	return res;
}

#define SWAPPED_FLAGS (PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_SWAPPED)

const struct pf_backing pf_backing_swapped = {
	.name = "swapped",
	.summary = "anonymous 4 KiB pages swapped out (MADV_PAGEOUT)",
	.flags = SWAPPED_FLAGS,
	.needs = PF_NEED_SWAP,
	.setup = swapped_setup,
	.teardown = pf_unmap_region,
};

const struct pf_backing pf_backing_swapped_thp = {
	.name = "swapped-thp",
	.summary = "a PMD THP swapped out (MADV_PAGEOUT)",
	.flags = SWAPPED_FLAGS,
	.needs = PF_NEED_SWAP | PF_NEED_THP,
	.setup = swapped_thp_setup,
	.teardown = pf_unmap_region,
};
