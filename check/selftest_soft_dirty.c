// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the soft-dirty oracle (lib/scenario/soft_dirty.c): a page
 * cleared by clear_refs 4 and not written since has the bit clear, which is
 * what a kernel without 76aefad628aa shows for a page written after
 * mprotect; the oracle must report it. A case here passes when it does.
 */
#include <string.h>
#include <sys/mman.h>

#include "model.h"
#include "soft_dirty.h"

#define LEN (64u << 10)

/* Without CONFIG_MEM_SOFT_DIRTY (this machine's kernel, for one) there is
 * no bit to check: the cases SKIP, as the real ones do. */
static enum pf_result expect(enum pf_result got, enum pf_result want,
			     const char *what)
{
	return got == PF_SKIP ? got : pf_expect(got, want, what);
}

static enum pf_result map_region(struct pf_region *r)
{
	return pf_region_map_anon(r, LEN, MAP_PRIVATE);
}

/* The oracle alone, on pages cleared and left unwritten. */
static enum pf_result unwritten_page_reported(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	(void)ctx;
	if (res == PF_PASS)
		res = pf_soft_dirty_supported(r.base, r.len);
	if (res == PF_PASS)
		res = pf_soft_dirty_clear();
	if (res != PF_PASS)
		return res;
	r.base[0] = 1;	/* one page written, the others must be reported */
	res = pf_soft_dirty_all_set(r.base, r.len, "self-test");
	munmap(r.map, r.map_len);
	return expect(res, PF_FAIL, "soft-dirty oracle on unwritten pages");
}

/* The mprotect scenario run by plan, on a region of its own. */
static enum pf_result scenario(const struct pf_soft_dirty_plan *plan,
			       enum pf_result want, const char *what)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	if (res != PF_PASS)
		return res;
	res = pf_soft_dirty_mprotect_run(&r, plan);
	munmap(r.map, r.map_len);
	return expect(res, want, what);
}

/* The whole scenario with the write after mprotect left out. */
static enum pf_result scenario_without_write_fails(struct pf_ctx *ctx)
{
	const struct pf_soft_dirty_plan plan = { .half = 1, .skip_write = 1 };

	(void)ctx;
	return scenario(&plan, PF_FAIL, "scenario whose last write is missing");
}

/* Control: the same scenario with the write passes. */
static enum pf_result scenario_passes(struct pf_ctx *ctx)
{
	const struct pf_soft_dirty_plan plan = { .half = 1 };

	(void)ctx;
	return scenario(&plan, PF_PASS, "control scenario");
}

static const struct pf_template templates[] = {
	{
		.name = "soft-dirty-unwritten-reported",
		.summary = "pages cleared by clear_refs 4 and not written: the soft-dirty oracle reports them",
		.run = unwritten_page_reported,
	},
	{
		.name = "soft-dirty-missing-write-reported",
		.summary = "the mprotect scenario without its last write fails",
		.run = scenario_without_write_fails,
	},
	{
		.name = "soft-dirty-control",
		.summary = "control: the mprotect scenario on anonymous memory passes",
		.run = scenario_passes,
	},
};

PF_MAIN(templates)
