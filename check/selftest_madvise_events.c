// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the madvise/mlock event oracles
 * (lib/scenario/dontneed_partial.c, lib/scenario/mlock_fork.c, lib/scenario/fork_advice.c): each
 * symptom is built in userspace and must be reported; controls pass.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dontneed_partial.h"
#include "event.h"
#include "fork_advice.h"
#include "mlock_fork.h"
#include "model.h"
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

/* A "zap" that left the data in place is no proof of a zap. */
static enum pf_result zap_did_nothing_reported(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	pf_pattern_fill(r.base, r.len, 7);
	res = pf_zap_reads_zero(&r, 0, 4096);
	munmap(r.map, r.map_len);
	return pf_expect(res, PF_FAIL, "zap proof on pages that kept their data");
}

/* MADV_DONTNEED refused on an mlocked mapping (EINVAL), partial or whole: SKIP. */
static enum pf_result dontneed_refused_skips(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	if (mlock(r.base, r.len)) {
		munmap(r.map, r.map_len);
		return pf_skip("mlock failed");
	}
	res = pf_dontneed_partial_run(&r, 0, 4096);
	munmap(r.map, r.map_len);
	return pf_expect(res, PF_SKIP, "MADV_DONTNEED refused on the whole mapping");
}

/* Only the partial range refused, whole pages accepted: the kernel's error. */
static enum pf_result partial_refusal_fails(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_expect(pf_dontneed_refusal(EINVAL, 0), PF_FAIL,
			 "partial range refused, whole page accepted");
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

/* Without CAP_IPC_LOCK and with RLIMIT_MEMLOCK 0, mlock() is refused. */
static int refuse_mlock(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	struct rlimit zero = { 0, 0 };

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	return setrlimit(RLIMIT_MEMLOCK, &zero);
}

static enum pf_result mlock_scenario(const struct pf_mlock_plan *plan,
				     int lock_first, enum pf_result want,
				     const char *what)
{
	struct pf_region r;
	enum pf_result res = map_region(&r);

	if (res != PF_PASS)
		return res;
	/* mlock is not inherited: only the parent's range is locked already */
	if (lock_first && mlock(r.base, r.len)) {
		munmap(r.map, r.map_len);
		return pf_skip("mlock failed");
	}
	res = pf_mlock_half_fork_run(&r, plan);
	munmap(r.map, r.map_len);
	return pf_expect(res, want, what);
}

/* A refused mlock ends the scenario as SKIP, never as "corruption". */
static enum pf_result mlock_refused_skips(struct pf_ctx *ctx)
{
	static const struct pf_mlock_plan child_locks = { PF_MLOCK_CHILD, 0 };

	(void)ctx;
	if (refuse_mlock())
		return pf_error("cannot drop CAP_IPC_LOCK or RLIMIT_MEMLOCK");
	return mlock_scenario(&child_locks, 0, PF_SKIP, "mlock refused in the child");
}

/*
 * An mlock that returns 0 and locks nothing new (as under ASan): the
 * parent's range is locked already and MLOCK_ONFAULT populates nothing,
 * so smaps Locked does not grow. SKIP.
 */
static enum pf_result mlock_no_effect_skips(struct pf_ctx *ctx)
{
	static const struct pf_mlock_plan parent_locks = { PF_MLOCK_PARENT, 1 };

	(void)ctx;
	return mlock_scenario(&parent_locks, 1, PF_SKIP,
			      "mlock that did not grow smaps Locked");
}

/* Control: the scenario itself passes on small pages. */
static enum pf_result mlock_scenario_control(struct pf_ctx *ctx)
{
	static const struct pf_mlock_plan parent_locks = { PF_MLOCK_PARENT, 0 };

	(void)ctx;
	return mlock_scenario(&parent_locks, 0, PF_PASS, "mlock of half, small pages");
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
		.name = "dontneed-zap-did-nothing-reported",
		.summary = "pages that kept their data after a zap: the zap proof reports it",
		.run = zap_did_nothing_reported,
	},
	{
		.name = "dontneed-refused-skips",
		.summary = "MADV_DONTNEED refused (EINVAL on an mlocked mapping), partial and whole: SKIP, never a pass",
		.run = dontneed_refused_skips,
	},
	{
		.name = "dontneed-partial-refusal-fails",
		.summary = "a partial MADV_DONTNEED refused while whole pages are accepted: FAIL",
		.run = partial_refusal_fails,
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
		.name = "mlock-refused-skips",
		.summary = "mlock refused (no CAP_IPC_LOCK, RLIMIT_MEMLOCK 0): the scenario SKIPs, the other side does not report corruption",
		.run = mlock_refused_skips,
	},
	{
		.name = "mlock-no-effect-skips",
		.summary = "an mlock that locked nothing new (smaps Locked did not grow): the scenario SKIPs",
		.run = mlock_no_effect_skips,
	},
	{
		.name = "mlock-control-scenario",
		.summary = "control: mlock of half a region shared after fork passes on small pages",
		.run = mlock_scenario_control,
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
