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

#define UNTOUCHED_DEFAULT_LEN (16u << 10)

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
	size_t ps = pf_page_size();
	size_t len = min_len > UNTOUCHED_DEFAULT_LEN ? min_len : UNTOUCHED_DEFAULT_LEN;

	len = (len + ps - 1) & ~(ps - 1);
	if (!pf_map_aligned(len, ps, r))
		return pf_error("mmap: %s", strerror(errno));
	madvise(r->map, len, MADV_NOHUGEPAGE);
	r->base = r->map;
	r->len = len;
	r->folio = ps;
	return pf_untouched_verify(r->base, len);
}

const struct pf_backing pf_backing_untouched = {
	.name = "untouched",
	.summary = "anonymous memory never accessed (no page yet)",
	.flags = PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_UNWRITTEN,
	.setup = untouched_setup,
	.teardown = pf_unmap_region,
};
