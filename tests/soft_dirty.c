// SPDX-License-Identifier: GPL-2.0
/*
 * Soft-dirty tracking across mprotect(): after clear_refs 4, a write that
 * follows mprotect R then RW must still be tracked (76aefad628aa for PTEs,
 * c27f479ef542 for PMD-mapped THP). SKIPs without CONFIG_MEM_SOFT_DIRTY.
 */
#include "model.h"
#include "soft_dirty.h"

static enum pf_result run_plan(struct pf_ctx *ctx)
{
	return pf_soft_dirty_mprotect_run(ctx->region, ctx->arg);
}

static const struct pf_soft_dirty_plan all = { .half = 0 };
static const struct pf_soft_dirty_plan half = { .half = 1 };

/* hugetlb: clear_refs does not track hugetlb pages; stack/heap: not a
 * mapping of their own to mprotect */
#define SOFT_DIRTY(extent, plan)                                               \
	{                                                                      \
		.name = "soft-dirty-mprotect-" extent,                        \
		.summary = "write, clear_refs 4, mprotect " extent " of the mapping R then RW, write: every written page is soft-dirty", \
		.run = run_plan,                                               \
		.arg = &plan,                                                  \
		.fixes = { "76aefad628aa", "64fe24a3e05e", "c27f479ef542" },   \
		.use_backing = 1,                                              \
		.backing_needs = PF_BK_ANON | PF_BK_MMAP,                      \
		.backing_excludes = PF_BK_HUGETLB,                             \
	}

static const struct pf_template templates[] = {
	SOFT_DIRTY("all", all),
	SOFT_DIRTY("half", half),
};

PF_MAIN(templates)
