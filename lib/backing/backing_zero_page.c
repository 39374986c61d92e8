// SPDX-License-Identifier: GPL-2.0
/*
 * Anonymous memory that was only read: every page maps the shared zero
 * page, or (huge-zero-page) a PMD maps the huge zero page. A pin there
 * must get the process its own page and leave the zero page as it is
 * (84209e87c696), whether it pins to write (FOLL_WRITE) or read-only.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"
#include "thp.h"
#include "zeropage.h"

#define ZERO_DEFAULT_LEN (16u << 10)

enum pf_result pf_zero_verify(const void *addr, size_t len, int huge)
{
	size_t ps = pf_page_size(), step = huge ? len : ps;
	char why[160];

	for (size_t off = 0; off < len; off += step)
		if (pf_zero_backed((const char *)addr + off, step, huge, NULL, why,
				   sizeof(why)))
			return pf_skip("offset 0x%zx: %s", off, why);
	return PF_PASS;
}

/* Maps len bytes aligned to align, advised, and read-faults every page. */
static enum pf_result read_fault(struct pf_region *r, size_t len, size_t align,
				 int advice)
{
	if (!pf_map_aligned(len, align, r))
		return pf_error("mmap: %s", strerror(errno));
	if (madvise(r->map, len, advice) && advice == MADV_HUGEPAGE)
		return pf_skip("MADV_HUGEPAGE: %s", strerror(errno));
	r->base = r->map;
	r->len = len;
	r->folio = pf_page_size();
	for (size_t off = 0; off < len; off += pf_page_size())
		(void)*(volatile char *)(r->base + off);
	return PF_PASS;
}

static enum pf_result zero_setup(struct pf_region *r, size_t min_len)
{
	size_t ps = pf_page_size();
	size_t len = min_len > ZERO_DEFAULT_LEN ? min_len : ZERO_DEFAULT_LEN;
	enum pf_result res;

	len = (len + ps - 1) & ~(ps - 1);
	res = read_fault(r, len, ps, MADV_NOHUGEPAGE);
	return res == PF_PASS ? pf_zero_verify(r->base, len, 0) : res;
}

static enum pf_result huge_zero_setup(struct pf_region *r, size_t min_len)
{
	size_t thp = pf_thp_size();
	enum pf_result res;

	if (min_len > thp)
		return pf_skip("asked for %zu bytes, more than one THP", min_len);
	res = pf_zero_allow(1);
	if (res == PF_PASS)
		res = read_fault(r, thp, thp, MADV_HUGEPAGE);
	return res == PF_PASS ? pf_zero_verify(r->base, thp, 1) : res;
}

const struct pf_backing pf_backing_zero_page = {
	.name = "zero-page",
	.summary = "anonymous memory only read: every page maps the shared zero page",
	.flags = PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_UNWRITTEN,
	.needs = PF_NEED_KPAGEFLAGS,
	.setup = zero_setup,
	.teardown = pf_unmap_region,
};

const struct pf_backing pf_backing_huge_zero_page = {
	.name = "huge-zero-page",
	.summary = "a THP-sized region only read: a PMD maps the huge zero page",
	.flags = PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_PMD |
		 PF_BK_UNWRITTEN,
	.needs = PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	.setup = huge_zero_setup,
	.teardown = pf_unmap_region,
};
