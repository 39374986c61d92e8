// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-size THPs (mTHP, v6.8+), one row per size the kernel may expose
 * (/sys/kernel/mm/transparent_hugepage/hugepages-<N>kB): a row is a size
 * and a name. The region starts at an odd multiple of the size inside one
 * PMD-aligned range and is at most two folios long: no aligned block of
 * twice the size or more fits in it, so the largest folio a fault can
 * allocate there is the row's size whatever other sizes are enabled.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"
#include "thp.h"

#define MTHP_FOLIOS 2	/* folios in the region, when they fit below a PMD */

/* Region length: up to MTHP_FOLIOS folios, short of a whole PMD range. */
static size_t mthp_region_len(size_t size)
{
	size_t pmd = pf_thp_size(), len = MTHP_FOLIOS * size;

	return len > pmd - size ? (pmd - size) / size * size : len;
}

/*
 * Maps [pmd + size, pmd + size + len) of a PMD-aligned range as a mapping
 * of its own: at an odd multiple of size, never PMD-aligned, short of a PMD.
 */
static char *map_below_pmd(struct pf_region *r, size_t size, size_t len)
{
	size_t pmd = pf_thp_size();
	char *map = pf_map_aligned_prot(pmd, pmd, PROT_READ | PROT_WRITE);

	if (!map)
		return NULL;
	munmap(map, size);
	munmap(map + size + len, pmd - size - len);
	r->map = map + size;
	r->map_len = len;
	return r->map;
}

static enum pf_result mthp_fill(struct pf_region *r, size_t size)
{
	size_t len = mthp_region_len(size);

	if (!map_below_pmd(r, size, len))
		return pf_error("mmap %zu bytes: %s", pf_thp_size(), strerror(errno));
	if (madvise(r->map, len, MADV_HUGEPAGE))
		return pf_skip("MADV_HUGEPAGE: %s", strerror(errno));
	r->base = r->map;
	r->len = len;
	r->folio = size;
	memset(r->base, 0x5a, len);
	return PF_PASS;
}

enum pf_result pf_mthp_verify(const struct pf_region *r, size_t size)
{
	for (size_t off = 0; off < r->len; off += size)
		if (!pf_is_large_folio(r->base + off, size))
			return pf_skip("no %zu KiB mTHP at offset %zu (%s)", size >> 10,
				       off, pf_mapping_state(r->base + off, size));
	return PF_PASS;
}

static enum pf_result mthp_setup(struct pf_region *r, size_t min_len)
{
	size_t size = r->backing->size;
	enum pf_result res;

	if (size >= pf_thp_size())
		return pf_skip("%zu KiB is not below the PMD size", size >> 10);
	if (min_len > mthp_region_len(size))
		return pf_skip("asked for %zu bytes, more than %zu", min_len,
			       mthp_region_len(size));
	res = pf_thp_allow(size);
	if (res == PF_PASS)
		res = mthp_fill(r, size);
	return res == PF_PASS ? pf_mthp_verify(r, size) : res;
}

#define MTHP_ROW(kib)							\
	const struct pf_backing pf_backing_mthp_##kib##k = {		\
		.name = "mthp-" #kib "k",				\
		.summary = #kib " KiB multi-size THPs",			\
		.flags = PF_BK_ANON | PF_BK_LARGE | PF_BK_PAGE_ALIGNED | \
			 PF_BK_MMAP,					\
		.needs = PF_NEED_THP | PF_NEED_KPAGEFLAGS | PF_NEED_ROOT, \
		.size = (size_t)(kib) << 10,				\
		.setup = mthp_setup,					\
		.teardown = pf_unmap_region,				\
	}

MTHP_ROW(16);
MTHP_ROW(32);
MTHP_ROW(64);
MTHP_ROW(128);
MTHP_ROW(256);
MTHP_ROW(512);
MTHP_ROW(1024);
