// SPDX-License-Identifier: GPL-2.0
/* Pins and memory events, one scene each (pin_mm.h). */
#include "pin_mm.h"

#include <string.h>

#include "oracle.h"
#include "pagemap.h"
#include "pattern.h"

enum { SEED_BEFORE = 91, SEED_PARENT = 92, SEED_DEVICE = 93 };

/* The scene's memory: the region, its target page, and the pin's view of it. */
struct mm_scene {
	struct pf_region *r;
	struct pf_target at;
	struct pf_region pinned;	/* the target as a region of its own */
	struct pf_child_view view;	/* what a child must keep */
	struct pf_pin_state st;
	int pin_taken;
};

static enum pf_result scene_init(struct mm_scene *s, struct pf_region *r)
{
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->at = pf_target_middle_page(r);
	if (!s->at.len)
		return pf_skip("the region has no whole page for the pin");
	s->pinned = *r;
	s->pinned.base = s->at.start;
	s->pinned.len = s->at.len;
	s->pinned.map = NULL;
	s->pinned.map_len = 0;
	s->view = (struct pf_child_view){ s->at.start, s->at.len, SEED_BEFORE };
	/* the target's pattern starts at the target, as the views check it */
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	pf_pattern_fill(s->at.start, s->at.len, SEED_BEFORE);
	return PF_PASS;
}

static enum pf_result take_pin(struct mm_scene *s, const struct pf_pin *pin)
{
	s->pin_taken = 1;
	return pf_pin_take(&s->st, pin, &s->pinned);
}

/* The event on the scene's memory; a start that failed is ended here. */
static enum pf_result act(struct mm_scene *s, struct pf_event_run *run,
			  const struct pf_event *ev)
{
	int err = pf_event_start(run, ev, s->at, pf_child_keeps, &s->view);

	if (!err)
		return pf_view_holds(s->at.start, s->at.len, SEED_BEFORE,
				     "the event changed the target's data");
	pf_event_finish(run);
	return pf_event_failed(ev, err);
}

/* The parent writes the target; the pin must follow both ways. */
static enum pf_result parent_writes_target(struct mm_scene *s)
{
	pf_pattern_fill(s->at.start, s->at.len, SEED_PARENT);
	return pf_pin_coherent(&s->st, SEED_PARENT, SEED_DEVICE);
}

static enum pf_result pin_then_event(struct mm_scene *s, const struct pf_pin *pin,
				     const struct pf_event *ev, int movers)
{
	uint64_t pfn_before = 0;
	struct pf_event_run run;
	enum pf_result res = take_pin(s, pin);

	if (res != PF_PASS)
		return res;
	pfn_before = pf_pfn(s->at.start);
	res = act(s, &run, ev);
	if (res == PF_SKIP || res == PF_ERROR)
		return res;
	if (movers)
		pf_diag("the pinned target's PFN: %#llx before %s, %#llx after",
			(unsigned long long)pfn_before, ev->name,
			(unsigned long long)pf_pfn(s->at.start));
	if (res == PF_PASS)
		res = parent_writes_target(s);
	/* a child the event forked checked its copy already */
	return pf_worst(res, pf_event_end(&run));
}

static enum pf_result history_then_fork(struct mm_scene *s,
					const struct pf_pin *pin,
					const struct pf_event *ev)
{
	struct pf_event_run history, fork_run;
	enum pf_result res = act(s, &history, ev);
	int err;

	if (res == PF_SKIP || res == PF_ERROR)
		return res;
	if (res == PF_PASS)
		res = take_pin(s, pin);
	if (res == PF_PASS) {
		err = pf_event_start(&fork_run, &pf_event_fork_alive, s->at,
				     pf_child_keeps, &s->view);
		if (err) {
			pf_event_finish(&fork_run);
			res = pf_event_failed(&pf_event_fork_alive, err);
		} else {
			res = parent_writes_target(s);
			/* the alive child checks its copy after the device wrote */
			res = pf_worst(res, pf_event_end(&fork_run));
		}
	}
	return pf_worst(res, pf_event_end(&history));
}

enum pf_result pf_mm_run(enum pf_mm_scene scene, struct pf_region *r,
			 const struct pf_pin *pin, const struct pf_event *ev)
{
	struct mm_scene s;
	enum pf_result res = scene_init(&s, r);

	if (res != PF_PASS)
		return res;
	if (scene == PF_MM_HISTORY_THEN_FORK)
		res = history_then_fork(&s, pin, ev);
	else
		res = pin_then_event(&s, pin, ev, scene == PF_MM_MOVERS);
	if (s.pin_taken)
		pf_pin_release(&s.st);
	return res;
}
