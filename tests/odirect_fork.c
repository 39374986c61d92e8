// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT into arbitrary application memory around fork and the forks
 * hidden in libraries. The I/O completes before and after the event (the
 * race with I/O in flight is odirect_race). After the event, an O_DIRECT
 * read must land in the parent's view, an O_DIRECT write must send what the
 * parent's CPU wrote last, and the child keeps its pre-fork copy.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backing.h"
#include "event.h"
#include "model.h"
#include "odirect.h"
#include "oracle.h"
#include "pattern.h"

enum { SEED_BEFORE = 21, SEED_DEVICE = 22, SEED_PARENT = 23 };

/*
 * An O_DIRECT read fills the region, the parent rewrites its second half;
 * expect gets what the parent's view must then hold.
 */
static enum pf_result read_then_rewrite(struct pf_scratch *s,
					struct pf_region *r, uint8_t *expect)
{
	size_t half = r->len / 2;
	enum pf_result res = pf_dio_read_reaches(s, r->base, r->base, r->len,
						 SEED_DEVICE);

	if (res != PF_PASS)
		return res;
	pf_pattern_fill(r->base + half, r->len - half, SEED_PARENT);
	pf_pattern_fill(expect, half, SEED_DEVICE);
	pf_pattern_fill(expect + half, r->len - half, SEED_PARENT);
	return PF_PASS;
}

/* Both directions through O_DIRECT, each against the known patterns. */
static enum pf_result coherent(struct pf_scratch *s, struct pf_region *r)
{
	uint8_t *expect = malloc(r->len);
	struct pf_mismatch m;
	enum pf_result res;

	if (!expect)
		return pf_error("malloc of %zu bytes failed", r->len);
	res = read_then_rewrite(s, r, expect);
	if (res == PF_PASS && pf_compare(r->base, expect, r->len, &m)) {
		pf_mismatch_diag("parent's view after its post-event writes", &m);
		res = pf_fail("the parent's view lost the read data or its own writes");
	}
	if (res == PF_PASS)
		res = pf_dio_write_sends(s, r->base, expect, r->len);
	free(expect);
	return res;
}

static enum pf_result odirect_around_event(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_child_view view;
	enum pf_result event;
	struct pf_event_run ev;
	struct pf_scratch s;
	enum pf_result res;
	char why[256];
	int err;

	if (pf_scratch_open(&s, r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	if ((uintptr_t)r->base % s.mem_align) {
		pf_scratch_close(&s);
		return pf_skip("O_DIRECT here needs %zu-byte aligned buffers", s.mem_align);
	}
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	view = (struct pf_child_view){ r->base, r->len, SEED_BEFORE };
	err = pf_event_start(&ev, ctx->event, pf_target_whole(r), pf_child_keeps,
			     &view);
	if (err) {
		pf_scratch_close(&s);
		return pf_error("%s: %s", ctx->event->name, strerror(-err));
	}
	res = coherent(&s, r);
	event = pf_event_end(&ev);
	if (res == PF_PASS)
		res = event;
	pf_scratch_close(&s);
	return res;
}

static const struct pf_template templates[] = {
	{
		.name = "odirect-fork",
		.summary = "O_DIRECT read and write after an event: data reaches the parent's view both ways, the child keeps its copy",
		.run = odirect_around_event,
		.fixes = { "09854ba94c6a", "a7f226604170" },
		.needs = PF_NEED_ODIRECT,
		.use_backing = 1,
		.use_event = 1,
		.event_needs = PF_EV_FORK_FAMILY,
	},
};

PF_MAIN(templates)
