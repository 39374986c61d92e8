// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the madvise/mlock event oracles
 * (lib/dontneed_partial.c, lib/mlock_fork.c, lib/fork_advice.c): each
 * symptom is built in userspace and must be reported; controls pass.
 */
#include <string.h>
#include <sys/mman.h>

#include "event.h"
#include "madvise_events.h"
#include "pagemap.h"
#include "pattern.h"

#define LEN (64u << 10)

static enum pf_result map_region(struct pf_region *r)
{
	return pf_region_map_anon(r, LEN, MAP_PRIVATE);
}

/* What a kernel without 8ebe0a5eaaeb leaves past a partial zap: zeros. */
static enum pf_result zeroed_rest_reported(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	pf_pattern_fill(r.base, r.len, 7);
	memset(r.base + 4096, 0, r.len - 4096);
	res = pf_rest_keeps(&r, 4096, 7);
	munmap(r.map, r.map_len);
	return pf_expect(res, PF_FAIL, "rest-of-page oracle on a zeroed rest");
}

/* Control: the scenario on small anonymous pages passes. */
static enum pf_result dontneed_control(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	res = pf_dontneed_partial_run(&r, 0, 4096);
	munmap(r.map, r.map_len);
	return pf_expect(res, PF_PASS, "partial MADV_DONTNEED of small pages");
}

/* The accounting oracle after mlock of half a region (then munlock, if unlock). */
static enum pf_result mlock_accounting(int unlock, enum pf_result want,
				       const char *what)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);
	long baseline;

	if (res != PF_PASS)
		return res;
	baseline = pf_locked_kb(r.base, r.len);
	if (mlock(r.base, r.len / 2) || (unlock && munlock(r.base, r.len / 2))) {
		munmap(r.map, r.map_len);
		return pf_skip(unlock ? "mlock/munlock failed" : "mlock failed");
	}
	res = pf_mlock_released(r.base, r.len, baseline);
	munmap(r.map, r.map_len);
	return pf_expect(res, want, what);
}

/* The accounting oracle fed a region that is still mlocked. */
static enum pf_result still_locked_reported(struct pf_ctx *ctx)
{
	(void)ctx;
	return mlock_accounting(0, PF_FAIL, "Mlocked accounting oracle on a locked region");
}

/* Pages still PG_mlocked although smaps agrees with the baseline given. */
static enum pf_result still_mlocked_pages_reported(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	if (!pf_kpageflags_readable()) {
		munmap(r.map, r.map_len);
		return pf_skip("no /proc/kpageflags: the PG_mlocked part is not used here");
	}
	if (mlock(r.base, r.len / 2)) {
		munmap(r.map, r.map_len);
		return pf_skip("mlock failed");
	}
	res = pf_mlock_released(r.base, r.len, pf_locked_kb(r.base, r.len));
	munmap(r.map, r.map_len);
	return pf_expect(res, PF_FAIL, "PG_mlocked part of the accounting oracle");
}

/* Control: after munlock the same oracle passes. */
static enum pf_result unlocked_passes(struct pf_ctx *ctx)
{
	(void)ctx;
	return mlock_accounting(1, PF_PASS, "Mlocked accounting oracle after munlock");
}

struct advice_probe {
	const struct pf_region *r;
	enum pf_fork_advice advice;
};

static int probe_child(void *arg)
{
	const struct advice_probe *p = arg;

	return pf_advice_child_check(p->r, p->advice);
}

/* A child that was given the memory as it was (the advice ignored). */
static enum pf_result advice_ignored(enum pf_fork_advice advice)
{
	struct pf_event_run ev;
	struct pf_region r;
	struct advice_probe p = { &r, advice };
	enum pf_result res = map_region(&r);

	if (res != PF_PASS)
		return res;
	pf_pattern_fill(r.base, r.len, 9);
	if (pf_fork_alive(&ev, probe_child, &p))
		return pf_error("fork failed");
	res = pf_advice_child_verdict(pf_event_finish(&ev), advice);
	munmap(r.map, r.map_len);
	return pf_expect(res, PF_FAIL, "child check when the advice was ignored");
}

static enum pf_result dontfork_ignored_reported(struct pf_ctx *ctx)
{
	(void)ctx;
	return advice_ignored(PF_ADVICE_DONTFORK);
}

static enum pf_result wipeonfork_ignored_reported(struct pf_ctx *ctx)
{
	(void)ctx;
	return advice_ignored(PF_ADVICE_WIPEONFORK);
}

/* Control: an unmapped range is "no mapping, SIGSEGV" to the same check. */
static enum pf_result dontfork_check_control(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	munmap(r.map, r.map_len);
	res = pf_advice_child_verdict(pf_advice_child_check(&r, PF_ADVICE_DONTFORK),
				      PF_ADVICE_DONTFORK);
	return pf_expect(res, PF_PASS, "child check on an unmapped range");
}

static const struct pf_template templates[] = {
	{
		.name = "dontneed-zeroed-rest-reported",
		.summary = "the rest of a page zeroed by hand: the rest-of-page oracle reports it",
		.run = zeroed_rest_reported,
	},
	{
		.name = "dontneed-control-small-pages",
		.summary = "control: MADV_DONTNEED of 4 KiB of small pages keeps the rest",
		.run = dontneed_control,
	},
	{
		.name = "mlock-still-locked-reported",
		.summary = "a region still mlocked: the accounting oracle reports it",
		.run = still_locked_reported,
	},
	{
		.name = "mlock-still-mlocked-pages-reported",
		.summary = "pages still PG_mlocked (kpageflags) while smaps matches: the accounting oracle reports them",
		.run = still_mlocked_pages_reported,
	},
	{
		.name = "mlock-control-unlocked",
		.summary = "control: after munlock the accounting oracle passes",
		.run = unlocked_passes,
	},
	{
		.name = "dontfork-ignored-reported",
		.summary = "a child that inherited the memory: the MADV_DONTFORK child check reports it",
		.run = dontfork_ignored_reported,
	},
	{
		.name = "wipeonfork-ignored-reported",
		.summary = "a child that sees the parent's data: the MADV_WIPEONFORK child check reports it",
		.run = wipeonfork_ignored_reported,
	},
	{
		.name = "dontfork-control-unmapped",
		.summary = "control: on an unmapped range the MADV_DONTFORK child check passes",
		.run = dontfork_check_control,
	},
};

PF_MAIN(templates)
