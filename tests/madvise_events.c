// SPDX-License-Identifier: GPL-2.0
/*
 * madvise and mlock events on memory that is pinned or shared after fork:
 * MADV_DONTNEED of part of a hugetlb page must not zap data past its range
 * (8ebe0a5eaaeb); mlock/munlock of half a large folio shared after fork
 * keeps each process's data and returns the accounting to baseline;
 * MADV_DONTFORK / MADV_WIPEONFORK over an io_uring fixed buffer leave the
 * child without the memory or with zeros, and the parent's pin coherent.
 */
#include "dontneed_partial.h"
#include "fork_advice.h"
#include "mlock_fork.h"
#include "model.h"

#define HUGE_2M (2ul << 20)
#define SMALL_4K 4096ul

static enum pf_result dontneed_first_page(struct pf_ctx *ctx)
{
	return pf_dontneed_partial_run(ctx->region, 0, SMALL_4K);
}

/* Across the boundary of two huge pages: the second keeps the rest. */
static enum pf_result dontneed_straddle(struct pf_ctx *ctx)
{
	return pf_dontneed_partial_run(ctx->region, 0, HUGE_2M + SMALL_4K);
}

static enum pf_result mlock_half(struct pf_ctx *ctx)
{
	return pf_mlock_half_fork_run(ctx->region, ctx->arg);
}

static const struct pf_mlock_plan child_locks = { PF_MLOCK_CHILD, 0 };
static const struct pf_mlock_plan parent_locks = { PF_MLOCK_PARENT, 0 };
static const struct pf_mlock_plan child_locks_onfault = { PF_MLOCK_CHILD, 1 };
static const struct pf_mlock_plan parent_locks_onfault = { PF_MLOCK_PARENT, 1 };

static enum pf_result dontfork_pinned(struct pf_ctx *ctx)
{
	return pf_fork_advice_run(ctx->region, PF_ADVICE_DONTFORK);
}

static enum pf_result wipeonfork_pinned(struct pf_ctx *ctx)
{
	return pf_fork_advice_run(ctx->region, PF_ADVICE_WIPEONFORK);
}

#define MLOCK_HALF(name_, how, plan)                                            \
	{                                                                      \
		.name = name_,                                                 \
		.summary = "large folio shared after fork, " how " half of it, both write: each keeps its data; after munlock smaps Locked and PG_mlocked are back to baseline", \
		.run = mlock_half,                                             \
		.arg = &plan,                                                  \
		.fixes = { "6c287605fd56" },                                   \
		.use_backing = 1,                                              \
		.backing_needs = PF_BK_ANON | PF_BK_LARGE | PF_BK_MMAP,        \
	}

static const struct pf_template templates[] = {
	{
		.name = "hugetlb-dontneed-first-4k",
		.summary = "MADV_DONTNEED of the first 4 KiB of a 2 MiB hugetlb page: the rest of the page keeps its data",
		.run = dontneed_first_page,
		.fixes = { "8ebe0a5eaaeb" },
		.use_backing = 1,
		.backing_needs = PF_BK_HUGETLB,
		.min_len = HUGE_2M * 2,
	},
	{
		.name = "hugetlb-dontneed-straddle",
		.summary = "MADV_DONTNEED of one hugetlb page and 4 KiB of the next: the rest of the next keeps its data",
		.run = dontneed_straddle,
		.fixes = { "8ebe0a5eaaeb" },
		.use_backing = 1,
		.backing_needs = PF_BK_HUGETLB,
		.min_len = HUGE_2M * 2,
	},
	MLOCK_HALF("mlock-half-child", "the child mlock()s", child_locks),
	MLOCK_HALF("mlock-half-parent", "the parent mlock()s", parent_locks),
	MLOCK_HALF("mlock-onfault-half-child", "the child mlock2(MLOCK_ONFAULT)s",
		   child_locks_onfault),
	MLOCK_HALF("mlock-onfault-half-parent", "the parent mlock2(MLOCK_ONFAULT)s",
		   parent_locks_onfault),
	{
		.name = "dontfork-pinned",
		.summary = "io_uring fixed buffer, MADV_DONTFORK, fork: the child has no mapping (SIGSEGV), the parent's pin stays coherent",
		.run = dontfork_pinned,
		.needs = PF_NEED_URING | PF_NEED_ODIRECT,
		.use_backing = 1,
		.backing_needs = PF_BK_ANON | PF_BK_MMAP,
	},
	{
		/* MADV_WIPEONFORK is refused on hugetlb (a file-backed VMA) */
		.name = "wipeonfork-pinned",
		.summary = "io_uring fixed buffer, MADV_WIPEONFORK, fork: the child sees zeros, the parent's pin stays coherent",
		.run = wipeonfork_pinned,
		.needs = PF_NEED_URING | PF_NEED_ODIRECT,
		.use_backing = 1,
		.backing_needs = PF_BK_ANON | PF_BK_MMAP,
		.backing_excludes = PF_BK_HUGETLB,
	},
};

PF_MAIN(templates)
