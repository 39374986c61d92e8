// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring fixed buffers (a long-term FOLL_PIN held for the life of the
 * registration) across fork and the forks hidden in libraries. After the
 * event, what the CPU writes must be what WRITE_FIXED sends, what
 * READ_FIXED brings must be what the CPU reads, and the child keeps its
 * own copy of the pre-fork data.
 */
#include <errno.h>
#include <string.h>

#include "backing.h"
#include "event.h"
#include "model.h"
#include "odirect.h"
#include "oracle.h"
#include "pattern.h"
#include "uring.h"

enum { SEED_BEFORE = 11, SEED_PARENT = 12, SEED_DEVICE = 13, SEED_CHILD = 14 };

struct fixture {
	struct pf_region *r;
	struct pf_scratch s;
	struct pf_uring u;
};

/* Both directions through the pin, as the CPU sees the buffer. */
static enum pf_result coherent(struct fixture *f, uint32_t cpu_seed)
{
	enum pf_result res = pf_fixed_sends(&f->u, &f->s, f->r->base, f->r->len,
					    cpu_seed);

	if (res != PF_PASS)
		return res;
	return pf_fixed_brings(&f->u, &f->s, f->r->base, f->r->base, f->r->len,
			       SEED_DEVICE);
}

static enum pf_result setup(struct fixture *f, struct pf_ctx *ctx)
{
	char why[256];

	memset(f, 0, sizeof(*f));
	f->r = ctx->region;
	if (pf_scratch_open(&f->s, f->r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	pf_pattern_fill(f->r->base, f->r->len, SEED_BEFORE);
	return pf_uring_pin(&f->u, f->r->base, f->r->len);
}

static void teardown(struct fixture *f)
{
	pf_uring_exit(&f->u);
	pf_scratch_close(&f->s);
}

static enum pf_result parent_writes(struct pf_ctx *ctx)
{
	struct pf_child_view view;
	enum pf_result event;
	struct pf_event_run ev;
	struct fixture f;
	enum pf_result res = setup(&f, ctx);
	int err;

	if (res != PF_PASS)
		goto out;
	view = (struct pf_child_view){ f.r->base, f.r->len, SEED_BEFORE };
	err = pf_event_start(&ev, ctx->event, pf_target_whole(f.r),
			     pf_child_keeps, &view);
	if (err) {
		res = pf_error("%s: %s", ctx->event->name, strerror(-err));
		goto out;
	}
	pf_pattern_fill(f.r->base, f.r->len, SEED_PARENT);
	res = coherent(&f, SEED_PARENT);
	event = pf_event_end(&ev);
	if (res == PF_PASS)
		res = event;
out:
	teardown(&f);
	return res;
}

static int child_writes(void *arg)
{
	struct pf_region *r = arg;

	pf_pattern_fill(r->base, r->len, SEED_CHILD);
	return 0;
}

static enum pf_result child_writes_parent_keeps(struct pf_ctx *ctx)
{
	struct pf_event_run ev;
	struct fixture f;
	enum pf_result res = setup(&f, ctx);
	int err;

	if (res != PF_PASS)
		goto out;
	err = pf_event_start(&ev, &pf_event_fork_alive, pf_target_whole(f.r),
			     child_writes, f.r);
	if (err) {
		res = pf_error("fork: %s", strerror(-err));
		goto out;
	}
	/* the child must have written its copy, or nothing was tested */
	res = pf_event_end(&ev);
	if (res == PF_PASS)
		res = coherent(&f, SEED_BEFORE);
out:
	teardown(&f);
	return res;
}

static const struct pf_template templates[] = {
	{
		.name = "uring-fixed-parent-writes",
		.summary = "io_uring fixed buffer, event, parent CPU writes: WRITE_FIXED/READ_FIXED stay coherent, child keeps its copy",
		.run = parent_writes,
		.fixes = { "70e806e4e645", "d042035eaf5f" },
		.needs = PF_NEED_URING | PF_NEED_ODIRECT,
		.use_backing = 1,
		.use_event = 1,
		.event_needs = PF_EV_FORK_FAMILY,
	},
	{
		.name = "uring-fixed-child-writes",
		.summary = "io_uring fixed buffer, fork, child writes its copy: the parent's pinned buffer keeps the parent's data",
		.run = child_writes_parent_keeps,
		.fixes = { "70e806e4e645", "d042035eaf5f" },
		.needs = PF_NEED_URING | PF_NEED_ODIRECT,
		.use_backing = 1,
	},
};

PF_MAIN(templates)
