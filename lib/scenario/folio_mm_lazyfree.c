// SPDX-License-Identifier: GPL-2.0
/*
 * Batched lazy-free unmap. Since 354dffd29575 (v6.15) reclaim unmaps a
 * clean MADV_FREE'd large folio with one batch of PTEs (try_to_unmap_one()).
 * ddd05742b45b (v6.16, 6.15.7) bounds that batch by the VMA and the page
 * table: before it, a folio whose PTEs crossed a PMD boundary was scanned
 * past the end of its page table, and one crossing a VMA boundary was
 * unmapped through the first VMA alone. 3f8968e9cbf9 (2026) resets the
 * batch size for each PTE of the walk (a device-exclusive entry after a
 * batch reused its size). Whatever the batch, pages written after MADV_FREE
 * keep their data, pages never freed keep theirs, and freed untouched pages
 * read their data or zeros.
 */
#include "folio_mm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pagemap.h"
#include "pattern.h"
#include "swap.h"
#include "thp.h"

enum { SEED_OLD = 0x1a2, SEED_NEW = 0x1a3 };

#define RECLAIM_ROUNDS 3
#define CROSS_FOLIO (64u << 10)
#define CROSS_REDIRTY_PAGE 12	/* a page of the folio's second half */

static const char *const kind_names[] = {
	[PF_LAZY_KEPT] = "never freed",
	[PF_LAZY_FREED] = "freed, untouched",
	[PF_LAZY_REDIRTIED] = "written after MADV_FREE",
};

static int all_zero(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static enum pf_result page_fail(size_t page, int kind, const char *what)
{
	return pf_fail("page %zu (%s) %s", page, kind_names[kind], what);
}

static enum pf_result check_page(const char *p, size_t i, int kind,
				 const char *old, const char *new_data)
{
	size_t ps = pf_page_size();

	switch (kind) {
	case PF_LAZY_REDIRTIED:
		if (!memcmp(p, new_data, ps))
			return PF_PASS;
		return page_fail(i, kind, all_zero(p, ps) ? "reads zeros: the write was discarded" :
				 !memcmp(p, old, ps) ? "reads the data from before MADV_FREE" :
				 "holds data never written there");
	case PF_LAZY_FREED:
		if (!memcmp(p, old, ps) || all_zero(p, ps))
			return PF_PASS;
		return page_fail(i, kind, "holds neither its data nor zeros");
	default:
		if (!memcmp(p, old, ps))
			return PF_PASS;
		return page_fail(i, kind, all_zero(p, ps) ? "reads zeros: discarded though never freed" :
				 "holds data never written there");
	}
}

enum pf_result pf_lazy_check(const char *base, size_t pages,
			     const unsigned char *kinds, const char *old,
			     const char *new_data)
{
	size_t ps = pf_page_size();

	for (size_t i = 0; i < pages; i++) {
		enum pf_result res = check_page(base + i * ps, i, kinds[i],
						old + i * ps, new_data + i * ps);

		if (res != PF_PASS)
			return res;
	}
	return PF_PASS;
}

/* The data of a case: before MADV_FREE, what is written after, page kinds. */
struct lazy_data {
	char *old, *new_data;
	unsigned char *kinds;
	size_t pages;
};

static int lazy_data_alloc(struct lazy_data *d, size_t len)
{
	d->pages = len / pf_page_size();
	d->old = malloc(len);
	d->new_data = malloc(len);
	d->kinds = calloc(d->pages, 1);
	if (!d->old || !d->new_data || !d->kinds)
		return -1;
	pf_pattern_fill(d->old, len, SEED_OLD);
	pf_pattern_fill(d->new_data, len, SEED_NEW);
	return 0;
}

static void lazy_data_free(struct lazy_data *d)
{
	free(d->old);
	free(d->new_data);
	free(d->kinds);
}

static void redirty(char *base, struct lazy_data *d, size_t page)
{
	size_t ps = pf_page_size();

	memcpy(base + page * ps, d->new_data + page * ps, ps);
	d->kinds[page] = PF_LAZY_REDIRTIED;
}

static int madv_free(char *addr, size_t len, struct lazy_data *d, size_t first)
{
	size_t ps = pf_page_size();

	if (madvise(addr, len, MADV_FREE))
		return -errno;
	memset(d->kinds + first, PF_LAZY_FREED, len / ps);
	return 0;
}

/* MADV_FREE (and writes after it) in the layout; 0 or -errno. */
static int apply_layout(struct pf_region *r, enum pf_lazy_layout layout,
			struct lazy_data *d)
{
	size_t ps = pf_page_size(), ppf = r->folio / ps, folios = r->len / r->folio;
	int err = 0;

	if (layout != PF_LAZY_PART) {
		err = madv_free(r->base, r->len, d, 0);
		if (!err && layout == PF_LAZY_REDIRTY) {
			redirty(r->base, d, (folios - 1) * ppf + 1);
			redirty(r->base, d, folios * ppf - 1);
		}
		return err;
	}
	for (size_t f = 0; f < folios && !err; f++) {
		err = madv_free(r->base + f * r->folio + ps, r->folio - 2 * ps, d,
				f * ppf + 1);
		if (!err)
			redirty(r->base, d, f * ppf + ppf / 2);
	}
	return err;
}

/* Pages of the range that left memory: discarded (none) or swapped out. */
static void count_gone(const char *base, size_t pages, size_t *dropped,
		       size_t *swapped)
{
	size_t ps = pf_page_size();

	*dropped = *swapped = 0;
	for (size_t i = 0; i < pages; i++) {
		uint64_t e = pf_pagemap(base + i * ps);

		if (e & PM_SWAP)
			(*swapped)++;
		else if (!(e & PM_PRESENT))
			(*dropped)++;
	}
}

typedef int (*reclaim_fn)(void *ctx, char *addr, size_t len);

/* Reclaim in rounds until some page left memory; PF_SKIP when none did. */
static enum pf_result reclaim_until_gone(char *addr, size_t len,
					 reclaim_fn fn, void *ctx)
{
	size_t dropped = 0, swapped = 0, pages = len / pf_page_size();
	int round;

	for (round = 1; round <= RECLAIM_ROUNDS; round++) {
		int err = fn(ctx, addr, len);

		if (err)
			return pf_skip("reclaim: %s", strerror(-err));
		count_gone(addr, pages, &dropped, &swapped);
		if (dropped + swapped)
			break;
	}
	if (!dropped && !swapped)
		return pf_skip("reclaim took no page of the %zu (%d rounds)", pages,
			       RECLAIM_ROUNDS);
	pf_diag("reclaim round %d: %zu of %zu pages discarded, %zu swapped out",
		round > RECLAIM_ROUNDS ? RECLAIM_ROUNDS : round, dropped, pages, swapped);
	return PF_PASS;
}

static int pageout(void *ctx, char *addr, size_t len)
{
	(void)ctx;
	return madvise(addr, len, MADV_PAGEOUT) ? -errno : 0;
}

static enum pf_result lazyfree_on(struct pf_region *r, enum pf_lazy_layout layout,
				  struct lazy_data *d)
{
	enum pf_result res;
	int err;

	memcpy(r->base, d->old, r->len);
	err = apply_layout(r, layout, d);
	if (err)
		return err == -EINVAL ? pf_skip("MADV_FREE: %s (before 4.5?)", strerror(-err)) :
					pf_error("MADV_FREE: %s", strerror(-err));
	pf_diag("after MADV_FREE the first folio is %s (policy, not checked)",
		pf_mapping_state(r->base, r->folio));
	res = reclaim_until_gone(r->base, r->len, pageout, NULL);
	if (res != PF_PASS)
		return res;
	return pf_lazy_check(r->base, d->pages, d->kinds, d->old, d->new_data);
}

enum pf_result pf_lazyfree_run(struct pf_region *r, enum pf_lazy_layout layout)
{
	size_t ppf = r->folio / pf_page_size();
	struct lazy_data d = { 0 };
	enum pf_result res;

	if (r->len % r->folio || ppf < 4)
		return pf_error("the region is not whole folios of 4 pages or more");
	if (lazy_data_alloc(&d, r->len))
		res = pf_error("out of memory");
	else
		res = lazyfree_on(r, layout, &d);
	lazy_data_free(&d);
	return res;
}

/* ---- the folio across a boundary ---- */

/*
 * [folio 64 KiB][neighbour 64 KiB] inside a reservation of three PMDs; the
 * folio is faulted at fault_at, then moved to or cut at its place.
 */
struct cross {
	char *resv;
	size_t resv_len;
	char *folio;		/* where the folio is when reclaimed */
	struct pf_memcg memcg;
	int in_memcg;
};

static char *map_fixed(char *at, size_t len, int thp)
{
	char *p = mmap(at, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	return p;
}

static int vmas_over(const char *addr, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long lo, hi, a = (unsigned long)addr;
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < a + len && hi > a)
			n++;
	if (f)
		fclose(f);
	return n;
}

/* A lazily freed 64 KiB folio at at, filled from d before MADV_FREE. */
static enum pf_result lazy_folio_at(char *at, struct lazy_data *d)
{
	if (!map_fixed(at, CROSS_FOLIO, 1))
		return pf_error("mmap: %s", strerror(errno));
	memcpy(at, d->old, CROSS_FOLIO);
	if (!pf_is_large_folio(at, CROSS_FOLIO))
		return pf_skip("no 64 KiB mTHP was faulted (%s)",
			       pf_mapping_state(at, CROSS_FOLIO));
	if (madv_free(at, CROSS_FOLIO, d, 0))
		return pf_error("MADV_FREE: %s", strerror(errno));
	return PF_PASS;
}

/* Moves the folio so that its PTEs straddle the PMD boundary at pmd. */
static enum pf_result cross_pmd(struct cross *c, char *folio, char *pmd)
{
	char *to = pmd - CROSS_FOLIO / 2;

	if (mremap(folio, CROSS_FOLIO, CROSS_FOLIO, MREMAP_MAYMOVE | MREMAP_FIXED,
		   to) == MAP_FAILED)
		return pf_error("mremap: %s", strerror(errno));
	c->folio = to;
	if (!pf_is_large_folio(to, CROSS_FOLIO))
		return pf_skip("mremap across the PMD boundary did not keep one large folio (%s)",
			       pf_mapping_state(to, CROSS_FOLIO));
	return PF_PASS;
}

/* Cuts the folio's VMA in two without touching its PTEs (VM_NOHUGEPAGE). */
static enum pf_result cross_vma(struct cross *c, char *folio)
{
	c->folio = folio;
	if (madvise(folio + CROSS_FOLIO / 2, CROSS_FOLIO / 2, MADV_NOHUGEPAGE))
		return pf_error("MADV_NOHUGEPAGE: %s", strerror(errno));
	if (vmas_over(folio, CROSS_FOLIO) != 2)
		return pf_skip("the folio's range is not two VMAs (%d)",
			       vmas_over(folio, CROSS_FOLIO));
	if (!pf_is_large_folio(folio, CROSS_FOLIO))
		return pf_skip("the VMA split did not keep one large folio (%s)",
			       pf_mapping_state(folio, CROSS_FOLIO));
	return PF_PASS;
}

static int memcg_reclaim(void *ctx, char *addr, size_t len)
{
	(void)addr;
	(void)len;
	return pf_memcg_reclaim(ctx);
}

static enum pf_result cross_layout(struct cross *c, enum pf_lazy_cross cross,
				   struct lazy_data *d)
{
	size_t pmd = pf_thp_size();
	char *base = c->resv, *fault_at = base + 2 * pmd;
	enum pf_result res = lazy_folio_at(fault_at, d);

	if (res == PF_PASS)
		res = cross == PF_CROSS_PMD ? cross_pmd(c, fault_at, base + pmd) :
					      cross_vma(c, fault_at);
	if (res != PF_PASS)
		return res;
	if (!map_fixed(c->folio + CROSS_FOLIO, CROSS_FOLIO, 0))
		return pf_error("mmap of the neighbour: %s", strerror(errno));
	memcpy(c->folio + CROSS_FOLIO, d->old + CROSS_FOLIO, CROSS_FOLIO);
	redirty(c->folio, d, CROSS_REDIRTY_PAGE);
	pf_diag("a lazily freed 64 KiB folio at %p, %s, page %d written again; a 64 KiB neighbour after it",
		(void *)c->folio, cross == PF_CROSS_PMD ? "its PTEs in two page tables" :
		"its PTEs in two VMAs", CROSS_REDIRTY_PAGE);
	return PF_PASS;
}

static enum pf_result cross_case(struct cross *c, enum pf_lazy_cross cross,
				 struct lazy_data *d)
{
	enum pf_result res = pf_thp_allow(CROSS_FOLIO);

	if (res != PF_PASS)
		return res;
	res = pf_memcg_enter(&c->memcg);	/* before the folio is faulted: charged there */
	if (res != PF_PASS) {
		pf_diag("no memory cgroup of the case's own: MADV_PAGEOUT would split the folio before it reaches the batched unmap");
		return res;
	}
	c->in_memcg = 1;
	res = cross_layout(c, cross, d);
	if (res == PF_PASS)
		/* counted on the folio alone: the neighbour leaving proves nothing */
		res = reclaim_until_gone(c->folio, CROSS_FOLIO, memcg_reclaim, &c->memcg);
	if (res == PF_PASS)
		res = pf_lazy_check(c->folio, d->pages, d->kinds, d->old, d->new_data);
	return res;
}

enum pf_result pf_lazyfree_cross_run(enum pf_lazy_cross cross)
{
	struct cross c = { .resv_len = 3 * pf_thp_size() };
	struct lazy_data d = { 0 };
	enum pf_result res;

	c.resv = pf_map_aligned_prot(c.resv_len, pf_thp_size(), PROT_NONE);
	if (!c.resv)
		return pf_error("mmap: %s", strerror(errno));
	if (lazy_data_alloc(&d, 2 * CROSS_FOLIO))
		res = pf_error("out of memory");
	else
		res = cross_case(&c, cross, &d);
	munmap(c.resv, c.resv_len);
	if (c.in_memcg)
		pf_memcg_leave(&c.memcg);
	lazy_data_free(&d);
	return res;
}
