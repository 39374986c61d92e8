// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT into arbitrary application memory around fork and the forks
 * hidden in libraries. The I/O completes before and after the event (the
 * race with I/O in flight is odirect_race). After the event, an O_DIRECT
 * read must land in the parent's view, an O_DIRECT write must send what the
 * parent's CPU wrote last, and the child keeps its pre-fork copy.
 */
#include <string.h>

#include "backing.h"
#include "event.h"
#include "odirect.h"
#include "pattern.h"

enum { SEED_BEFORE = 21, SEED_DEVICE = 22, SEED_PARENT = 23 };

static int child_sees_before(void *arg)
{
	struct pf_region *r = arg;
	struct pf_mismatch m;

	if (!pf_pattern_check(r->base, r->len, SEED_BEFORE, &m))
		return 0;
	pf_mismatch_diag("child's copy changed after fork", &m);
	return 1;
}

/* device -> CPU: an O_DIRECT read after the event reaches the parent. */
static enum pf_result read_reaches_parent(struct pf_scratch *s,
					  struct pf_region *r)
{
	struct pf_mismatch m;
	int err;

	if (pf_scratch_fill(s, 0, r->len, SEED_DEVICE))
		return pf_error("cannot write the scratch file");
	err = pf_dio_read(s, r->base, r->len, 0);
	if (err)
		return pf_error("O_DIRECT read: %s", strerror(-err));
	if (!pf_pattern_check(r->base, r->len, SEED_DEVICE, &m))
		return PF_PASS;
	pf_mismatch_diag("O_DIRECT read did not reach the parent's mapping", &m);
	return pf_fail("O_DIRECT read data lost after fork");
}

/* CPU -> device: the parent rewrites half; an O_DIRECT write sends it all. */
static enum pf_result write_sends_parent(struct pf_scratch *s,
					 struct pf_region *r)
{
	struct pf_mismatch m;
	int err;

	pf_pattern_fill(r->base + r->len / 2, r->len / 2, SEED_PARENT);
	err = pf_dio_write(s, r->base, r->len, 0);
	if (err)
		return pf_error("O_DIRECT write: %s", strerror(-err));
	switch (pf_scratch_compare(s, 0, r->len, r->base, &m)) {
	case 0:
		return PF_PASS;
	case -1:
		pf_mismatch_diag("O_DIRECT write sent other data than the parent's CPU wrote", &m);
		return pf_fail("O_DIRECT write sent stale data after fork");
	default:
		return pf_error("cannot read the scratch file back");
	}
}

static enum pf_result odirect_around_event(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
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
	err = pf_event_start(&ev, ctx->event, child_sees_before, r);
	if (err) {
		pf_scratch_close(&s);
		return pf_error("%s: %s", ctx->event->name, strerror(-err));
	}
	res = read_reaches_parent(&s, r);
	if (res == PF_PASS)
		res = write_sends_parent(&s, r);
	if (pf_event_finish(&ev) && res == PF_PASS)
		res = pf_fail("the child's memory changed: isolation broken");
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
	},
};

PF_MAIN(templates)
