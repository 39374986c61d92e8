// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the mprotect-after-fork scenario
 * (lib/scenario/mprotect_fork.c) and of the view oracle (lib/oracle/view_oracle.c). The
 * scenario runs as in tests/thp_mprotect.c, but on a MAP_SHARED region:
 * what one process writes shows in the other, which is what a wrong
 * write-upgrade by mprotect would do to private memory, and the oracle
 * must report it in the process that looks. A case here passes when the
 * symptom was reported.
 */
#include <string.h>
#include <sys/mman.h>

#include "model.h"
#include "mprotect_fork.h"
#include "pattern.h"

#define LEN (64u << 10)

static enum pf_result map_region(struct pf_region *r, int flags)
{
	return pf_region_map_anon(r, LEN, flags);
}

static enum pf_result run_shared(enum pf_mprotect_side side,
				 struct pf_mprotect_outcome *out)
{
	const struct pf_mprotect_plan plan = { .side = side, .half = 1 };
	struct pf_region r;
	enum pf_result res = map_region(&r, MAP_SHARED);

	if (res != PF_PASS)
		return res;
	res = pf_mprotect_fork_run(&r, &plan, out);
	return pf_expect(res, PF_FAIL, "isolation break on MAP_SHARED memory");
}

/* The child mprotects and writes first: the parent must see its data. */
static enum pf_result parent_sees_child(struct pf_ctx *ctx)
{
	struct pf_mprotect_outcome out;
	enum pf_result res = run_shared(PF_MPROTECT_CHILD, &out);

	(void)ctx;
	if (res == PF_PASS && out.parent != PF_VIEW_FOREIGN)
		return pf_fail("the parent's view was judged %s", pf_view_name(out.parent));
	return res;
}

/* The parent mprotects and writes first: the child must see its data. */
static enum pf_result child_sees_parent(struct pf_ctx *ctx)
{
	struct pf_mprotect_outcome out;
	enum pf_result res = run_shared(PF_MPROTECT_PARENT, &out);

	(void)ctx;
	if (res == PF_PASS && out.child != PF_VIEW_FOREIGN)
		return pf_fail("the child's view was judged %s", pf_view_name(out.child));
	return res;
}

/* Control: the same run on private memory passes. */
static enum pf_result private_passes(struct pf_ctx *ctx)
{
	const struct pf_mprotect_plan plan = { .side = PF_MPROTECT_CHILD, .half = 1 };
	struct pf_mprotect_outcome out;
	struct pf_region r;
	enum pf_result res = map_region(&r, MAP_PRIVATE);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	res = pf_mprotect_fork_run(&r, &plan, &out);
	if (res != PF_PASS || out.parent != PF_VIEW_OWN || out.child != PF_VIEW_OWN)
		return pf_fail("private memory: result %d, parent %s, child %s", res,
			       pf_view_name(out.parent), pf_view_name(out.child));
	return PF_PASS;
}

static enum pf_result expect_view(const char *what, const void *buf,
				  enum pf_view want)
{
	enum pf_view got = pf_view_check(what, buf, 4096, 4096, 1, 2);

	if (got != want)
		return pf_fail("%s judged %s, not %s", what, pf_view_name(got),
			       pf_view_name(want));
	return PF_PASS;
}

/* The oracle tells a leak from other corruption, at a region offset. */
static enum pf_result view_oracle_classifies(struct pf_ctx *ctx)
{
	static uint8_t own[4096], foreign[4096], zero[4096], flipped[4096];
	enum pf_result res;

	(void)ctx;
	for (size_t i = 0; i < sizeof(own); i++) {
		own[i] = flipped[i] = pf_pattern_byte(1, 4096 + i);
		foreign[i] = pf_pattern_byte(2, 4096 + i);
	}
	flipped[100] ^= 1;
	res = expect_view("own data", own, PF_VIEW_OWN);
	if (res == PF_PASS)
		res = expect_view("the other's data", foreign, PF_VIEW_FOREIGN);
	if (res == PF_PASS)
		res = expect_view("zeros", zero, PF_VIEW_CORRUPT);
	if (res == PF_PASS)
		res = expect_view("one flipped bit", flipped, PF_VIEW_CORRUPT);
	return res;
}

static const struct pf_template templates[] = {
	{
		.name = "mprotect-fork-parent-sees-child-shared",
		.summary = "mprotect scenario on MAP_SHARED memory, child mprotects and writes first: the parent's check reports the child's data",
		.run = parent_sees_child,
	},
	{
		.name = "mprotect-fork-child-sees-parent-shared",
		.summary = "mprotect scenario on MAP_SHARED memory, parent mprotects and writes first: the child's check reports the parent's data",
		.run = child_sees_parent,
	},
	{
		.name = "mprotect-fork-control-private",
		.summary = "control: the same scenario on private memory passes",
		.run = private_passes,
	},
	{
		.name = "view-oracle-classifies",
		.summary = "view oracle: own data passes, the other's data is a leak, zeros and a flipped bit are corruption",
		.run = view_oracle_classifies,
	},
};

PF_MAIN(templates)
