// SPDX-License-Identifier: GPL-2.0
/* Anonymous private 4 KiB pages, with THP kept away (MADV_NOHUGEPAGE). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"


static enum pf_result anon_setup(struct pf_region *r, size_t min_len)
{
	size_t ps = pf_page_size();
	enum pf_result res = pf_region_map_small(r, min_len);

	if (res != PF_PASS)
		return res;
	memset(r->base, 0x5a, r->len);
	if (!pf_range_present(r->base, r->len))
		return pf_skip("anonymous pages not present after touching them");
	if (pf_kpageflags_readable() && pf_is_large_folio(r->base, ps * 2))
		return pf_skip("got a large folio where small pages were asked for");
	return PF_PASS;
}

const struct pf_backing pf_backing_anon = {
	.name = "anon",
	.summary = "anonymous private 4 KiB pages",
	.flags = PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP,
	.setup = anon_setup,
	.teardown = pf_unmap_region,
};
