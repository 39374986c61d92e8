// SPDX-License-Identifier: GPL-2.0
/*
 * I/O in flight across the event, written once against the pin, event and
 * backing tables: every pin that can hold a transfer (PF_PIN_HOLDS) x every
 * event x every backing.
 *
 * inflight: the pin reads into the first half of a page of the region and
 * the case's own server holds the read (the kernel has the page by then);
 * the event happens; the parent writes the page's second half, the half
 * not under the read; the read is released. The parent must then read the
 * read's data in the first half and its own write in the second, and a
 * child that stays alive keeps its pre-fork copy of the second half.
 *
 * The deterministic form of "O_DIRECT racing fork": where the kernel took
 * plain page references for the read (FOLL_GET) instead of pins, fork does
 * not copy the page early, the parent's write copies its page away from
 * the one the read fills, and the read's data never arrives in the parent.
 * Block-device direct I/O pins since v6.5 (a7e689dd1c06), FUSE since v6.9
 * (738adade96b2); fork copies pinned pages early since 70e806e4e645 (THP
 * d042035eaf5f, hugetlb 4eae4efa2c29). A READ_FIXED reads into a long-term
 * pin taken before the fork and passes on every kernel since v5.9.
 */
#include <errno.h>
#include <string.h>

#include "backing.h"
#include "event.h"
#include "model.h"
#include "oracle.h"
#include "pattern.h"
#include "pin.h"

enum { SEED_BEFORE = 71, SEED_READ = 72, SEED_PARENT = 73 };

/* The page under the read: page-aligned, whole, in the middle of the region. */
static char *page_inside(const struct pf_region *r)
{
	size_t page = pf_page_size();
	uintptr_t base = (uintptr_t)r->base, end = base + r->len;
	uintptr_t p = (base + r->len / 2) & ~(uintptr_t)(page - 1);

	if (p < base)
		p += page;
	return p + page <= end ? (char *)p : NULL;
}

/*
 * The region written before the pin (no page is left to the zero page), each
 * half of the page with the pattern from the half's start, as the child
 * checks its half.
 */
static void fill(struct pf_region *r, char *page, size_t half)
{
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	pf_pattern_fill(page, half, SEED_BEFORE);
	pf_pattern_fill(page + half, half, SEED_BEFORE);
}

/*
 * The event, with the read held; a memory event acts around the page under
 * the read. One that could not be shown to act, or is refused here, tested
 * nothing: SKIP (pf_event_failed()).
 */
static enum pf_result event_starts(struct pf_ctx *ctx, struct pf_event_run *ev,
				   char *page, struct pf_child_view *view)
{
	struct pf_target at = { ctx->region, page, pf_page_size() };
	int err = pf_event_start(ev, ctx->event, at, pf_child_keeps, view);

	return err ? pf_event_failed(ctx->event, err) : PF_PASS;
}

/* After the event: the parent's write, the read let go, both halves checked. */
static enum pf_result after_event(struct pf_pin_state *st, struct pf_event_run *ev,
				  char *page, size_t half)
{
	enum pf_result res;

	pf_pattern_fill(page + half, half, SEED_PARENT);
	res = pf_pin_finish(st);
	res = pf_worst(res, pf_view_holds(page + half, half, SEED_PARENT,
					  "the parent's write to the half beside the read"));
	/* the alive child checks its half last, after the read landed */
	return pf_worst(res, pf_event_end(ev));
}

static enum pf_result inflight(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region, target;
	size_t half = pf_page_size() / 2;
	char *page = page_inside(r);
	struct pf_child_view view = { page + half, half, SEED_BEFORE };
	struct pf_pin_state st;
	struct pf_event_run ev;
	enum pf_result res;

	if (!page)
		return pf_skip("the region holds no whole page");
	fill(r, page, half);
	target = *r;
	target.base = page;
	target.len = half;
	res = pf_pin_take(&st, ctx->pin, &target);
	if (res == PF_PASS)
		res = pf_pin_start(&st, SEED_READ);
	if (res == PF_PASS)
		res = event_starts(ctx, &ev, page, &view);
	if (res == PF_PASS)
		res = after_event(&st, &ev, page, half);
	pf_pin_release(&st);
	return res;
}

#define INFLIGHT							\
	.name = "inflight",						\
	.summary = "a read into half a page, held in flight by the case's own server across the event; the parent writes the other half: the read lands in the parent, the write stays, an alive child keeps its copy", \
	.run = inflight,						\
	.fixes = { "738adade96b2", "a7e689dd1c06", "70e806e4e645",	\
		   "d042035eaf5f", "4eae4efa2c29" },			\
	.needs = PF_NEED_ROOT,						\
	.pin_needs = PF_PIN_HOLDS,					\
	.use_pin = 1, .use_event = 1, .use_backing = 1

/*
 * The fork family on every backing; the memory rows on mappings of their
 * own (they split, protect and unmap around the page: never a stack frame
 * or the heap), on hugetlb only the rows that act on whole huge pages.
 */
static const struct pf_template templates[] = {
	{
		INFLIGHT,
		.event_needs = PF_EV_FORK_FAMILY,
		.timeout = 30,
	},
	{
		INFLIGHT,
		.event_needs = PF_EV_MEMORY,
		.backing_needs = PF_BK_MMAP | PF_BK_PAGE_ALIGNED,
		.backing_excludes = PF_BK_HUGETLB,
		/* compaction of all memory in a TCG guest: 10 s and more */
		.timeout = 60,
	},
	{
		INFLIGHT,
		.event_needs = PF_EV_MEMORY | PF_EV_HUGETLB_OK,
		.backing_needs = PF_BK_MMAP | PF_BK_PAGE_ALIGNED | PF_BK_HUGETLB,
		.timeout = 60,
	},
};

PF_MAIN(templates)
