// SPDX-License-Identifier: GPL-2.0
/*
 * Every pin across the fork family, on every backing: written once against
 * the pin, event and backing tables.
 *
 * parent-writes: the pin is taken, the event happens, the parent's CPU
 * writes new data. What the device reads through the pin must be that
 * data, what it writes through the pin must land where the parent reads,
 * and a child that stays alive keeps its pre-fork copy. A fork must copy a
 * pinned anonymous page for the child at once (70e806e4e645; THP
 * d042035eaf5f; hugetlb 4eae4efa2c29), or the parent's write COWs its page
 * away from the pin. Page references that are not pins (vmsplice) are not
 * copied at fork and the parent's write must COW away from them
 * (09854ba94c6a): they meet only the events that share the mm.
 *
 * child-writes: after fork the child writes its copy; the parent's memory
 * and what the pin sends keep the parent's data.
 */
#include "backing.h"
#include "event.h"
#include "oracle.h"
#include "pattern.h"
#include "model.h"
#include "pin.h"
#include "turns.h"

#include <string.h>

enum { SEED_BEFORE = 81, SEED_PARENT = 82, SEED_DEVICE = 83, SEED_CHILD = 84 };

static enum pf_result take(struct pf_ctx *ctx, struct pf_pin_state *st)
{
	pf_pattern_fill(ctx->region->base, ctx->region->len, SEED_BEFORE);
	return pf_pin_take(st, ctx->pin, ctx->region);
}

/* The pin on the region, then the event (fn runs in an alive child). */
static enum pf_result take_then_event(struct pf_ctx *ctx, struct pf_pin_state *st,
				      struct pf_event_run *ev, pf_child_fn fn,
				      void *arg)
{
	enum pf_result res = take(ctx, st);
	int err;

	if (res != PF_PASS)
		return res;
	err = pf_event_start(ev, ctx->event, pf_target_whole(ctx->region), fn,
			     arg);
	return err ? pf_error("%s: %s", ctx->event->name, strerror(-err)) : PF_PASS;
}

static enum pf_result parent_writes(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_child_view view = { r->base, r->len, SEED_BEFORE };
	struct pf_pin_state st;
	struct pf_event_run ev;
	enum pf_result res = take_then_event(ctx, &st, &ev, pf_child_keeps, &view);

	if (res == PF_PASS) {
		pf_pattern_fill(r->base, r->len, SEED_PARENT);
		/* the alive child checks its copy after the device wrote too */
		res = pf_worst(pf_pin_coherent(&st, SEED_PARENT, SEED_DEVICE), pf_event_end(&ev));
	}
	pf_pin_release(&st);
	return res;
}

static int child_writes_its_copy(void *arg)
{
	struct pf_region *r = arg;

	pf_pattern_fill(r->base, r->len, SEED_CHILD);
	return 0;
}

static enum pf_result child_writes(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_pin_state st;
	struct pf_event_run ev;
	enum pf_result res = take_then_event(ctx, &st, &ev, child_writes_its_copy, r);

	/* the child must have written its copy, or nothing was tested */
	if (res == PF_PASS)
		res = pf_event_end(&ev);
	if (res == PF_PASS)
		res = pf_view_holds(r->base, r->len, SEED_BEFORE,
				    "the parent's memory changed when the child wrote its copy");
	if (res == PF_PASS)
		res = pf_pin_send(&st, SEED_BEFORE);
	pf_pin_release(&st);
	return res;
}

#define FORK_COPIES_PINNED "70e806e4e645", "d042035eaf5f", "4eae4efa2c29"
/* Every pin, event and backing whose flags fit; RDMA setup takes seconds. */
#define OVER_THE_TABLES							\
	.use_pin = 1, .use_event = 1, .use_backing = 1, .timeout = 60

static const struct pf_template templates[] = {
	{
		.name = "parent-writes",
		.summary = "parent writes after the event: the pin stays coherent both ways",
		.run = parent_writes,
		.fixes = { FORK_COPIES_PINNED },
		.pin_excludes = PF_PIN_REFS,
		.event_needs = PF_EV_FORK_FAMILY,
		.pairwise = 1,
		OVER_THE_TABLES,
	},
	{
		.name = "parent-writes",
		.summary = "parent writes after a CLONE_VM child: the references see it",
		.run = parent_writes,
		.pin_needs = PF_PIN_REFS,
		.event_needs = PF_EV_SHARES_MM,
		.pairwise = 1,
		OVER_THE_TABLES,
	},
	{
		.name = "child-writes",
		.summary = "the child writes its copy: the parent's data and what the pin sends stay",
		.run = child_writes,
		.fixes = { FORK_COPIES_PINNED, "09854ba94c6a" },
		.pin_needs = PF_PIN_DEV_READS,
		.event_needs = PF_EV_FORK | PF_EV_ALIVE,
		.pairwise = 1,
		OVER_THE_TABLES,
	},
};

PF_MAIN(templates)
