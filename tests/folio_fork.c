// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios and fork (issue 9, the fork rows).
 *
 * fork-snapshot-pinned-*: fork copies a pinned page at once
 *   (copy_present_page()) while another thread of the parent writes it; the
 *   parent's PTE stays writable during the copy, so the child's copy is no
 *   single instant of the parent (lib/oracle/snapshot.h). The fix was
 *   posted (Jann Horn, 2025-06-03) and never landed: XFAIL for that symptom
 *   alone, on every kernel since 70e806e4e645 (v5.9) that copies pinned
 *   pages at fork: 6.1, 6.12 and 6.18 included.
 * fork-fault-race-*: fork while two threads first-touch and COW-fault the
 *   pages: the parent keeps every write, the child gets one instant.
 *   fb49c455323f (v6.5) made fork write-lock every VMA it copies; only v6.4
 *   had per-VMA-lock faults without it, so this passes on every kernel the
 *   suite runs (6.1 has no per-VMA locks; 6.12 and 6.18 have the fix).
 * cow-reuse-*: large-folio COW reuse after fork (1da190f4d0a6, v6.15) with
 *   an extra reference, a partial unmap, children exiting under a writing
 *   thread. Its two fixes (6.15-rc) replaced VM_WARN_ON_ONCEs that only a
 *   CONFIG_DEBUG_VM kernel has (the kernel-log oracle sees them); 6.1 and
 *   6.12 have no such reuse and copy; every kernel must keep the data.
 * fork-batch-folio-end: 7b08b74f3d99 (v6.15, in 6.12.y and 6.14.y stable;
 *   bug since f8d937761d65, v6.9) needs a Xen PV guest: SKIP elsewhere.
 */
#include "backing.h"
#include "folio_fork.h"
#include "folio_fork_cow.h"
#include "model.h"

static enum pf_result snapshot_pinned(struct pf_ctx *ctx)
{
	return pf_fork_snapshot_pinned(ctx->region, ctx->race_seconds);
}

static const enum pf_fresh_kind fresh_small = PF_FRESH_SMALL;
static const enum pf_fresh_kind fresh_thp = PF_FRESH_THP;

static enum pf_result fault_race(struct pf_ctx *ctx)
{
	return pf_fork_fault_race(*(const enum pf_fresh_kind *)ctx->arg,
				  ctx->race_seconds);
}

/* Not a whole private anonymous mapping of the case's own. */
#define NOT_OWN_ANON (PF_BK_SWAPPED | PF_BK_SHARED | PF_BK_UNWRITTEN |	\
		      PF_BK_FOLIO_PART | PF_BK_FILE | PF_BK_STACK)

#define TEARING_KNOWN							\
	.known_backings = PF_BK_ANON,					\
	.known_issue = "fork copies a pinned page while the parent's threads still write it: torn child copy on every kernel since v5.9 (seen on 6.1, 6.12, 6.18); \"mm/memory: ensure fork child sees coherent memory snapshot\" posted, not merged: https://lore.kernel.org/all/20250603-fork-tearing-v1-0-a7f64b7cfc96@google.com/"

#define SNAPSHOT_PINNED							\
	.run = snapshot_pinned,						\
	.needs = PF_NEED_URING,						\
	.groups = PF_GROUP_RACE,					\
	.use_backing = 1,						\
	TEARING_KNOWN

#define FORK_LOCKS_VMAS .fixes = { "fb49c455323f" }

static enum pf_result reuse_extra_ref(struct pf_ctx *ctx)
{
	return pf_cow_reuse_extra_ref(ctx->region);
}

static enum pf_result reuse_partial_unmap(struct pf_ctx *ctx)
{
	return pf_cow_reuse_partial_unmap(ctx->region);
}

static enum pf_result reuse_exit_race(struct pf_ctx *ctx)
{
	return pf_cow_reuse_exit_race(ctx->region, ctx->race_seconds);
}

static enum pf_result pin_mprotect_half(struct pf_ctx *ctx)
{
	return pf_pin_fork_mprotect_half(ctx->region, ctx->pin);
}

static enum pf_result batch_folio_end(struct pf_ctx *ctx)
{
	return pf_fork_batch_folio_end(ctx->region);
}

/* Anonymous large folios (THP, mTHP) in a mapping of the case's own. */
#define LARGE_FOLIOS							\
	.use_backing = 1,						\
	.backing_needs = PF_BK_ANON | PF_BK_LARGE | PF_BK_MMAP,		\
	.backing_excludes = PF_BK_HUGETLB | NOT_OWN_ANON

static const struct pf_template templates[] = {
	{
		.name = "fork-snapshot-pinned",
		.summary = "fork while a thread stamps an io_uring-pinned region of small pages: the child's copy is one instant of the parent (fix \"ensure fork child sees coherent memory snapshot\" not merged)",
		.backing_needs = PF_BK_ANON | PF_BK_MMAP,
		SNAPSHOT_PINNED,
		.backing_excludes = PF_BK_LARGE | PF_BK_HUGETLB | NOT_OWN_ANON,
		.min_len = 64 << 10,	/* 16 pages: fork copies each one apart */
	},
	{
		.name = "fork-snapshot-pinned-pmd",
		.summary = "fork while a thread stamps an io_uring-pinned PMD THP (fork splits the PMD and copies each page): one instant in the child (fix \"ensure fork child sees coherent memory snapshot\" not merged)",
		.backing_needs = PF_BK_ANON | PF_BK_LARGE | PF_BK_PMD | PF_BK_MMAP,
		SNAPSHOT_PINNED,
		.backing_excludes = NOT_OWN_ANON,
	},
	{
		.name = "fork-snapshot-pinned-ptes",
		.summary = "fork while a thread stamps an io_uring-pinned PTE-mapped large folio: one instant in the child (fix \"ensure fork child sees coherent memory snapshot\" not merged)",
		.backing_needs = PF_BK_ANON | PF_BK_LARGE | PF_BK_MMAP,
		SNAPSHOT_PINNED,
		.backing_excludes = PF_BK_PMD | NOT_OWN_ANON,
	},
	{
		.name = "fork-snapshot-pinned-huge",
		.summary = "fork while a thread stamps an io_uring-pinned hugetlb page (copied at fork, 4eae4efa2c29): one instant in the child (fix \"ensure fork child sees coherent memory snapshot\" not merged)",
		.backing_needs = PF_BK_HUGETLB,
		SNAPSHOT_PINNED,
		.backing_excludes = NOT_OWN_ANON,
	},
	{
		.name = "fork-fault-race-small",
		.summary = "fork while two threads first-touch and COW-fault small pages: the parent keeps every write, the child gets one instant (per-VMA-lock faults during fork: broken in v6.4 only)",
		.run = fault_race, .arg = &fresh_small, FORK_LOCKS_VMAS,
		.groups = PF_GROUP_RACE,
	},
	{
		.name = "fork-fault-race-thp",
		.summary = "fork while two threads first-touch and COW-fault a THP region: the parent keeps every write, the child gets one instant (per-VMA-lock faults during fork: broken in v6.4 only)",
		.run = fault_race, .arg = &fresh_thp, FORK_LOCKS_VMAS,
		.needs = PF_NEED_THP, .groups = PF_GROUP_RACE,
	},
	{
		.name = "cow-reuse-extra-ref",
		.summary = "large-folio COW reuse (1da190f4d0a6, v6.15; WARNs fixed in v6.15-rc): fork, the child exits, two pages vmspliced, the parent writes: it reads its data, the pipe keeps the old",
		.run = reuse_extra_ref, LARGE_FOLIOS,
	},
	{
		.name = "cow-reuse-partial-unmap",
		.summary = "large-folio COW reuse (1da190f4d0a6, v6.15): half of a large folio unmapped, fork, the child writes its copy, then the parent alone writes: both keep their data",
		.run = reuse_partial_unmap, LARGE_FOLIOS,
	},
	{
		.name = "cow-reuse-exit-race",
		.summary = "large-folio COW reuse (1da190f4d0a6, v6.15; syzbot WARN fixed in v6.15-rc): children fork and exit while a parent thread writes every page of a large folio: no write lost",
		.run = reuse_exit_race, LARGE_FOLIOS, .groups = PF_GROUP_RACE,
	},
	{
		.name = "pin-fork-mprotect-half",
		.summary = "long-term pin on a large folio, fork (child alive), the parent mprotects half R then RW and writes: the pin moves its data both ways, the child keeps its copy",
		.run = pin_mprotect_half, LARGE_FOLIOS,
		.fixes = { "70e806e4e645", "d042035eaf5f" },
		.use_pin = 1,
		.pin_needs = PF_PIN_LONGTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES,
		.pin_excludes = PF_PIN_DEVICE,
	},
	{
		.name = "fork-batch-folio-end",
		.summary = "fork batches the PTEs of a large folio and stops at its end (bug v6.9-v6.14, Xen PV guests only; fixed in 6.12.y): child and parent keep their data around folio boundaries",
		.run = batch_folio_end, .fixes = { "7b08b74f3d99" },
		.use_backing = 1,
		.backing_needs = PF_BK_ANON | PF_BK_LARGE | PF_BK_MMAP,
		.backing_excludes = PF_BK_PMD | PF_BK_HUGETLB | NOT_OWN_ANON,
	},
};

PF_MAIN_WITH(templates, pf_folio_fork_tables())
