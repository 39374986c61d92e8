// SPDX-License-Identifier: GPL-2.0
/*
 * MADV_FREE reclaim against O_DIRECT reads (6c8e2a256915, v5.18): memory
 * that an allocator freed lazily (MADV_FREE, as tcmalloc and jemalloc do)
 * is reused as an O_DIRECT read buffer; reclaim must not discard a clean
 * lazily freed page that the read holds, or the data lands in a page
 * nobody maps and the owner reads zeros. A deterministic case holds the
 * pages with a fixed-buffer pin; a race reclaims (MADV_PAGEOUT) while
 * io_uring O_DIRECT reads are in flight.
 */
#include "madv_free_dio.h"
#include "model.h"

static enum pf_result fixed_pin(struct pf_ctx *ctx)
{
	return pf_madv_free_fixed_run(ctx->region, pf_reclaim_pageout);
}

static enum pf_result read_in_flight(struct pf_ctx *ctx)
{
	return pf_madv_free_race_run(ctx->region, ctx->race_seconds,
				     pf_reclaim_pageout);
}

/* MADV_FREE needs private anonymous pages of our own: not the live stack
 * frame, not hugetlb (EINVAL). heap-odd is freed page-wise around the
 * buffer, inside its own allocation. */
#define MADV_FREE_BACKINGS                                                     \
	.use_backing = 1,                                                      \
	.backing_needs = PF_BK_ANON,                                           \
	.backing_excludes = PF_BK_STACK | PF_BK_HUGETLB

static const struct pf_template templates[] = {
	{
		.name = "madv-free-fixed-read",
		.summary = "MADV_FREE'd buffer pinned as a fixed buffer, MADV_PAGEOUT before and after READ_FIXED: the read data stays, not zeros",
		.run = fixed_pin,
		.fixes = { "6c8e2a256915" },
		.needs = PF_NEED_URING | PF_NEED_ODIRECT,
		MADV_FREE_BACKINGS,
	},
	{
		.name = "madv-free-dio-race",
		.summary = "MADV_FREE'd buffer, io_uring O_DIRECT READ in flight while MADV_PAGEOUT reclaims it: the read data arrives, not zeros",
		.run = read_in_flight,
		.fixes = { "6c8e2a256915" },
		.needs = PF_NEED_URING | PF_NEED_ODIRECT,
		.groups = PF_GROUP_RACE,
		MADV_FREE_BACKINGS,
	},
};

PF_MAIN(templates)
