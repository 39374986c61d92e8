// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the vmsplice leak scenario (lib/scenario/vmsplice_leak.c)
 * and its oracle: run the very sequence tests/vmsplice_leak.c runs, on a
 * MAP_SHARED region. There the parent's write lands in the page the pipe
 * references, which is what a kernel without 09854ba94c6a did to private
 * memory, so the child reads the parent's post-fork data and the case must
 * report the leak as its known symptom (PF_XFAIL, which the runner makes
 * FAIL on every backing but hugetlb). Anything short of whole leaked pages
 * is corruption, FAIL everywhere. A case here passes when the symptom was
 * reported as such.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model.h"
#include "pattern.h"
#include "vmsplice_leak.h"

#define LEN (64u << 10)

static enum pf_result map_region(struct pf_region *r, int flags)
{
	return pf_region_map_anon(r, LEN, flags);
}

/* The scenario must have reported the leak as its known symptom. */
static enum pf_result expect_leak(enum pf_result got, enum pf_view seen)
{
	if (seen != PF_VIEW_FOREIGN)
		pf_diag("the child saw %s, not the parent's data", pf_view_name(seen));
	return pf_expect(seen == PF_VIEW_FOREIGN ? got : PF_PASS, PF_XFAIL,
			 "vmsplice leak on MAP_SHARED memory");
}

static enum pf_result shared_leaks(enum pf_vmsplice_drop drop)
{
	const struct pf_vmsplice_plan plan = { .drop = drop };
	enum pf_view seen = PF_VIEW_OWN;
	struct pf_region r;
	enum pf_result res = map_region(&r, MAP_SHARED);

	if (res != PF_PASS)
		return res;
	res = pf_vmsplice_leak_run(&r, &plan, &seen);
	return expect_leak(res, seen);
}

static enum pf_result shared_munmap_leaks(struct pf_ctx *ctx)
{
	(void)ctx;
	return shared_leaks(PF_DROP_MUNMAP);
}

static enum pf_result shared_dontneed_leaks(struct pf_ctx *ctx)
{
	(void)ctx;
	return shared_leaks(PF_DROP_DONTNEED);
}

/* Control: the same run on private memory passes, so the failures above
 * come from the shared page and not from a broken scenario. */
static enum pf_result private_passes(struct pf_ctx *ctx)
{
	const struct pf_vmsplice_plan plan = { .drop = PF_DROP_MUNMAP };
	enum pf_view seen = PF_VIEW_FOREIGN;
	struct pf_region r;
	enum pf_result res = map_region(&r, MAP_PRIVATE);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	res = pf_vmsplice_leak_run(&r, &plan, &seen);
	if (res != PF_PASS || seen != PF_VIEW_OWN)
		return pf_fail("private memory: result %d, child saw %s", res,
			       pf_view_name(seen));
	return PF_PASS;
}

/* Locked pages cannot be paged out: the swap-in variant must SKIP, never
 * pass without having swapped anything. */
static enum pf_result swapin_skips_when_resident(struct pf_ctx *ctx)
{
	const struct pf_vmsplice_plan plan = { .drop = PF_DROP_DONTNEED,
					       .swap_out = 1 };
	struct pf_region r;
	enum pf_result res = map_region(&r, MAP_PRIVATE);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	if (mlock(r.base, r.len))
		return pf_skip("mlock failed");
	res = pf_vmsplice_leak_run(&r, &plan, NULL);
	return pf_expect(res, PF_SKIP, "swap-in variant on resident pages");
}

/* A pipe page half the parent's data, half the pre-fork data. */
static enum pf_result half_leaked_page_fails(struct pf_ctx *ctx)
{
	const size_t ps = 4096, off = 8192;
	char *page = malloc(ps);
	enum pf_view v;

	(void)ctx;
	if (!page)
		return pf_error("malloc failed");
	for (size_t i = 0; i < ps; i++)
		page[i] = (char)pf_pattern_byte(i < ps / 2 ? PF_VMSPLICE_SEED_AFTER :
						PF_VMSPLICE_SEED_BEFORE, off + i);
	v = pf_vmsplice_page_view(page, off, ps);
	free(page);
	return pf_expect(pf_vmsplice_verdict(v, NULL), PF_FAIL,
			 "a half-leaked page (not the documented symptom)");
}

/* Control: a whole page of the parent's data is the known symptom. */
static enum pf_result whole_leaked_page_is_known(struct pf_ctx *ctx)
{
	const size_t ps = 4096, off = 8192;
	char *page = malloc(ps);
	enum pf_view v;

	(void)ctx;
	if (!page)
		return pf_error("malloc failed");
	for (size_t i = 0; i < ps; i++)
		page[i] = (char)pf_pattern_byte(PF_VMSPLICE_SEED_AFTER, off + i);
	v = pf_vmsplice_page_view(page, off, ps);
	free(page);
	return pf_expect(pf_vmsplice_verdict(v, NULL), PF_XFAIL,
			 "a whole page of the parent's data");
}

/* A child that died is an error of the run, never the known issue. */
static enum pf_result dead_child_is_error(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_expect(pf_vmsplice_verdict(-1, NULL), PF_ERROR,
			 "the child died");
}

static const struct pf_template templates[] = {
	{
		.name = "vmsplice-half-leaked-page-fails",
		.summary = "a pipe page only half the parent's data is corruption (FAIL), not the known leak",
		.run = half_leaked_page_fails,
	},
	{
		.name = "vmsplice-whole-leaked-page-known",
		.summary = "control: a pipe page wholly the parent's data is the known symptom",
		.run = whole_leaked_page_is_known,
	},
	{
		.name = "vmsplice-dead-child-error",
		.summary = "a child that died is ERROR, not the known symptom",
		.run = dead_child_is_error,
	},
	{
		.name = "vmsplice-leak-reported-munmap-shared",
		.summary = "vmsplice scenario with munmap on MAP_SHARED memory: the child reads the parent's write, the leak is reported",
		.run = shared_munmap_leaks,
	},
	{
		.name = "vmsplice-leak-reported-dontneed-shared",
		.summary = "vmsplice scenario with MADV_DONTNEED on MAP_SHARED memory: the leak is reported",
		.run = shared_dontneed_leaks,
	},
	{
		.name = "vmsplice-leak-control-private",
		.summary = "control: the same scenario on private memory passes",
		.run = private_passes,
	},
	{
		.name = "vmsplice-swapin-skips-resident",
		.summary = "the swap-in variant SKIPs when pagemap does not show the pages swapped out",
		.run = swapin_skips_when_resident,
	},
};

PF_MAIN(templates)
