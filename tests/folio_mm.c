// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios on three mm paths of the large-folio era (issue 9):
 * - batched lazy-free unmap in reclaim (354dffd29575, v6.15) and its fixes
 *   ddd05742b45b (v6.16, 6.15.7: the batch bounded by VMA and page table)
 *   and 3f8968e9cbf9 (2026: the batch size reset per PTE of the walk);
 * - UFFDIO_MOVE of a page in the swap cache: c50f8e6053b0 (v6.14) and
 *   0ea148a79919 (v6.16; both in 6.12.y, 6.12.20 and 6.12.37);
 * - mlock of part of a large folio (dc68badcede4, 1acbc3f93614: v6.7),
 *   around fork, munlock, munmap and exit.
 * The lib/scenario/folio_mm*.c files say what each case does and why.
 */
#include <errno.h>
#include <unistd.h>

#include "folio_mm.h"
#include "model.h"

static const enum pf_lazy_layout lazy_all = PF_LAZY_ALL;
static const enum pf_lazy_layout lazy_redirty = PF_LAZY_REDIRTY;
static const enum pf_lazy_layout lazy_part = PF_LAZY_PART;

static enum pf_result lazyfree(struct pf_ctx *ctx)
{
	enum pf_result res = pf_fmm_swap_ready();

	if (res != PF_PASS && *(const enum pf_lazy_layout *)ctx->arg != PF_LAZY_ALL)
		return res;
	return pf_lazyfree_run(ctx->region, *(const enum pf_lazy_layout *)ctx->arg);
}

static const enum pf_lazy_cross cross_pmd = PF_CROSS_PMD;
static const enum pf_lazy_cross cross_vma = PF_CROSS_VMA;

static enum pf_result lazyfree_cross(struct pf_ctx *ctx)
{
	enum pf_result res = pf_fmm_swap_ready();

	if (res != PF_PASS)
		return res;
	return pf_lazyfree_cross_run(*(const enum pf_lazy_cross *)ctx->arg);
}

/*
 * 3f8968e9cbf9's walk needs a device-exclusive PTE after a batch, which only
 * make_device_exclusive() installs: from userspace, through the HMM test
 * driver's HMM_DMIRROR_EXCLUSIVE (lib/test_hmm.c, CONFIG_TEST_HMM), which
 * no kernel the suite runs on builds.
 */
static enum pf_result lazyfree_device_exclusive(struct pf_ctx *ctx)
{
	(void)ctx;
	if (access("/dev/hmm_dmirror0", F_OK))
		return pf_skip("needs a device-exclusive PTE in a lazily freed large folio: only the HMM test driver makes one from userspace (HMM_DMIRROR_EXCLUSIVE, CONFIG_TEST_HMM; /dev/hmm_dmirror0 missing)");
	return pf_skip("/dev/hmm_dmirror0 is present, but driving HMM_DMIRROR_EXCLUSIVE is not written yet");
}

static enum pf_result uffd_move(struct pf_ctx *ctx, double race_seconds)
{
	enum pf_result res = pf_fmm_swap_ready();

	(void)ctx;
	return res == PF_PASS ? pf_uffd_move_swapcache_run(race_seconds, NULL) : res;
}

static enum pf_result uffd_move_once(struct pf_ctx *ctx)
{
	return uffd_move(ctx, 0);
}

static enum pf_result uffd_move_race(struct pf_ctx *ctx)
{
	return uffd_move(ctx, ctx->race_seconds);
}

/*
 * The same race, judged on what UFFDIO_MOVE answers: a move into an empty
 * destination that returns EEXIST (uffdio_move.move = -EEXIST, "nothing
 * moved") while the page did move tells the caller the opposite of what
 * happened. Since 50944692052b (v6.18) move_pages() keeps the -EAGAIN of a
 * first try in err after the retry moved the page, goes round again and
 * finds the destination full; f025ca73decd (v7.3; 7.2.y) resets err.
 */
static enum pf_result uffd_move_result(struct pf_ctx *ctx)
{
	enum pf_result res = pf_fmm_swap_ready();
	long eexist_moved = 0;

	if (res == PF_PASS)
		res = pf_uffd_move_swapcache_run(ctx->race_seconds, &eexist_moved);
	if (res == PF_PASS && eexist_moved)
		return pf_fail("UFFDIO_MOVE returned EEXIST %ld time(s) although it had moved the page",
			       eexist_moved);
	return res;
}

static const enum pf_mlock_end end_munlock = PF_MLOCK_END_MUNLOCK;
static const enum pf_mlock_end end_munmap = PF_MLOCK_END_MUNMAP;
static const enum pf_mlock_end end_child_exit = PF_MLOCK_END_CHILD_EXIT;

static enum pf_result mlock_part(struct pf_ctx *ctx)
{
	return pf_mlock_part_run(ctx->region, *(const enum pf_mlock_end *)ctx->arg);
}

/* The backings that are private anonymous large folios of a mapping of their own. */
#define LARGE_FOLIOS                                                          \
	.use_backing = 1,                                                     \
	.backing_needs = PF_BK_ANON | PF_BK_LARGE | PF_BK_MMAP | PF_BK_PAGE_ALIGNED, \
	.backing_excludes = PF_BK_HUGETLB | PF_BK_SHARED | PF_BK_SWAPPED | PF_BK_FOLIO_PART

#define LAZYFREE_FIX .fixes = { "ddd05742b45b" }
#define UFFD_MOVE_FIX .fixes = { "0ea148a79919", "c50f8e6053b0" }
#define UFFD_MOVE_RESULT_FIX .fixes = { "f025ca73decd" }
#define MLOCK_FIX .fixes = { "dc68badcede4", "1acbc3f93614" }

static const struct pf_template templates[] = {
	{
		.name = "lazyfree-all",
		.summary = "MADV_FREE of whole large folios, then MADV_PAGEOUT: every page reads its data or zeros (batched lazy-free unmap since v6.15; 6.1 and 6.12 unmap page by page)",
		.run = lazyfree, .arg = &lazy_all, LAZYFREE_FIX, LARGE_FOLIOS,
	},
	{
		.name = "lazyfree-redirty",
		.summary = "MADV_FREE of whole large folios, two pages of the last written again, then MADV_PAGEOUT: the written pages keep the new data, the rest read their data or zeros",
		.run = lazyfree, .arg = &lazy_redirty, LAZYFREE_FIX, LARGE_FOLIOS,
		.needs = PF_NEED_SWAP,
	},
	{
		.name = "lazyfree-part",
		.summary = "MADV_FREE of the middle of each large folio, one page of it written again, then MADV_PAGEOUT: pages never freed and the written page keep their data",
		.run = lazyfree, .arg = &lazy_part, LAZYFREE_FIX, LARGE_FOLIOS,
		.needs = PF_NEED_SWAP,
	},
	{
		.name = "lazyfree-cross-pmd",
		.summary = "a lazily freed 64 KiB mTHP moved by mremap so its PTEs straddle a PMD boundary, one page written again, reclaimed by its memory cgroup: data of it and its neighbour (out-of-bounds PTE scan in v6.15-6.15.6)",
		.run = lazyfree_cross, .arg = &cross_pmd, LAZYFREE_FIX,
		.needs = PF_NEED_ROOT | PF_NEED_THP | PF_NEED_KPAGEFLAGS | PF_NEED_SWAP,
	},
	{
		.name = "lazyfree-cross-vma",
		.summary = "a lazily freed 64 KiB mTHP cut by a VMA boundary (MADV_NOHUGEPAGE on half), one page of the second VMA written again, reclaimed by its memory cgroup: data of it and its neighbour (batch past the VMA in v6.15-6.15.6)",
		.run = lazyfree_cross, .arg = &cross_vma, LAZYFREE_FIX,
		.needs = PF_NEED_ROOT | PF_NEED_THP | PF_NEED_KPAGEFLAGS | PF_NEED_SWAP,
	},
	{
		.name = "lazyfree-device-exclusive",
		.summary = "a lazily freed 64 KiB mTHP whose last PTE is device-exclusive, reclaimed: refcount and mapcount intact (stale batch size, v6.15 until 3f8968e9cbf9)",
		.run = lazyfree_device_exclusive, .fixes = { "3f8968e9cbf9" },
	},
	{
		.name = "uffd-move-swapcache",
		.summary = "UFFDIO_MOVE of a page whose PTE is a swap entry and whose folio is in the swap cache: the destination reads the page's data, also after another swap-out (UFFDIO_MOVE since v6.8; 6.1 has none)",
		.run = uffd_move_once, UFFD_MOVE_FIX,
		.needs = PF_NEED_SWAP | PF_NEED_UFFD,
	},
	{
		.name = "uffd-move-swapcache-race",
		.summary = "UFFDIO_MOVE back and forth while another thread swaps the page out and into the swap cache and a third churns swap slots: the page keeps its data, no other page's data appears (v6.8 until 0ea148a79919; fixed in 6.12.37)",
		.run = uffd_move_race, UFFD_MOVE_FIX,
		.needs = PF_NEED_SWAP | PF_NEED_UFFD, .groups = PF_GROUP_RACE,
	},
	{
		.name = "uffd-move-result-race",
		.summary = "the uffd-move-swapcache race, judged on UFFDIO_MOVE's answer: a move into an empty destination never returns EEXIST after moving the page (v6.18 batched MOVE, 50944692052b, keeps a stale -EAGAIN in move_pages(); fixed by f025ca73decd, v7.3, 7.2.y)",
		.run = uffd_move_result, UFFD_MOVE_RESULT_FIX,
		.needs = PF_NEED_SWAP | PF_NEED_UFFD, .groups = PF_GROUP_RACE,
	},
	{
		.name = "mlock-part-munlock",
		.summary = "mlock of half of a large folio, fork, munlock: no inherited lock, data kept, nothing left PG_mlocked, Locked and the system's Mlocked back at baseline (large-folio mlock since v6.7)",
		.run = mlock_part, .arg = &end_munlock, MLOCK_FIX, LARGE_FOLIOS,
	},
	{
		.name = "mlock-part-munmap",
		.summary = "mlock of half of a large folio, fork, munmap of the locked half: the other half keeps its data and is not PG_mlocked, the system's Mlocked back at baseline",
		.run = mlock_part, .arg = &end_munmap, MLOCK_FIX, LARGE_FOLIOS,
	},
	{
		.name = "mlock-part-child-exit",
		.summary = "a child mlocks half of a large folio shared with its parent, writes and exits locked: the parent's data kept, nothing of it PG_mlocked, the system's Mlocked back at baseline",
		.run = mlock_part, .arg = &end_child_exit, MLOCK_FIX, LARGE_FOLIOS,
	},
};

PF_MAIN(templates)
