// SPDX-License-Identifier: GPL-2.0
/* Anonymous private 4 KiB pages, with THP kept away (MADV_NOHUGEPAGE). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"

#define ANON_DEFAULT_LEN (16u << 10)

static enum pf_result anon_setup(struct pf_region *r, size_t min_len)
{
	size_t ps = pf_page_size();
	size_t len = (min_len > ANON_DEFAULT_LEN ? min_len : ANON_DEFAULT_LEN);

	len = (len + ps - 1) & ~(ps - 1);
	if (!pf_map_aligned(len, ps, r))
		return pf_error("mmap: %s", strerror(errno));
	madvise(r->map, len, MADV_NOHUGEPAGE);
	r->base = r->map;
	r->len = len;
	r->folio = ps;
	memset(r->base, 0x5a, len);
	if (!pf_range_present(r->base, len))
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
