// SPDX-License-Identifier: GPL-2.0
/* The backing table and what all backings share. */
#include "backing.h"

#include <alloca.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pagemap.h"

/* Add a backing: one file with its struct pf_backing, and one row here. */
const struct pf_backing *const pf_backings[] = {
	&pf_backing_anon,
	&pf_backing_thp_pmd,
	&pf_backing_thp_pte,
	&pf_backing_thp_one_pte,
	&pf_backing_thp_mremap,
	&pf_backing_thp_shared_half,
	&pf_backing_mthp_16k,
	&pf_backing_mthp_32k,
	&pf_backing_mthp_64k,
	&pf_backing_mthp_128k,
	&pf_backing_mthp_256k,
	&pf_backing_mthp_512k,
	&pf_backing_mthp_1024k,
	&pf_backing_heap_odd,
	&pf_backing_stack,
	&pf_backing_hugetlb,
	&pf_backing_swapped,
	&pf_backing_swapped_thp,
	&pf_backing_memfd_private,
	&pf_backing_file_private,
};
const size_t pf_backings_count = sizeof(pf_backings) / sizeof(pf_backings[0]);

const struct pf_backing *const pf_backings_unwritten[] = {
	&pf_backing_untouched,
	&pf_backing_zero_page,
	&pf_backing_huge_zero_page,
	&pf_backing_memfd_unwritten,
	&pf_backing_file_unwritten,
};
const size_t pf_backings_unwritten_count =
	sizeof(pf_backings_unwritten) / sizeof(pf_backings_unwritten[0]);

char *pf_map_aligned_prot(size_t len, size_t align, int prot)
{
	size_t span = len + align;
	char *map = mmap(NULL, span, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *base;

	if (map == MAP_FAILED)
		return NULL;
	base = (char *)(((uintptr_t)map + align - 1) & ~(uintptr_t)(align - 1));
	/* trim, so the region is a mapping of its own */
	if (base > map)
		munmap(map, base - map);
	if (map + span > base + len)
		munmap(base + len, map + span - (base + len));
	return base;
}

char *pf_map_aligned(size_t len, size_t align, struct pf_region *r)
{
	char *base = pf_map_aligned_prot(len, align, PROT_READ | PROT_WRITE);

	if (!base)
		return NULL;
	r->map = base;
	r->map_len = len;
	return base;
}

void pf_unmap_region(struct pf_region *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	r->map = NULL;
}

char *pf_mmap_anon(size_t len, int flags)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

enum pf_result pf_region_map_anon(struct pf_region *r, size_t len, int flags)
{
	char *p = pf_mmap_anon(len, flags);

	if (!p)
		return pf_error("mmap failed");
	memset(r, 0, sizeof(*r));
	r->base = r->map = p;
	r->len = r->map_len = len;
	r->folio = pf_page_size();
	return PF_PASS;
}

#define SMALL_DEFAULT_LEN (16u << 10)

enum pf_result pf_region_map_small(struct pf_region *r, size_t min_len)
{
	size_t ps = pf_page_size();
	size_t len = min_len > SMALL_DEFAULT_LEN ? min_len : SMALL_DEFAULT_LEN;

	len = (len + ps - 1) & ~(ps - 1);
	if (!pf_map_aligned(len, ps, r))
		return pf_error("mmap: %s", strerror(errno));
	madvise(r->map, len, MADV_NOHUGEPAGE);
	r->base = r->map;
	r->len = len;
	r->folio = ps;
	return PF_PASS;
}

const char *pf_mapping_state(const void *addr, size_t len)
{
	if (!pf_range_present(addr, len))
		return "not present";
	if (pf_smaps_kb(addr, "KernelPageSize") > (long)(pf_page_size() >> 10))
		return "hugetlb page";
	if (!pf_kpageflags_readable())
		return pf_smaps_anon_huge_kb(addr) > 0 ? "PMD-mapped THP" :
		       "unknown (no kpageflags)";
	if (pf_is_large_folio(addr, len))
		return pf_smaps_anon_huge_kb(addr) >= (long)(len >> 10) ?
		       "PMD-mapped THP" : "PTE-mapped large folio";
	return "small pages";
}

#define STACK_DEFAULT_LEN (16u << 10)

/* The stack backing lives in this frame, so the region outlives setup. */
static enum pf_result run_on_stack(size_t min_len, struct pf_ctx *ctx,
				   pf_test_fn fn, struct pf_region *r)
{
	size_t len = min_len > STACK_DEFAULT_LEN ? min_len : STACK_DEFAULT_LEN;
	char *raw = alloca(len + 512);

	r->base = (char *)(((uintptr_t)raw + 511) & ~(uintptr_t)511);
	r->len = len;
	r->folio = pf_page_size();
	enum pf_result res = r->backing->setup(r, len);

	return res == PF_PASS ? fn(ctx) : res;
}

enum pf_result pf_backing_run(const struct pf_backing *b, size_t min_len,
			      struct pf_ctx *ctx, pf_test_fn fn)
{
	struct pf_region r = { .backing = b };
	enum pf_result res;

	ctx->region = &r;
	if (b->flags & PF_BK_STACK)
		return run_on_stack(min_len, ctx, fn, &r);
	res = b->setup(&r, min_len);
	if (res == PF_PASS)
		res = fn(ctx);
	if (b->teardown)
		b->teardown(&r);
	ctx->region = NULL;
	return res;
}

enum pf_result pf_thp_populate(struct pf_region *r, size_t len, size_t align)
{
	if (!pf_map_aligned(len, align, r))
		return pf_error("mmap %zu bytes: %s", len, strerror(errno));
	if (madvise(r->map, len, MADV_HUGEPAGE))
		return pf_skip("MADV_HUGEPAGE: %s", strerror(errno));
	r->base = r->map;
	r->len = len;
	memset(r->base, 0x5a, len);
	return PF_PASS;
}

char *pf_twin_map(const void *src, size_t len)
{
	char *t = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (t == MAP_FAILED)
		return NULL;
	madvise(t, len, MADV_NOHUGEPAGE);
	memcpy(t, src, len);
	return t;
}

void pf_twin_unmap(char *twin, size_t len)
{
	if (twin)
		munmap(twin, len);
}
