// SPDX-License-Identifier: GPL-2.0
/*
 * Half of a THP moved by mremap(): the second half of a PMD THP is moved
 * to another address (which splits the PMD mapping); the region is the
 * moved half, still part of the large folio whose first half stays mapped
 * at the old address.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"
#include "thp.h"

/* r->priv: the first half, still mapped at the old address. */
static enum pf_result move_second_half(struct pf_region *r, size_t half)
{
	char *dest = pf_map_aligned_prot(half, pf_page_size(), PROT_NONE);
	char *moved;

	if (!dest)
		return pf_error("mmap the destination: %s", strerror(errno));
	moved = mremap(r->map + half, half, half, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
	if (moved == MAP_FAILED) {
		munmap(dest, half);
		return pf_error("mremap: %s", strerror(errno));
	}
	r->priv = r->map;
	r->map = r->base = moved;
	r->map_len = r->len = half;
	r->folio = pf_page_size();
	return PF_PASS;
}

static enum pf_result mremap_setup(struct pf_region *r, size_t min_len)
{
	size_t half = pf_thp_size() / 2;
	enum pf_result res;

	if (min_len > half)
		return pf_skip("asked for %zu bytes, more than half a THP", min_len);
	res = pf_backing_thp_pmd.setup(r, 2 * half);
	if (res == PF_PASS)
		res = move_second_half(r, half);
	return res == PF_PASS ? pf_in_large_folio_verify(r->base, r->len) : res;
}

static void mremap_teardown(struct pf_region *r)
{
	if (r->priv)
		munmap(r->priv, pf_thp_size() / 2);
	r->priv = NULL;
	pf_unmap_region(r);
}

const struct pf_backing pf_backing_thp_mremap = {
	.name = "thp-mremap",
	.summary = "the half of a THP that mremap() moved elsewhere",
	.flags = PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_FOLIO_PART,
	.needs = PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	.setup = mremap_setup,
	.teardown = mremap_teardown,
};
