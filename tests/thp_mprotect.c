// SPDX-License-Identifier: GPL-2.0
/*
 * A THP shared after fork, half or all of it mprotect()ed (R, then RW) in
 * the child or in the parent, with and without an io_uring fixed buffer
 * registered over it before fork; then both processes write. Whatever the
 * kernel does with the folio (split it, copy it in either process), each
 * keeps its own data, and the parent's pin stays coherent. Also the
 * SCENARIOS row "mprotect must not make a shared anonymous page writable"
 * on small pages.
 */
#include "model.h"
#include "mprotect_fork.h"

static enum pf_result run_plan(struct pf_ctx *ctx)
{
	return pf_mprotect_fork_run(ctx->region, ctx->arg, NULL);
}

#define PLAN(name, side_, half_, pinned_)                                      \
	static const struct pf_mprotect_plan name = {                         \
		.side = side_, .half = half_, .pinned = pinned_,               \
	}

PLAN(half_child_pinned, PF_MPROTECT_CHILD, 1, 1);
PLAN(half_child_unpinned, PF_MPROTECT_CHILD, 1, 0);
PLAN(all_child_pinned, PF_MPROTECT_CHILD, 0, 1);
PLAN(all_child_unpinned, PF_MPROTECT_CHILD, 0, 0);
PLAN(half_parent_pinned, PF_MPROTECT_PARENT, 1, 1);
PLAN(half_parent_unpinned, PF_MPROTECT_PARENT, 1, 0);
PLAN(all_parent_pinned, PF_MPROTECT_PARENT, 0, 1);
PLAN(all_parent_unpinned, PF_MPROTECT_PARENT, 0, 0);

#define LARGE_ANON (PF_BK_ANON | PF_BK_LARGE | PF_BK_MMAP)

#define THP_UNPINNED(extent, side, plan)                                         \
	{                                                                      \
		.name = "thp-mprotect-" extent "-" side "-unpinned",          \
		.summary = "THP shared after fork, " extent " of it mprotect()ed R then RW in the " side ", both write: each keeps its own data", \
		.run = run_plan,                                               \
		.arg = &plan,                                                  \
		.fixes = { "64fe24a3e05e", "c27f479ef542", "d84887739d5c",     \
			   "6c287605fd56" },                                   \
		.use_backing = 1,                                              \
		.backing_needs = LARGE_ANON,                                   \
	}

#define THP_PINNED(extent, side, plan)                                           \
	{                                                                      \
		.name = "thp-mprotect-" extent "-" side "-pinned",            \
		.summary = "THP with an io_uring fixed buffer registered before fork, " extent " of it mprotect()ed R then RW in the " side ", both write: each keeps its own data, the pin stays coherent", \
		.run = run_plan,                                               \
		.arg = &plan,                                                  \
		.fixes = { "70e806e4e645", "d042035eaf5f", "64fe24a3e05e",     \
			   "c27f479ef542", "6c287605fd56" },                   \
		.needs = PF_NEED_URING | PF_NEED_ODIRECT,                      \
		.use_backing = 1,                                              \
		.backing_needs = LARGE_ANON,                                   \
	}

/* hugetlb pages cannot be mprotect()ed in part (EINVAL): "all" only */
#define SMALL_PARENT(extent, plan, excludes)                                     \
	{                                                                      \
		.name = "mprotect-rw-parent-" extent,                         \
		.summary = "fork; the parent mprotect()s " extent " of the VMA R then RW and writes: pages still shared with the child stay write-protected", \
		.run = run_plan,                                               \
		.arg = &plan,                                                  \
		.fixes = { "64fe24a3e05e", "d84887739d5c", "6c287605fd56" },   \
		.use_backing = 1,                                              \
		.backing_needs = PF_BK_ANON | PF_BK_MMAP,                      \
		.backing_excludes = PF_BK_LARGE | (excludes),                  \
	}

static const struct pf_template templates[] = {
	THP_PINNED("half", "child", half_child_pinned),
	THP_UNPINNED("half", "child", half_child_unpinned),
	THP_PINNED("all", "child", all_child_pinned),
	THP_UNPINNED("all", "child", all_child_unpinned),
	THP_PINNED("half", "parent", half_parent_pinned),
	THP_UNPINNED("half", "parent", half_parent_unpinned),
	THP_PINNED("all", "parent", all_parent_pinned),
	THP_UNPINNED("all", "parent", all_parent_unpinned),
	SMALL_PARENT("half", half_parent_unpinned, PF_BK_HUGETLB),
	SMALL_PARENT("all", all_parent_unpinned, 0),
};

PF_MAIN(templates)
