// SPDX-License-Identifier: GPL-2.0
/*
 * Pins on memory nobody wrote yet (the backings of pf_backings_unwritten:
 * never touched, only read so the (huge) zero page backs it, a MAP_PRIVATE
 * memfd or file page only read).
 *
 * write-pin: a pin that lets the device write (GUP with FOLL_WRITE, as
 * io_uring, O_DIRECT reads and RDMA take them) must get the process its own
 * anonymous page: what the device brings is what the process reads, a
 * fresh mapping of the zero page still reads zeros, and the file or memfd
 * under the private mapping is unchanged (84209e87c696).
 *
 * ro-pin-cpu-writes: a read-only long-term pin (an RDMA MR without write
 * access) on such memory must be taken on a page the process owns
 * exclusively (FAULT_FLAG_UNSHARE: a7f226604170, and for the zero page and
 * private file pages 84209e87c696): when the process writes afterwards,
 * the device sends what it wrote, not the zero page or the page cache page
 * the pin would otherwise have kept.
 */
#include "backing.h"
#include "model.h"
#include "pattern.h"
#include "pin.h"
#include "zero_oracle.h"

enum { SEED_DEVICE = 91, SEED_CPU = 92 };

/* What the pin must have left alone: the zero pages, the file. */
static enum pf_result left_alone(const struct pf_region *r, const char *when)
{
	enum pf_result res = pf_zero_page_intact(0, when);

	if (res == PF_PASS && (r->backing->flags & PF_BK_PMD))
		res = pf_zero_page_intact(1, when);
	if (res == PF_PASS && (r->backing->flags & PF_BK_FILE))
		res = pf_file_backing_intact(r);
	return res;
}

static enum pf_result write_pin(struct pf_ctx *ctx)
{
	struct pf_pin_state st;
	enum pf_result res = pf_pin_take(&st, ctx->pin, ctx->region);

	if (res == PF_PASS)
		res = pf_pin_bring(&st, SEED_DEVICE);
	if (res == PF_PASS)
		res = left_alone(ctx->region, "after the device wrote through the pin");
	pf_pin_release(&st);
	return res;
}

static enum pf_result ro_pin_cpu_writes(struct pf_ctx *ctx)
{
	struct pf_region *r = ctx->region;
	struct pf_pin_state st;
	enum pf_result res = pf_pin_take(&st, ctx->pin, r);

	if (res == PF_PASS) {
		pf_pattern_fill(r->base, r->len, SEED_CPU);
		res = pf_pin_send(&st, SEED_CPU);
	}
	if (res == PF_PASS)
		res = left_alone(r, "after the process wrote the pinned memory");
	pf_pin_release(&st);
	return res;
}

/* Every pin and every unwritten backing whose flags fit; RDMA setup takes seconds. */
#define OVER_THE_TABLES .use_pin = 1, .use_backing = 1, .timeout = 60

static const struct pf_template templates[] = {
	{
		.name = "write-pin",
		.summary = "the device writes through a pin on unwritten memory: the process sees it, the zero page and the file stay",
		.run = write_pin,
		.fixes = { "84209e87c696" },
		.pin_needs = PF_PIN_DEV_WRITES,
		OVER_THE_TABLES,
	},
	{
		.name = "ro-pin-cpu-writes",
		.summary = "read-only long-term pin on unwritten memory, then the process writes: the device sends what it wrote",
		.run = ro_pin_cpu_writes,
		.fixes = { "84209e87c696", "a7f226604170" },
		.pin_needs = PF_PIN_LONGTERM | PF_PIN_DEV_READS,
		.pin_excludes = PF_PIN_DEV_WRITES,
		OVER_THE_TABLES,
	},
};

PF_MAIN_WITH(templates, pf_model_unwritten())
