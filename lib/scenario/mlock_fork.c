// SPDX-License-Identifier: GPL-2.0
/*
 * mlock of half a large folio shared after fork. M is the process that
 * mlock()s, O the other; they take four turns:
 *   1. M: mlock the first half of the first folio, write its pattern
 *   2. O: must still see the pre-fork data; write its pattern
 *   3. M: must see its own data; munlock; accounting back to baseline
 *   4. O: must see its own data; accounting back to baseline
 * Whether the kernel splits the folio or mlocks a partly mapped one is
 * policy (reported); the data and the final accounting are not.
 */
#include "mlock_fork.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "lockstep.h"
#include "pagemap.h"
#include "pattern.h"
#include "turns.h"
#include "view_oracle.h"

#define KPF_MLOCKED 33
#define TURNS 4

enum { SEED_BEFORE = 81, SEED_M = 82, SEED_O = 83 };

struct ml {
	struct pf_region *r;
	const struct pf_mlock_plan *plan;
	size_t half;
	long baseline_kb;	/* this process's smaps Locked before mlock */
	int locked;		/* M: mlock succeeded */
	const char *who;
};

long pf_locked_kb(const void *addr, size_t len)
{
	return pf_smaps_range_kb(addr, len, "Locked");
}

/* Pages of the range whose folio is still PG_mlocked; -1 without kpageflags. */
static long pages_mlocked(const void *addr, size_t len)
{
	size_t ps = pf_page_size();
	long n = 0;

	if (!pf_kpageflags_readable())
		return -1;
	for (size_t off = 0; off < len; off += ps) {
		uint64_t pfn = pf_pfn((const char *)addr + off);
		uint64_t flags = pfn ? pf_kpageflags(pfn) : ~0ull;

		n += flags != ~0ull && (flags >> KPF_MLOCKED & 1);
	}
	return n;
}

/* munlock hands folios to a per-CPU batch that lru_add_drain() flushes;
 * MADV_COLD drains this CPU's batches before its work (mm/madvise.c). */
static void drain_mlock_batch(void)
{
	static char *page;

	if (!page)
		page = mmap(NULL, pf_page_size(), PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return;
	page[0] = 1;
	madvise(page, pf_page_size(), MADV_COLD);
}

static long mlocked_after_drain(const void *addr, size_t len)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	long n = 0;

	for (int tries = 0; tries < 50; tries++) {
		drain_mlock_batch();
		n = pages_mlocked(addr, len);
		if (n <= 0)
			break;
		nanosleep(&pause, NULL);
	}
	return n;
}

enum pf_result pf_mlock_released(const void *addr, size_t len,
				 long baseline_kb)
{
	long now = pf_locked_kb(addr, len), pages;

	if (now < 0)
		return pf_error("cannot read /proc/self/smaps");
	if (now != baseline_kb)
		return pf_fail("smaps Locked is %ld kB after munlock, %ld kB before mlock",
			       now, baseline_kb);
	pages = mlocked_after_drain(addr, len);
	if (pages > 0)
		return pf_fail("%ld pages are still PG_mlocked (kpageflags) after munlock",
			       pages);
	return PF_PASS;
}

static enum pf_result view_result(const char *who, const struct pf_region *r,
				  uint32_t own, uint32_t foreign)
{
	enum pf_view v = pf_view_check(who, r->base, 0, r->len, own, foreign);

	if (v == PF_VIEW_FOREIGN)
		return pf_fail("%s saw the other process's post-fork data", who);
	if (v == PF_VIEW_CORRUPT)
		return pf_fail("%s's memory holds neither its data nor the other's", who);
	return PF_PASS;
}

/* Turn 1 ends the sequence: nothing was locked or written to judge later. */
static enum pf_result mlock_refused(const struct ml *m, int err)
{
	const char *how = m->plan->onfault ? "mlock2 MLOCK_ONFAULT" : "mlock";
	struct rlimit lim;

	if ((err == ENOMEM || err == EPERM || err == EAGAIN) &&
	    !getrlimit(RLIMIT_MEMLOCK, &lim) && lim.rlim_cur != RLIM_INFINITY)
		return pf_skip("%s: %s of %zu KiB refused (%s): RLIMIT_MEMLOCK is %llu KiB",
			       m->who, how, m->half >> 10, strerror(err),
			       (unsigned long long)lim.rlim_cur >> 10);
	return pf_skip("%s: %s of %zu KiB refused: %s", m->who, how,
		       m->half >> 10, strerror(err));
}

static enum pf_result mlock_half(struct ml *m)
{
	long now;

	int rc = m->plan->onfault ? mlock2(m->r->base, m->half, MLOCK_ONFAULT) :
				    mlock(m->r->base, m->half);

	if (rc)
		return mlock_refused(m, errno);
	m->locked = 1;
	now = pf_locked_kb(m->r->base, m->r->len);
	pf_diag("%s: after mlock of %zu KiB: smaps Locked %ld kB, first folio %s (policy, not checked)",
		m->who, m->half >> 10, now, pf_mapping_state(m->r->base, m->r->folio));
	/* e.g. under ASan, whose runtime turns mlock() into a no-op returning 0 */
	if (now <= m->baseline_kb)
		return pf_skip("%s: mlock returned 0 but smaps Locked did not grow (%ld kB): the mlock had no effect",
			       m->who, now);
	pf_pattern_fill(m->r->base, m->r->len, SEED_M);
	return PF_PASS;
}

static enum pf_result munlock_half(struct ml *m)
{
	enum pf_result res = view_result(m->who, m->r, SEED_M, SEED_O);

	if (!m->locked)
		return res;
	if (munlock(m->r->base, m->half))
		return pf_worst(res, pf_error("%s: munlock: %s", m->who, strerror(errno)));
	return pf_worst(res, pf_mlock_released(m->r->base, m->r->len, m->baseline_kb));
}

static enum pf_result do_turn(struct ml *m, int turn)
{
	switch (turn) {
	case 1:
		return mlock_half(m);
	case 2: {
		enum pf_result res = view_result(m->who, m->r, SEED_BEFORE, SEED_M);

		pf_pattern_fill(m->r->base, m->r->len, SEED_O);
		return res;
	}
	case 3:
		return munlock_half(m);
	default:
		return pf_worst(view_result(m->who, m->r, SEED_O, SEED_M),
			     pf_mlock_released(m->r->base, m->r->len, m->baseline_kb));
	}
}

static enum pf_result turn_fn(void *arg, int turn)
{
	return do_turn(arg, turn);
}

/* The batches to drain are this CPU's: stay on it, children too. */
static void stay_on_this_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

enum pf_result pf_mlock_half_fork_run(struct pf_region *r,
				      const struct pf_mlock_plan *plan)
{
	size_t ps = pf_page_size();
	struct ml m = { .r = r, .plan = plan,
			.half = (r->folio / 2 + ps - 1) & ~(ps - 1) };
	struct pf_lockstep ls;
	pid_t pid;

	if ((uintptr_t)r->base % ps)
		return pf_error("the region is not page aligned");
	stay_on_this_cpu();
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	pf_diag("first folio %s at fork (policy, not checked)",
		pf_mapping_state(r->base, r->folio));
	pid = pf_lockstep_fork(&ls);
	if (pid < 0)
		return pf_error("fork: %s", strerror((int)-pid));
	m.who = pid ? "parent" : "child";
	m.baseline_kb = pf_locked_kb(r->base, r->len);
	if (pid == 0)
		pf_lockstep_exit(&ls, pf_take_turns(&ls, TURNS, plan->side == PF_MLOCK_CHILD,
						    turn_fn, &m));
	return pf_turns_parent(&ls, TURNS, plan->side == PF_MLOCK_PARENT, turn_fn, &m);
}
