// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of every pin row (lib/pin/): build the row's failure
 * symptom in userspace, a pin that no longer backs the CPU's mapping, and
 * see send and bring report it; and see a healthy pin pass, so a failure
 * is the symptom and not broken machinery.
 *
 * The symptom: a pin held across calls (long-term pins, page references)
 * keeps its pages when the mapping under it is replaced (mmap MAP_FIXED),
 * which is what a wrong COW decision at fork looks like. A short-term pin
 * walks the page tables again at every call, so replacing the mapping does
 * not decouple it; the symptom there is a request that reaches a page the
 * CPU does not map (the pin pointed at a twin of the region).
 *
 * Rows that hold a transfer in flight (PF_PIN_HOLDS): the held read's pages
 * are taken when the read is issued, so replacing the mapping while the
 * read is held decouples every such row, short-term or long-term: finish
 * must report the lost read. And a read the server never held must not be
 * taken for one in flight: start must not pass.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pattern.h"
#include "model.h"
#include "pin.h"
#include "pin_hold.h"

#define LEN (64u << 10)

enum { SEED_OLD = 91, SEED_CPU = 92, SEED_DEVICE = 93, SEED_HELD = 94 };

/* Long enough for the reader to reach the server and be answered at once. */
#define NEVER_HELD_WAIT 0.5

enum symptom { HEALTHY, STALE_SEND, LOST_BRING, LOST_HELD_READ, NEVER_HELD };

struct fixture {
	struct pf_region r;
	struct pf_pin_state st;
	char *twin;
};

static enum pf_result open_fixture(struct fixture *f, const struct pf_ctx *ctx)
{
	enum pf_result res = pf_region_map_anon(&f->r, LEN, MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	pf_pattern_fill(f->r.base, LEN, SEED_OLD);
	return pf_pin_take(&f->st, ctx->pin, &f->r);
}

static void close_fixture(struct fixture *f)
{
	pf_pin_release(&f->st);
	pf_unmap_region(&f->r);
	if (f->twin)
		munmap(f->twin, LEN);
}

static int held_across_calls(const struct pf_pin_state *st)
{
	return pf_pin_has(st, PF_PIN_LONGTERM) || pf_pin_has(st, PF_PIN_REFS);
}

/* A fresh mapping over the region: the pages a pin holds stay behind. */
static enum pf_result replace_mapping(struct fixture *f)
{
	if (mmap(f->r.base, LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return pf_error("mmap MAP_FIXED: %s", strerror(errno));
	return PF_PASS;
}

/* After this the pin's pages are not the ones the CPU maps at r.base. */
static enum pf_result decouple(struct fixture *f)
{
	if (held_across_calls(&f->st))
		return replace_mapping(f);
	f->twin = pf_mmap_anon(LEN, MAP_PRIVATE);
	if (!f->twin)
		return pf_error("mmap: %s", strerror(errno));
	pf_pattern_fill(f->twin, LEN, SEED_OLD);
	f->st.io = f->twin;
	return PF_PASS;
}

/* Both directions the row moves data, on a healthy pin: each must pass. */
static enum pf_result healthy(struct fixture *f)
{
	enum pf_result res = PF_PASS;

	pf_pattern_fill(f->r.base, LEN, SEED_CPU);
	if (pf_pin_has(&f->st, PF_PIN_DEV_READS))
		res = pf_pin_send(&f->st, SEED_CPU);
	if (res == PF_PASS && pf_pin_has(&f->st, PF_PIN_DEV_WRITES))
		res = pf_pin_bring(&f->st, SEED_DEVICE);
	if (res == PF_PASS && pf_pin_has(&f->st, PF_PIN_HOLDS))
		res = pf_pin_start(&f->st, SEED_HELD);
	if (res == PF_PASS && pf_pin_has(&f->st, PF_PIN_HOLDS))
		res = pf_pin_finish(&f->st);
	return res;
}

/* The mapping replaced while the read is held: the read lands elsewhere. */
static enum pf_result lost_held_read(struct fixture *f)
{
	enum pf_result res = pf_pin_start(&f->st, SEED_HELD);

	if (res != PF_PASS)
		return res;
	res = replace_mapping(f);
	if (res != PF_PASS)
		return res;
	return pf_expect(pf_pin_finish(&f->st), PF_FAIL,
			 "finish of a read held while the mapping was replaced");
}

/* The server armed for another offset answers the read at once. */
static enum pf_result never_held(struct fixture *f)
{
	enum pf_result res;

	pf_pin_hold_test_hooks = (struct pf_pin_hold_hooks){
		.arm_skew = 2 * LEN, .hold_timeout = NEVER_HELD_WAIT };
	res = pf_pin_start(&f->st, SEED_HELD);
	pf_pin_hold_test_hooks = (struct pf_pin_hold_hooks){ 0 };
	if (res == PF_SKIP)
		return res;
	return pf_expect(res, PF_ERROR, "start of a read the server never held");
}

static enum pf_result symptom(struct fixture *f, enum symptom s)
{
	enum pf_result res = decouple(f);

	if (res != PF_PASS)
		return res;
	pf_pattern_fill(f->r.base, LEN, SEED_CPU);
	if (s == STALE_SEND)
		return pf_expect(pf_pin_send(&f->st, SEED_CPU), PF_FAIL,
				 "send through a decoupled pin");
	return pf_expect(pf_pin_bring(&f->st, SEED_DEVICE), PF_FAIL,
			 "bring through a decoupled pin");
}

static enum pf_result run(struct pf_ctx *ctx)
{
	const enum symptom *s = ctx->arg;
	struct fixture f = { .twin = NULL };
	enum pf_result res = open_fixture(&f, ctx);

	if (res == PF_PASS && *s == HEALTHY)
		res = healthy(&f);
	else if (res == PF_PASS && *s == LOST_HELD_READ)
		res = lost_held_read(&f);
	else if (res == PF_PASS && *s == NEVER_HELD)
		res = never_held(&f);
	else if (res == PF_PASS)
		res = symptom(&f, *s);
	close_fixture(&f);
	return res;
}

static const enum symptom healthy_pin = HEALTHY, stale_send = STALE_SEND,
			  lost_bring = LOST_BRING, lost_held = LOST_HELD_READ,
			  never_held_read = NEVER_HELD;

#define EVERY_PIN .run = run, .use_pin = 1, .timeout = 60

static const struct pf_template templates[] = {
	{
		.name = "healthy",
		.summary = "a pin on its own mapping: send and bring pass",
		.arg = &healthy_pin,
		EVERY_PIN,
	},
	{
		.name = "stale-send",
		.summary = "the CPU writes a mapping the pin does not back: send reports stale data",
		.arg = &stale_send,
		.pin_needs = PF_PIN_DEV_READS,
		EVERY_PIN,
	},
	{
		.name = "lost-bring",
		.summary = "the device writes pages the CPU does not map: bring reports the lost data",
		.arg = &lost_bring,
		.pin_needs = PF_PIN_DEV_WRITES,
		EVERY_PIN,
	},
	{
		.name = "lost-held-read",
		.summary = "the mapping is replaced while a read is held in flight: finish reports the lost read",
		.arg = &lost_held,
		.pin_needs = PF_PIN_HOLDS,
		EVERY_PIN,
	},
	{
		.name = "never-held",
		.summary = "the server never holds the read: start does not pass it as in flight",
		.arg = &never_held_read,
		.pin_needs = PF_PIN_HOLDS,
		EVERY_PIN,
	},
};

PF_MAIN(templates)
