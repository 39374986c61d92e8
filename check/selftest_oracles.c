// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests: every oracle of lib/oracle/oracle.c and lib/oracle/pattern.c is
 * shown the failure symptom, built in userspace, and must report it. A case
 * here passes when the oracle FAILED the symptom (and pf_fail was called).
 */
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "event.h"
#include "model.h"
#include "oracle.h"
#include "pattern.h"

#define LEN (64u << 10)

/* The oracle must have failed, and said why. */
static enum pf_result expect_fail(enum pf_result got, const char *oracle)
{
	return pf_expect(got, PF_FAIL, oracle);
}

static enum pf_result pattern_corrupt_byte(struct pf_ctx *ctx)
{
	char buf[4096];
	struct pf_mismatch m;

	(void)ctx;
	pf_pattern_fill(buf, sizeof(buf), 7);
	buf[1234] ^= 0x40;
	if (!pf_pattern_check(buf, sizeof(buf), 7, &m))
		return pf_fail("pattern check missed a flipped bit");
	if (m.offset != 1234 || m.bad_bytes != 1 ||
	    m.expected != (uint8_t)(m.found ^ 0x40))
		return pf_fail("pattern check misreported the corruption");
	pf_mismatch_diag("flipped bit found", &m);
	return PF_PASS;
}

/* A MAP_SHARED region: the parent's writes reach the child. */
static enum pf_result isolation_shared_memory(struct pf_ctx *ctx)
{
	char *p = pf_mmap_anon(LEN, MAP_SHARED);
	struct pf_child_view view = { p, LEN, 1 };
	struct pf_event_run ev;

	(void)ctx;
	if (!p)
		return pf_error("mmap failed");
	pf_pattern_fill(p, LEN, 1);
	if (pf_fork_alive(&ev, pf_child_keeps, &view))
		return pf_error("fork failed");
	pf_pattern_fill(p + LEN / 2, LEN / 2, 2);
	return expect_fail(pf_isolation_verdict(pf_event_finish(&ev)),
			   "isolation oracle");
}

/*
 * Register a fixed buffer, then map fresh memory over it: the pin keeps the
 * old pages, as after a wrong COW decision, and the CPU writes elsewhere.
 */
struct decoupled {
	struct pf_uring u;
	struct pf_scratch s;
	char *p;
};

static enum pf_result decouple(struct decoupled *d)
{
	char why[256];

	d->p = pf_mmap_anon(LEN, MAP_PRIVATE);
	if (!d->p || pf_scratch_open(&d->s, LEN, why, sizeof(why)))
		return pf_skip("no scratch file or memory");
	pf_pattern_fill(d->p, LEN, 3);
	if (pf_uring_init(&d->u) || pf_uring_register(&d->u, d->p, LEN))
		return pf_skip("io_uring fixed buffers unavailable");
	if (mmap(d->p, LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != d->p)
		return pf_error("mmap MAP_FIXED failed");
	return PF_PASS;
}

static enum pf_result fixed_sends_decoupled(struct pf_ctx *ctx)
{
	struct decoupled d;
	enum pf_result r = decouple(&d);

	(void)ctx;
	if (r != PF_PASS)
		return r;
	pf_pattern_fill(d.p, LEN, 4);
	return expect_fail(pf_fixed_sends(&d.u, &d.s, d.p, LEN, 4),
			   "WRITE_FIXED coherence oracle");
}

static enum pf_result fixed_brings_decoupled(struct pf_ctx *ctx)
{
	struct decoupled d;
	enum pf_result r = decouple(&d);

	(void)ctx;
	if (r != PF_PASS)
		return r;
	return expect_fail(pf_fixed_brings(&d.u, &d.s, d.p, d.p, LEN, 5),
			   "READ_FIXED coherence oracle");
}

/* The I/O goes to one buffer while the CPU looks at another. */
struct split_view {
	char *io, *view;
	struct pf_scratch s;
};

static enum pf_result split_view_open(struct split_view *v)
{
	char why[256];

	v->io = pf_mmap_anon(LEN, MAP_PRIVATE);
	v->view = pf_mmap_anon(LEN, MAP_PRIVATE);
	if (!v->io || !v->view || pf_scratch_open(&v->s, LEN, why, sizeof(why)))
		return pf_skip("no scratch file or memory");
	return PF_PASS;
}

/* The O_DIRECT read lands in a page the CPU no longer maps. */
static enum pf_result dio_read_lost(struct pf_ctx *ctx)
{
	struct split_view v;
	enum pf_result r = split_view_open(&v);

	(void)ctx;
	if (r != PF_PASS)
		return r;
	memset(v.view, 0, LEN);
	return expect_fail(pf_dio_read_reaches(&v.s, v.io, v.view, LEN, 6),
			   "O_DIRECT read oracle");
}

/* The O_DIRECT write sends a page the CPU no longer writes to. */
static enum pf_result dio_write_stale(struct pf_ctx *ctx)
{
	struct split_view v;
	enum pf_result r = split_view_open(&v);

	(void)ctx;
	if (r != PF_PASS)
		return r;
	pf_pattern_fill(v.io, LEN, 8);
	pf_pattern_fill(v.view, LEN, 8);
	v.view[LEN - 1] ^= 1;
	return expect_fail(pf_dio_write_sends(&v.s, v.io, v.view, LEN),
			   "O_DIRECT write oracle");
}

static const struct pf_template templates[] = {
	{ .name = "pattern-finds-flipped-bit", .summary = "pattern check reports the exact offset and bytes", .run = pattern_corrupt_byte },
	{ .name = "isolation-sees-shared-write", .summary = "isolation oracle fails when a child sees the parent's write (MAP_SHARED)", .run = isolation_shared_memory },
	{ .name = "fixed-sends-decoupled", .summary = "WRITE_FIXED oracle fails when the mapping was replaced under the pin", .run = fixed_sends_decoupled, .needs = PF_NEED_URING | PF_NEED_ODIRECT },
	{ .name = "fixed-brings-decoupled", .summary = "READ_FIXED oracle fails when the mapping was replaced under the pin", .run = fixed_brings_decoupled, .needs = PF_NEED_URING | PF_NEED_ODIRECT },
	{ .name = "dio-read-lost", .summary = "O_DIRECT read oracle fails when the data misses the CPU's view", .run = dio_read_lost, .needs = PF_NEED_ODIRECT },
	{ .name = "dio-write-stale", .summary = "O_DIRECT write oracle fails when the file gets other data than the CPU's view", .run = dio_write_stale, .needs = PF_NEED_ODIRECT },
};

PF_MAIN(templates)
