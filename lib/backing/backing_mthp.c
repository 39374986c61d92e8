// SPDX-License-Identifier: GPL-2.0
/*
 * A 64 KiB multi-size THP (mTHP, v6.8+), in a mapping too small to hold a
 * PMD THP so the folio can only be the mTHP size.
 */
#include "backing.h"
#include "pagemap.h"
#include "thp.h"

#define MTHP_SIZE (64u << 10)
#define MTHP_REGION (4 * MTHP_SIZE)

static enum pf_result mthp_setup(struct pf_region *r, size_t min_len)
{
	enum pf_result res;

	if (min_len > MTHP_REGION)
		return pf_skip("asked for %zu bytes, more than %u", min_len,
			       MTHP_REGION);
	res = pf_thp_allow(MTHP_SIZE);
	if (res == PF_PASS)
		res = pf_thp_populate(r, MTHP_REGION, MTHP_SIZE);
	if (res != PF_PASS)
		return res;
	r->folio = MTHP_SIZE;
	for (size_t off = 0; off < r->len; off += MTHP_SIZE)
		if (!pf_is_large_folio(r->base + off, MTHP_SIZE))
			return pf_skip("no 64 KiB mTHP at offset %zu", off);
	return PF_PASS;
}

const struct pf_backing pf_backing_mthp_64k = {
	.name = "mthp-64k",
	.summary = "64 KiB multi-size THPs",
	.flags = PF_BK_ANON | PF_BK_LARGE | PF_BK_PAGE_ALIGNED | PF_BK_MMAP,
	.needs = PF_NEED_THP | PF_NEED_KPAGEFLAGS | PF_NEED_ROOT,
	.setup = mthp_setup,
	.teardown = pf_unmap_region,
};
