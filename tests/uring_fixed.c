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
#include "odirect.h"
#include "pattern.h"
#include "uring.h"

enum { SEED_BEFORE = 11, SEED_PARENT = 12, SEED_DEVICE = 13, SEED_CHILD = 14 };

struct fixture {
	struct pf_region *r;
	struct pf_scratch s;
	struct pf_uring u;
};

static enum pf_result setup(struct fixture *f, struct pf_ctx *ctx)
{
	char why[256];
	int err;

	f->r = ctx->region;
	if (pf_scratch_open(&f->s, f->r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	err = pf_uring_init(&f->u);
	if (err)
		return pf_skip("io_uring: %s", strerror(-err));
	pf_pattern_fill(f->r->base, f->r->len, SEED_BEFORE);
	err = pf_uring_register(&f->u, f->r->base, f->r->len);
	if (err)
		return pf_skip("cannot register the buffer: %s", strerror(-err));
	return PF_PASS;
}

static void teardown(struct fixture *f)
{
	pf_uring_exit(&f->u);
	pf_scratch_close(&f->s);
}

/* The child's view must still be the pre-fork data. */
static int child_sees_before(void *arg)
{
	struct pf_region *r = arg;
	struct pf_mismatch m;

	if (!pf_pattern_check(r->base, r->len, SEED_BEFORE, &m))
		return 0;
	pf_mismatch_diag("child's copy changed after fork", &m);
	return 1;
}

/* CPU -> device: WRITE_FIXED must send what the CPU wrote last. */
static enum pf_result cpu_to_device(struct fixture *f, uint32_t seed)
{
	struct pf_mismatch m;
	int n = pf_uring_write_fixed(&f->u, f->s.dio_fd, f->r->base, f->r->len, 0);

	if (n != (int)f->r->len)
		return pf_error("WRITE_FIXED: %s", n < 0 ? strerror(-n) : "short write");
	switch (pf_scratch_check(&f->s, 0, f->r->len, seed, &m)) {
	case 0:
		return PF_PASS;
	case -1:
		pf_mismatch_diag("WRITE_FIXED sent stale data (the pin no longer backs the CPU's mapping)", &m);
		return pf_fail("fixed buffer lost the CPU's writes");
	default:
		return pf_error("cannot read the scratch file back");
	}
}

/* device -> CPU: what READ_FIXED brings must be what the CPU then reads. */
static enum pf_result device_to_cpu(struct fixture *f)
{
	struct pf_mismatch m;
	int n;

	if (pf_scratch_fill(&f->s, 0, f->r->len, SEED_DEVICE))
		return pf_error("cannot write the scratch file");
	n = pf_uring_read_fixed(&f->u, f->s.dio_fd, f->r->base, f->r->len, 0);
	if (n != (int)f->r->len)
		return pf_error("READ_FIXED: %s", n < 0 ? strerror(-n) : "short read");
	if (!pf_pattern_check(f->r->base, f->r->len, SEED_DEVICE, &m))
		return PF_PASS;
	pf_mismatch_diag("READ_FIXED data did not reach the CPU's mapping", &m);
	return pf_fail("fixed buffer lost the device's writes");
}

static enum pf_result finish_child(struct pf_event_run *ev, enum pf_result res)
{
	int child = pf_event_finish(ev);

	if (child && res == PF_PASS)
		return pf_fail("the child's memory changed: isolation broken");
	return res;
}

static enum pf_result parent_writes(struct pf_ctx *ctx)
{
	struct pf_event_run ev;
	struct fixture f;
	enum pf_result res = setup(&f, ctx);
	int err;

	if (res != PF_PASS)
		goto out;
	err = pf_event_start(&ev, ctx->event, child_sees_before, f.r);
	if (err) {
		res = pf_error("%s: %s", ctx->event->name, strerror(-err));
		goto out;
	}
	pf_pattern_fill(f.r->base, f.r->len, SEED_PARENT);
	res = cpu_to_device(&f, SEED_PARENT);
	if (res == PF_PASS)
		res = device_to_cpu(&f);
	res = finish_child(&ev, res);
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
	err = pf_fork_alive(&ev, child_writes, f.r);
	if (err) {
		res = pf_error("fork: %s", strerror(-err));
		goto out;
	}
	pf_event_finish(&ev);
	res = cpu_to_device(&f, SEED_BEFORE);
	if (res == PF_PASS)
		res = device_to_cpu(&f);
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
