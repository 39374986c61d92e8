// SPDX-License-Identifier: GPL-2.0
/*
 * Events that must not decouple a pin. KSM merging, THP collapse (by
 * MADV_COLLAPSE or khugepaged), migration (move_pages, mbind), compaction
 * and MADV_PAGEOUT each replace or drop the page behind an address; on a
 * page held by a long-term pin (an io_uring fixed buffer) each must back
 * off, or the device keeps the old page while the CPU maps a new one.
 * After the event, WRITE_FIXED must send what the CPU wrote and READ_FIXED
 * must land in the CPU's view. Every case first shows on an unpinned twin
 * that the event really acts on this kernel, else it SKIPs. Whether the
 * pinned pages moved, merged or collapsed is reported as a diagnostic.
 * The invariants are no single commit: write_protect_page() (KSM), the
 * refcount checks of the collapse scan and of folio migration, and
 * try_to_unmap_one() refusing to unmap possibly pinned exclusive anon pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "compaction.h"
#include "daemons.h"
#include "ksm_merge.h"
#include "migrate.h"
#include "model.h"
#include "numa_nodes.h"
#include "pagemap.h"
#include "pattern.h"
#include "pin_invariants.h"
#include "thp.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

enum { SEED_SHARED = 31, SEED_REGION = 32 };

#define KHUGEPAGED_WAIT_SECONDS 40
#define PIN_PART (64u << 10)	/* the pinned part of a region to collapse */

/* ---- KSM ---- */

static enum pf_result ksm_pinned(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_cover c = pf_page_cover(r->base, r->len);
	struct pf_twins t = { 0 };
	struct pf_pinned p;
	struct pf_pfns pfns = { 0 };
	enum pf_result res = pf_pinned_setup(&p, r->base, r->len, SEED_SHARED);

	if (res == PF_PASS)
		res = pf_twins_make(&t, c.start, c.len);
	if (res == PF_PASS && pf_pfns_take(&pfns, &c))
		res = pf_error("out of memory");
	if (res == PF_PASS)
		res = pf_ksm_merge_twins(&t);
	if (res == PF_PASS)
		res = pf_ksm_expose(&c);
	if (res == PF_PASS) {
		pf_diag("pinned pages: %zu are KSM pages, %zu have a new PFN; first folio: %s",
			pf_pages_ksm(&c), pf_pfns_moved(&pfns, &c),
			pf_mapping_state(r->base, r->folio));
		res = pf_pinned_coherent(&p);
	}
	pf_pfns_free(&pfns);
	pf_twins_unmap(&t);
	pf_pinned_teardown(&p);
	madvise(c.start, c.len, MADV_UNMERGEABLE);
	return res;
}

static enum pf_result twins_stay_private(const struct pf_twins *t)
{
	struct pf_mismatch m;

	pf_pattern_fill(t->a, t->len, SEED_REGION);
	if (pf_pattern_check(t->b, t->len, SEED_SHARED, &m)) {
		pf_mismatch_diag("the other twin", &m);
		return pf_fail("a write to a KSM-merged page reached its twin");
	}
	if (pf_pattern_check(t->a, t->len, SEED_REGION, &m)) {
		pf_mismatch_diag("the written twin", &m);
		return pf_fail("a write to a KSM-merged page was lost");
	}
	return PF_PASS;
}

/* Control: KSM merges here, and merged twins stay private on write. */
static enum pf_result ksm_unpinned(struct pf_ctx *ctx)
{
	size_t len = 16 * pf_page_size();
	char *src = malloc(len);
	struct pf_twins t = { 0 };
	enum pf_result res;

	(void)ctx;
	if (!src)
		return pf_error("out of memory");
	pf_pattern_fill(src, len, SEED_SHARED);
	res = pf_twins_make(&t, src, len);
	free(src);
	if (res == PF_PASS)
		res = pf_ksm_merge_twins(&t);
	if (res == PF_PASS)
		res = twins_stay_private(&t);
	pf_twins_unmap(&t);
	return res;
}

/* ---- THP collapse ---- */

enum collapse_region { SMALL_PAGES, THP_PTE };

/* A THP-aligned, THP-sized region of small pages that may be collapsed. */
static enum pf_result small_pages_region(struct pf_region *r)
{
	size_t thp = pf_thp_size();

	memset(r, 0, sizeof(*r));
	if (!pf_map_aligned(thp, thp, r))
		return pf_error("mmap: %s", strerror(errno));
	r->base = r->map;
	r->len = thp;
	r->folio = pf_page_size();
	madvise(r->base, thp, MADV_NOHUGEPAGE);
	memset(r->base, 0x5a, thp);
	if (strcmp(pf_mapping_state(r->base, thp), "small pages"))
		return pf_skip("the region is %s, not small pages",
			       pf_mapping_state(r->base, thp));
	if (madvise(r->base, thp, MADV_HUGEPAGE))
		return pf_skip("MADV_HUGEPAGE: %s", strerror(errno));
	return PF_PASS;
}

static enum pf_result collapse_region(struct pf_region *r, enum collapse_region kind)
{
	if (kind == SMALL_PAGES)
		return small_pages_region(r);
	memset(r, 0, sizeof(*r));
	r->backing = &pf_backing_thp_pte;
	return pf_backing_thp_pte.setup(r, pf_thp_size());
}

static int is_pmd_thp(void *arg)
{
	return pf_is_pmd_thp(arg, pf_thp_size());
}

/* Control: an unpinned region of small pages collapses. */
static enum pf_result madv_collapse_control(void)
{
	struct pf_region twin;
	enum pf_result res = small_pages_region(&twin);

	if (res == PF_PASS && madvise(twin.base, twin.len, MADV_COLLAPSE))
		res = errno == EINVAL ?
		      pf_skip("MADV_COLLAPSE: EINVAL (needs v6.1+)") :
		      pf_skip("MADV_COLLAPSE of an unpinned twin: %s", strerror(errno));
	if (res == PF_PASS && !is_pmd_thp(twin.base))
		res = pf_skip("MADV_COLLAPSE did not collapse an unpinned twin (%s)",
			      pf_mapping_state(twin.base, twin.len));
	pf_unmap_region(&twin);
	return res;
}

/* The collapse must keep the data of the whole region and the pin. */
static enum pf_result after_collapse(struct pf_region *r, const char *ref,
				     struct pf_pinned *p)
{
	struct pf_mismatch m;

	pf_diag("pinned region now: %s", pf_mapping_state(r->base, r->len));
	if (pf_compare(r->base, ref, r->len, &m)) {
		pf_mismatch_diag("region after the collapse", &m);
		return pf_fail("the collapse changed the region's data");
	}
	return pf_pinned_coherent(p);
}

static enum pf_result pin_part(struct pf_region *r, struct pf_pinned *p,
			       char **ref)
{
	enum pf_result res;

	pf_pattern_fill(r->base, r->len, SEED_REGION);
	res = pf_pinned_setup(p, r->base + r->len / 2, PIN_PART, SEED_SHARED);
	*ref = malloc(r->len);
	if (res == PF_PASS && !*ref)
		res = pf_error("out of memory");
	if (res == PF_PASS)
		memcpy(*ref, r->base, r->len);
	return res;
}

static enum pf_result madv_collapse_pinned(struct pf_ctx *ctx)
{
	enum collapse_region kind = (enum collapse_region)(long)ctx->arg;
	struct pf_region r;
	struct pf_pinned p;
	char *ref = NULL;
	enum pf_result res = madv_collapse_control();

	memset(&p, 0, sizeof(p));
	p.s.fd = p.s.dio_fd = -1;
	if (res == PF_PASS)
		res = collapse_region(&r, kind);
	if (res == PF_PASS)
		res = pin_part(&r, &p, &ref);
	if (res == PF_PASS) {
		if (madvise(r.base, r.len, MADV_COLLAPSE))
			pf_diag("MADV_COLLAPSE of the pinned region: %s", strerror(errno));
		else
			pf_diag("MADV_COLLAPSE of the pinned region succeeded");
		res = after_collapse(&r, ref, &p);
	}
	free(ref);
	pf_pinned_teardown(&p);
	pf_unmap_region(&r);
	return res;
}

static enum pf_result khugepaged_pinned(struct pf_ctx *ctx)
{
	struct pf_region r, twin;
	struct pf_pinned p;
	char *ref = NULL;
	enum pf_result res = pf_thp_allow(0);
	long scans;

	(void)ctx;
	memset(&p, 0, sizeof(p));
	p.s.fd = p.s.dio_fd = -1;
	memset(&twin, 0, sizeof(twin));
	memset(&r, 0, sizeof(r));
	if (res == PF_PASS)
		res = small_pages_region(&r);
	if (res == PF_PASS)
		res = pin_part(&r, &p, &ref);
	if (res == PF_PASS)
		res = small_pages_region(&twin);
	if (res == PF_PASS)
		res = pf_khugepaged_start();
	if (res == PF_PASS) {
		scans = pf_khugepaged_wait(is_pmd_thp, twin.base, KHUGEPAGED_WAIT_SECONDS);
		pf_diag("khugepaged: %ld full scans; unpinned twin: %s", scans,
			pf_mapping_state(twin.base, twin.len));
		if (!is_pmd_thp(twin.base))
			res = pf_skip("khugepaged did not collapse an unpinned twin (%ld full scans)",
				      scans);
	}
	if (res == PF_PASS)
		res = after_collapse(&r, ref, &p);
	free(ref);
	pf_pinned_teardown(&p);
	pf_unmap_region(&twin);
	pf_unmap_region(&r);
	return res;
}

/* ---- migration, compaction, reclaim ---- */

/* Where the pinned pages are, before or after the event. */
static void nodes_diag(const char *when, const struct pf_cover *c, int *status)
{
	int err = pf_numa_where(c, status);

	if (err)
		pf_diag("pinned pages %s: move_pages cannot tell: %s", when,
			strerror(-err));
	else
		pf_numa_status_diag(when, status, c->len / pf_page_size());
}

static enum pf_result migrate_pinned(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_cover c = pf_page_cover(r->base, r->len);
	int *status = calloc(c.len / pf_page_size(), sizeof(int));
	size_t pages = c.len / pf_page_size();
	struct pf_pinned p;
	int from, to;
	long rc = 0;
	enum pf_result res = pf_pinned_setup(&p, r->base, r->len, SEED_SHARED);

	if (res == PF_PASS)
		res = status ? pf_numa_pick(r->base, &from, &to) :
			       pf_error("out of memory");
	if (res == PF_PASS)
		res = pf_numa_control(&c, from, to, pf_numa_move_all, "move_pages");
	if (res == PF_PASS) {
		nodes_diag("pinned pages before", &c, status);
		rc = pf_numa_move(&c, to, status);
		/* expected: the pinned pages stay (-EBUSY, or counted as not moved) */
		if (rc < 0)
			res = pf_skip("move_pages to node %d: %s", to, strerror((int)-rc));
	}
	if (res == PF_PASS) {
		pf_diag("move_pages to node %d: %ld pages not moved", to, rc);
		pf_numa_status_diag("move_pages status", status, pages);
		if (pf_numa_unseen(status, pages) == pages)
			res = pf_skip("move_pages could not look up the pinned pages (-EFAULT/-ENOENT): nothing was migrated or refused");
	}
	if (res == PF_PASS) {
		nodes_diag("pinned pages after", &c, status);
		res = pf_pinned_coherent(&p);
	}
	free(status);
	pf_pinned_teardown(&p);
	return res;
}

static enum pf_result mbind_pinned(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_cover c = pf_page_cover(r->base, r->len);
	int *status = calloc(c.len / pf_page_size(), sizeof(int));
	struct pf_pinned p;
	int from, to, err;
	enum pf_result res = pf_pinned_setup(&p, r->base, r->len, SEED_SHARED);

	if (res == PF_PASS)
		res = status ? pf_numa_pick(r->base, &from, &to) :
			       pf_error("out of memory");
	if (res == PF_PASS)
		res = pf_numa_control(&c, from, to, pf_numa_mbind_move,
				      "mbind(MPOL_MF_MOVE)");
	if (res == PF_PASS) {
		nodes_diag("pinned pages before", &c, status);
		err = pf_numa_mbind_move(&c, to);
		/* MPOL_MF_STRICT: EIO when pages (the pinned ones) stayed */
		pf_diag("mbind(node %d -> %d, MPOL_MF_MOVE|MPOL_MF_STRICT): %s",
			from, to, err ? strerror(-err) : "all moved");
		nodes_diag("pinned pages after", &c, status);
		res = pf_pinned_coherent(&p);
	}
	free(status);
	pf_pinned_teardown(&p);
	return res;
}

static enum pf_result compact_pinned(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_cover c = pf_page_cover(r->base, r->len);
	struct pf_pfns pinned = { 0 };
	struct pf_pinned p;
	enum pf_result res = pf_pinned_setup(&p, r->base, r->len, SEED_SHARED);

	if (res == PF_PASS && pf_pfns_take(&pinned, &c))
		res = pf_error("out of memory");
	if (res == PF_PASS)
		res = pf_compact_with_control(pf_compact_all);
	if (res == PF_PASS) {
		/* a pinned page may move only if the pin follows: coherence decides */
		pf_diag("compaction: pinned pages moved %zu of %zu",
			pf_pfns_moved(&pinned, &c), pinned.pages);
		res = pf_pinned_coherent(&p);
	}
	pf_pfns_free(&pinned);
	pf_pinned_teardown(&p);
	return res;
}

static size_t pages_swapped(const struct pf_cover *c)
{
	size_t n = 0;

	for (size_t off = 0; off < c->len; off += pf_page_size())
		n += !!(pf_pagemap(c->start + off) & PM_SWAP);
	return n;
}

/* Control: MADV_PAGEOUT swaps out an unpinned twin. */
static enum pf_result pageout_control(const struct pf_cover *c)
{
	char *twin = pf_twin_map(c->start, c->len);
	struct pf_cover tc = { twin, c->len };
	enum pf_result res = PF_PASS;

	if (!twin)
		return pf_error("mmap: %s", strerror(errno));
	if (madvise(twin, c->len, MADV_PAGEOUT))
		res = pf_skip("MADV_PAGEOUT: %s", strerror(errno));
	else if (!pages_swapped(&tc))
		res = pf_skip("MADV_PAGEOUT did not page out an unpinned twin");
	pf_twin_unmap(twin, c->len);
	return res;
}

static enum pf_result pageout_pinned(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_cover c = pf_page_cover(r->base, r->len);
	struct pf_pfns pfns = { 0 };
	struct pf_pinned p;
	enum pf_result res = pf_pinned_setup(&p, r->base, r->len, SEED_SHARED);

	if (res == PF_PASS)
		res = pageout_control(&c);
	if (res == PF_PASS && pf_pfns_take(&pfns, &c))
		res = pf_error("out of memory");
	if (res == PF_PASS) {
		if (madvise(c.start, c.len, MADV_PAGEOUT))
			pf_diag("MADV_PAGEOUT of the pinned pages: %s", strerror(errno));
		pf_diag("after MADV_PAGEOUT: %zu of %zu pinned pages swapped out, %zu with a new PFN",
			pages_swapped(&c), pfns.pages, pf_pfns_moved(&pfns, &c));
		res = pf_pinned_coherent(&p);
	}
	pf_pfns_free(&pfns);
	pf_pinned_teardown(&p);
	return res;
}

#define PIN_NEEDS (PF_NEED_URING | PF_NEED_ODIRECT)

static const struct pf_template templates[] = {
	{
		.name = "ksm-pinned",
		.summary = "fixed buffer on pages whose identical twins KSM merges: ksmd must not merge the pinned pages; WRITE_FIXED/READ_FIXED stay coherent",
		.run = ksm_pinned,
		.needs = PIN_NEEDS | PF_NEED_ROOT | PF_NEED_KSM | PF_NEED_KPAGEFLAGS,
		.use_backing = 1,
		.backing_excludes = PF_BK_HUGETLB,	/* KSM ignores hugetlb VMAs */
		.timeout = 120,
	},
	{
		.name = "ksm-unpinned-twins",
		.summary = "control: KSM merges two identical unpinned twins, and a write to one does not reach the other",
		.run = ksm_unpinned,
		.needs = PF_NEED_ROOT | PF_NEED_KSM | PF_NEED_KPAGEFLAGS,
		.timeout = 120,
	},
	{
		.name = "collapse-pinned-small-pages",
		.summary = "fixed buffer on 64 KiB of a THP-aligned region of small pages, MADV_COLLAPSE: data kept, pin stays coherent",
		.run = madv_collapse_pinned,
		.arg = (void *)(long)SMALL_PAGES,
		.needs = PIN_NEEDS | PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	},
	{
		.name = "collapse-pinned-thp-pte",
		.summary = "fixed buffer on 64 KiB of a PTE-mapped THP, MADV_COLLAPSE: data kept, pin stays coherent",
		.run = madv_collapse_pinned,
		.arg = (void *)(long)THP_PTE,
		.needs = PIN_NEEDS | PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	},
	{
		.name = "khugepaged-pinned-small-pages",
		.summary = "fixed buffer on 64 KiB of a THP-aligned region of small pages while khugepaged collapses its unpinned twin: data kept, pin stays coherent",
		.run = khugepaged_pinned,
		.needs = PIN_NEEDS | PF_NEED_ROOT | PF_NEED_THP | PF_NEED_KPAGEFLAGS,
		.timeout = 120,
	},
	{
		.name = "migrate-pinned",
		.summary = "fixed buffer, move_pages() of its pages to another NUMA node: pinned pages stay (-EBUSY), WRITE_FIXED/READ_FIXED stay coherent",
		.run = migrate_pinned,
		.needs = PIN_NEEDS,
		.use_backing = 1,
	},
	{
		.name = "mbind-pinned",
		.summary = "fixed buffer, mbind(MPOL_MF_MOVE) of its mapping to another NUMA node (shown to move an unpinned twin): WRITE_FIXED/READ_FIXED stay coherent",
		.run = mbind_pinned,
		.needs = PIN_NEEDS,
		.use_backing = 1,
		.backing_needs = PF_BK_MMAP | PF_BK_PAGE_ALIGNED,
	},
	{
		.name = "compact-pinned",
		.summary = "fixed buffer, then compaction of all memory (/proc/sys/vm/compact_memory) until it moves pages of an unpinned control: WRITE_FIXED/READ_FIXED stay coherent",
		.run = compact_pinned,
		.needs = PIN_NEEDS | PF_NEED_ROOT,
		.use_backing = 1,
		.timeout = 120,
	},
	{
		.name = "pageout-pinned",
		.summary = "fixed buffer, MADV_PAGEOUT of its pages: pinned pages stay, WRITE_FIXED/READ_FIXED stay coherent",
		.run = pageout_pinned,
		.needs = PIN_NEEDS | PF_NEED_SWAP,
		.use_backing = 1,
		.backing_excludes = PF_BK_HUGETLB,	/* hugetlb is never paged out */
	},
};

PF_MAIN(templates)
