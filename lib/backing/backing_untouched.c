// SPDX-License-Identifier: GPL-2.0
/*
 * Anonymous memory nobody has touched: no page table entry at all, so the
 * first access (a pin's GUP with FOLL_WRITE, or the CPU) faults it in.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"


enum pf_result pf_untouched_verify(const void *addr, size_t len)
{
	size_t ps = pf_page_size();

	for (size_t off = 0; off < len; off += ps) {
		uint64_t e = pf_pagemap((const char *)addr + off);

		if (e & (PM_PRESENT | PM_SWAP))
			return pf_skip("page at offset 0x%zx is already %s", off,
				       e & PM_PRESENT ? "present" : "swapped");
	}
	return PF_PASS;
}

static enum pf_result untouched_setup(struct pf_region *r, size_t min_len)
{
	enum pf_result res = pf_region_map_small(r, min_len);

	return res == PF_PASS ? pf_untouched_verify(r->base, r->len) : res;
}

const struct pf_backing pf_backing_untouched = {
	.name = "untouched",
	.summary = "anonymous memory never accessed (no page yet)",
	.flags = PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_UNWRITTEN,
	.setup = untouched_setup,
	.teardown = pf_unmap_region,
};
