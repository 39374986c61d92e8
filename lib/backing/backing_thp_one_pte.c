// SPDX-License-Identifier: GPL-2.0
/*
 * One PTE of a THP: a PMD THP of which every page but one in the middle is
 * unmapped again, so the region is a single page, mapped by a PTE, of a
 * large folio that is mapped nowhere else (it sits on the deferred split
 * queue until reclaim splits it). Also the proof that pages belong to a
 * large folio, which thp-mremap shares.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"
#include "thp.h"

static int has(uint64_t flags, int bit)
{
	return flags != ~0ull && (flags >> bit & 1);
}

enum pf_result pf_in_large_folio_verify(const void *addr, size_t len)
{
	size_t ps = pf_page_size();
	uint64_t first = pf_pfn(addr);

	if (!first)
		return pf_skip("no PFN at the region (not present, or not root)");
	for (size_t off = 0; off < len; off += ps) {
		uint64_t pfn = pf_pfn((const char *)addr + off);
		uint64_t flags = pf_kpageflags(pfn);

		if (pfn != first + off / ps)
			return pf_skip("PFNs not contiguous at offset 0x%zx", off);
		if (!has(flags, KPF_THP) || !(has(flags, KPF_COMPOUND_HEAD) ||
					      has(flags, KPF_COMPOUND_TAIL)))
			return pf_skip("page at offset 0x%zx is not part of a large folio (kpageflags 0x%llx)",
				       off, (unsigned long long)flags);
	}
	return PF_PASS;
}

static enum pf_result one_pte_setup(struct pf_region *r, size_t min_len)
{
	size_t ps = pf_page_size(), thp = pf_thp_size();
	enum pf_result res;
	char *keep;

	if (min_len > ps)
		return pf_skip("asked for %zu bytes, more than the one page", min_len);
	res = pf_backing_thp_pmd.setup(r, thp);
	if (res != PF_PASS)
		return res;
	keep = r->map + thp / 2;
	if (munmap(r->map, thp / 2) || munmap(keep + ps, thp / 2 - ps))
		return pf_error("munmap around the kept page: %s", strerror(errno));
	r->map = r->base = keep;
	r->map_len = r->len = ps;
	r->folio = ps;
	return pf_in_large_folio_verify(keep, ps);
}

const struct pf_backing pf_backing_thp_one_pte = {
	.name = "thp-one-pte",
	.summary = "the one page still mapped (by a PTE) of a THP",
	.flags = PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_FOLIO_PART,
	.needs = PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	.setup = one_pte_setup,
	.teardown = pf_unmap_region,
};
