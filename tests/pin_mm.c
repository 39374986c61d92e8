// SPDX-License-Identifier: GPL-2.0
/*
 * Every pin against the memory events, on every backing that is a mapping
 * of its own: written once against the pin, event and backing tables
 * (lib/scenario/pin_mm.c has the scenes).
 *
 * parent-writes: the pin covers a page in the middle of the region, the
 * event acts on the region around it (mprotect, mremap, munmap, MADV_*,
 * mlock), the parent writes the page: what the device reads through the pin
 * is that data, what it writes lands where the parent reads, and a child
 * the event forked (MADV_DONTFORK, MADV_WIPEONFORK) saw what it should.
 *
 * movers: every long-term pin against every event that moves, merges or
 * collapses pages (migration, compaction, pageout, KSM, MADV_COLLAPSE),
 * each shown to act on an unpinned control: the pinned page must stay with
 * the pin. The invariants are in write_protect_page() (KSM), the refcount
 * checks of the collapse scan and of folio migration, and
 * try_to_unmap_one() refusing possibly pinned exclusive anonymous pages.
 * Short-term pins meet the movers in parent-writes.
 *
 * history-then-fork: the event acts first (split out of a THP by
 * mprotect-half, compacted, merged, paged out and back, written by a child
 * that has exited...), then the pin, a fork with the child alive, the
 * parent's write: the pin stays coherent and the child keeps its pre-fork
 * data. PageAnonExclusive (6c287605fd56, and through swap 1493a1913e34)
 * exists because a page's history once decided what fork and a later write
 * did to a pinned page.
 */
#include "model.h"
#include "pin_mm.h"

static enum pf_result run_scene(struct pf_ctx *ctx)
{
	enum pf_mm_scene scene = (enum pf_mm_scene)(long)ctx->arg;

	return pf_mm_run(scene, ctx->region, ctx->pin, ctx->event);
}

#define FORK_COPIES_PINNED "70e806e4e645", "d042035eaf5f", "4eae4efa2c29"
#define ANON_EXCLUSIVE "6c287605fd56", "1493a1913e34", "a7f226604170"
#define SCENE(s) .run = run_scene, .arg = (void *)(long)(s)
/* Every pin, event and backing whose flags fit. RDMA setup takes seconds,
 * compacting all memory in a TCG guest 10 s and more, up to 4 times. */
#define OVER_THE_TABLES							\
	.use_pin = 1, .use_event = 1, .use_backing = 1, .timeout = 120
/* Mappings of their own (mprotect, mremap, munmap act on them), no hugetlb
 * (no part of a huge page can be split off)... */
#define MAPPINGS							\
	.backing_needs = PF_BK_MMAP | PF_BK_PAGE_ALIGNED,		\
	.backing_excludes = PF_BK_HUGETLB
/* ...and hugetlb, with the rows that act on whole huge pages. */
#define HUGETLB								\
	.backing_needs = PF_BK_MMAP | PF_BK_PAGE_ALIGNED | PF_BK_HUGETLB
/* Page references (vmsplice) are no pins: a later COW leaves them, as it must. */
#define SHORT_TERM_PINS .pin_excludes = PF_PIN_REFS | PF_PIN_LONGTERM
#define LONG_TERM_PINS .pin_needs = PF_PIN_LONGTERM

#define PARENT_WRITES "parent-writes", \
	"the event acts around the pinned page, the parent writes it: the pin stays coherent both ways"
#define MOVERS "movers", \
	"a page mover acts on the region (shown on an unpinned control): the long-term pinned page stays with the pin"
#define HISTORY "history-then-fork", \
	"the event acts first, then the pin, a fork, the parent's write: the pin stays coherent, the child keeps its data"

#define TEMPLATE(stem_summary, ...) { stem_summary, __VA_ARGS__, OVER_THE_TABLES }

static const struct pf_template templates[] = {
	TEMPLATE(PARENT_WRITES, SCENE(PF_MM_PARENT_WRITES), .pairwise = 1, SHORT_TERM_PINS,
		 .event_needs = PF_EV_MEMORY, MAPPINGS),
	TEMPLATE(PARENT_WRITES, SCENE(PF_MM_PARENT_WRITES), .pairwise = 1, SHORT_TERM_PINS,
		 .event_needs = PF_EV_MEMORY | PF_EV_HUGETLB_OK, HUGETLB),
	TEMPLATE(PARENT_WRITES, SCENE(PF_MM_PARENT_WRITES), .pairwise = 1, LONG_TERM_PINS,
		 .fixes = { FORK_COPIES_PINNED },
		 .event_needs = PF_EV_MEMORY | PF_EV_KEEPS_PAGES, MAPPINGS),
	TEMPLATE(PARENT_WRITES, SCENE(PF_MM_PARENT_WRITES), .pairwise = 1, LONG_TERM_PINS,
		 .event_needs = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_HUGETLB_OK,
		 HUGETLB),
	TEMPLATE(MOVERS, SCENE(PF_MM_MOVERS), .pairwise = 1, LONG_TERM_PINS,
		 .event_needs = PF_EV_MEMORY | PF_EV_MOVES, MAPPINGS),
	TEMPLATE(MOVERS, SCENE(PF_MM_MOVERS), .pairwise = 1, LONG_TERM_PINS,
		 .event_needs = PF_EV_MEMORY | PF_EV_MOVES | PF_EV_HUGETLB_OK, HUGETLB),
	TEMPLATE(MOVERS, SCENE(PF_MM_MOVERS), .pairwise = 1, LONG_TERM_PINS,
		 .event_needs = PF_EV_MEMORY | PF_EV_MERGES, MAPPINGS),
	TEMPLATE(MOVERS, SCENE(PF_MM_MOVERS), .pairwise = 1, LONG_TERM_PINS,
		 .event_needs = PF_EV_MEMORY | PF_EV_COLLAPSES, MAPPINGS),
	TEMPLATE(HISTORY, SCENE(PF_MM_HISTORY_THEN_FORK),
		 .fixes = { ANON_EXCLUSIVE, FORK_COPIES_PINNED },
		 .pin_excludes = PF_PIN_REFS,
		 .event_needs = PF_EV_MEMORY, MAPPINGS),
	TEMPLATE(HISTORY, SCENE(PF_MM_HISTORY_THEN_FORK),
		 .fixes = { ANON_EXCLUSIVE, FORK_COPIES_PINNED },
		 .pin_excludes = PF_PIN_REFS,
		 .event_needs = PF_EV_MEMORY | PF_EV_HUGETLB_OK, HUGETLB),
};

PF_MAIN(templates)
