// SPDX-License-Identifier: GPL-2.0
#include "folio_fork.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "event.h"
#include "model.h"
#include "snapshot.h"
#include "uring.h"

#define MAX_WRITERS 2
#define ENOUGH_TEARS 3		/* a race stops early once it showed this many */
#define MIN_FORKS 3		/* and goes on past its time until this many (slow VMs) */
#define FRESH_SMALL_LEN (64u << 10)
#define THP_LEN (2u << 20)
#define START_SECONDS 1.0	/* for a writer thread to begin its first pass */

/*
 * In MAP_SHARED memory, which fork does not write-protect: what the child
 * saw along each writer's lines, and the writers themselves, whose pass
 * counter a COW fault would otherwise stall at each fork.
 */
struct child_report {
	int done;
	struct pf_snap_verdict v[MAX_WRITERS];
	struct pf_snap_writer w[MAX_WRITERS];
};

struct race {
	char *base;
	size_t len;
	int writers;
	int fresh;			/* the mapping is new: 0 words are unstamped lines */
	struct pf_snap_writer *w;	/* report->w */
	struct child_report *report;	/* MAP_SHARED */
	double start;
	long attempts, contended, torn, bad, lost;
	long fork_errors, child_errors, late_writers;
	double first_tear_s;
};

static int writers_start(struct race *rc, int check)
{
	for (int i = 0; i < rc->writers; i++) {
		int err = pf_snap_writer_start(&rc->w[i], rc->base, rc->len, i,
					       rc->writers, rc->fresh, check);

		if (err)
			return err;
	}
	return 0;
}

/* Every writer is at pass min_pass or later; 0, or -1 after START_SECONDS. */
static int writers_at(const struct race *rc, uint64_t min_pass)
{
	double deadline = pf_now() + START_SECONDS;

	for (int i = 0; i < rc->writers; i++)
		while (pf_snap_writer_pass(&rc->w[i]) < min_pass) {
			if (pf_now() > deadline)
				return -1;
			sched_yield();
		}
	return 0;
}

/*
 * Waits (a little) until every writer moved on by a pass: it is running
 * now, so the fork that follows meets it on a CPU, even on a busy machine.
 */
static void writers_moving(const struct race *rc)
{
	for (int i = 0; i < rc->writers; i++) {
		uint64_t from = pf_snap_writer_pass(&rc->w[i]);
		double deadline = pf_now() + 0.02;

		while (pf_snap_writer_pass(&rc->w[i]) == from && pf_now() < deadline)
			sched_yield();
	}
}

/* Keeps the first write a writer saw lost, for the verdict. */
static void writers_stop(struct race *rc)
{
	for (int i = 0; i < rc->writers; i++) {
		struct pf_snap_writer *w = &rc->w[i];

		pf_snap_writer_stop(w);
		if (__atomic_load_n(&w->lost, __ATOMIC_ACQUIRE) && !rc->lost++)
			pf_diag("parent: writer %d found 0x%016" PRIx64 " on its line %zu where it had stored 0x%016" PRIx64 ": a write the parent lost",
				i, w->lost_found, w->lost_line, w->lost_expected);
	}
}

static void child_looks(const struct race *rc, const uint64_t *lo)
{
	for (int i = 0; i < rc->writers; i++)
		pf_snap_check(rc->base, rc->len, i, rc->writers, rc->fresh,
			      lo[i], UINT64_MAX, &rc->report->v[i]);
	rc->report->done = 1;
	_exit(0);
}

static void tally(struct race *rc, int writer, struct pf_snap_verdict *v)
{
	char what[64];

	snprintf(what, sizeof(what), "child's copy, writer %d", writer);
	if (v->kind == PF_SNAP_TORN) {
		if (!rc->torn++) {
			rc->first_tear_s = pf_now() - rc->start;
			pf_snap_diag(what, v);
		}
	} else if (v->kind != PF_SNAP_COHERENT && !rc->bad++) {
		pf_snap_diag(what, v);
	}
}

/* One fork and the child's look at its copy. */
static void fork_once(struct race *rc)
{
	uint64_t lo[MAX_WRITERS], hi[MAX_WRITERS];
	int contended = 0, status;
	pid_t pid;

	rc->report->done = 0;
	memset(rc->report->v, 0, sizeof(rc->report->v));
	for (int i = 0; i < rc->writers; i++)
		lo[i] = pf_snap_writer_pass(&rc->w[i]);
	pid = fork();
	if (pid == 0)
		child_looks(rc, lo);
	if (pid < 0) {
		rc->fork_errors++;
		return;
	}
	for (int i = 0; i < rc->writers; i++)
		hi[i] = pf_snap_writer_pass(&rc->w[i]);
	status = pf_reap(pid);
	if (status != 0 || !rc->report->done) {
		rc->child_errors++;
		return;
	}
	rc->attempts++;
	for (int i = 0; i < rc->writers; i++) {
		contended |= hi[i] > lo[i];
		pf_snap_bound(&rc->report->v[i], hi[i]);
		tally(rc, i, &rc->report->v[i]);
	}
	rc->contended += contended;
}

static int race_done(const struct race *rc, double deadline)
{
	return rc->torn >= ENOUGH_TEARS || rc->bad || rc->lost ||
	       (pf_now() > deadline && rc->attempts >= MIN_FORKS) ||
	       pf_now() > deadline + 5 * START_SECONDS ||
	       rc->fork_errors + rc->child_errors > 10;
}

static void race_diag(const struct race *rc)
{
	char first[32] = "-";

	if (rc->torn)
		snprintf(first, sizeof(first), "%.3f", rc->first_tear_s);
	pf_diag("race: forks=%ld with_writer_running=%ld torn=%ld stale_or_foreign=%ld lost_writes=%ld first_tear_s=%s fork_errors=%ld child_errors=%ld late_writers=%ld seconds=%.2f",
		rc->attempts, rc->contended, rc->torn, rc->bad, rc->lost, first,
		rc->fork_errors, rc->child_errors, rc->late_writers,
		pf_now() - rc->start);
}

/*
 * FAIL for what no kernel may show; the tear as the known symptom when
 * torn_known, else FAIL too; SKIP when no fork met a running writer.
 */
static enum pf_result race_verdict(const struct race *rc, int torn_known)
{
	race_diag(rc);
	if (rc->lost)
		return pf_fail("the parent lost writes of its own threads across fork");
	if (rc->bad)
		return pf_fail("the child's copy held data from outside the fork (stale or foreign lines)");
	if (rc->torn && torn_known)
		return pf_known_symptom("%ld of %ld fork children got a torn copy of the pinned region",
					rc->torn, rc->attempts);
	if (rc->torn)
		return pf_fail("%ld of %ld fork children got a copy that is no single instant of the parent",
			       rc->torn, rc->attempts);
	if (!rc->attempts && rc->late_writers)
		return pf_skip("the writer threads never started before a fork (%ld tries)",
			       rc->late_writers);
	if (!rc->attempts)
		return pf_error("no fork child reported (%ld fork errors, %ld children failed)",
				rc->fork_errors, rc->child_errors);
	if (!rc->contended)
		return pf_skip("no fork met a writer thread that was running (machine busy?)");
	return PF_PASS;
}

static enum pf_result race_open(struct race *rc)
{
	rc->report = mmap(NULL, sizeof(*rc->report), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rc->report == MAP_FAILED) {
		rc->report = NULL;
		return pf_error("mmap of the child's report: %s", strerror(errno));
	}
	rc->w = rc->report->w;
	rc->start = pf_now();
	return PF_PASS;
}

static void race_close(struct race *rc)
{
	if (rc->report)
		munmap(rc->report, sizeof(*rc->report));
}

static enum pf_result pinned_forks(struct race *rc, double seconds)
{
	double deadline = pf_now() + seconds;
	int err = writers_start(rc, 1);

	if (err) {
		writers_stop(rc);
		return pf_error("pthread_create: %s", strerror(-err));
	}
	if (writers_at(rc, 2)) {
		writers_stop(rc);
		return pf_skip("the writer thread did not run within %.0f s", START_SECONDS);
	}
	while (!race_done(rc, deadline)) {
		writers_moving(rc);
		fork_once(rc);
	}
	writers_stop(rc);
	return race_verdict(rc, 1);
}

enum pf_result pf_fork_snapshot_pinned(struct pf_region *r, double seconds)
{
	struct race rc = { .base = r->base, .writers = 1 };
	struct pf_uring u = { 0 };
	enum pf_result res;

	rc.len = r->len / PF_SNAP_LINE * PF_SNAP_LINE;
	if ((uintptr_t)r->base % PF_SNAP_LINE || !rc.len)
		return pf_skip("the region does not start on a cache line");
	pf_snap_prestamp(rc.base, rc.len, 0, 1);
	res = pf_uring_pin(&u, r->base, r->len);
	if (res != PF_PASS)
		return res;
	pf_diag("%zu KiB pinned as an io_uring fixed buffer (%s); one writer thread stamps %zu lines while the main thread forks",
		rc.len >> 10, pf_mapping_state(r->base, r->len), rc.len / PF_SNAP_LINE);
	res = race_open(&rc);
	if (res == PF_PASS)
		res = pinned_forks(&rc, seconds);
	race_close(&rc);
	pf_uring_exit(&u);
	return res;
}

static char *map_fresh(enum pf_fresh_kind kind)
{
	size_t len = kind == PF_FRESH_THP ? THP_LEN : FRESH_SMALL_LEN;
	char *p = pf_map_aligned_prot(len, kind == PF_FRESH_THP ? THP_LEN : pf_page_size(),
				      PROT_READ | PROT_WRITE);

	if (p)
		madvise(p, len, kind == PF_FRESH_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	return p;
}

/* One attempt: a fresh mapping, two writers on it, one fork. */
static int fault_attempt(struct race *rc, enum pf_fresh_kind kind, int first)
{
	int err;

	rc->base = map_fresh(kind);
	if (!rc->base)
		return -errno;
	err = writers_start(rc, 1);
	if (!err && writers_at(rc, 1)) {
		rc->late_writers++;
	} else if (!err) {
		if (first)	/* policy: was the first touch a THP? */
			pf_diag("first attempt: the mapping was %s just before fork",
				pf_mapping_state(rc->base, rc->len));
		fork_once(rc);
	}
	writers_stop(rc);
	munmap(rc->base, rc->len);
	return err;
}

enum pf_result pf_fork_fault_race(enum pf_fresh_kind kind, double seconds)
{
	struct race rc = { .writers = 2, .fresh = 1 };
	enum pf_result res = race_open(&rc);
	double deadline = pf_now() + seconds;
	int err = 0;

	rc.len = kind == PF_FRESH_THP ? THP_LEN : FRESH_SMALL_LEN;
	pf_diag("each attempt: a fresh %zu KiB mapping (%s), two writer threads first-touch and stamp alternate lines, the main thread forks",
		rc.len >> 10, kind == PF_FRESH_THP ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE");
	for (int n = 0; res == PF_PASS && !err && !race_done(&rc, deadline); n++)
		err = fault_attempt(&rc, kind, n == 0);
	race_close(&rc);
	if (err)
		return pf_error("attempt %ld: %s", rc.attempts, strerror(-err));
	return res == PF_PASS ? race_verdict(&rc, 0) : res;
}

const struct pf_tables *pf_folio_fork_tables(void)
{
	static const struct pf_backing *const backings[] = {
		&pf_backing_anon, &pf_backing_thp_pmd, &pf_backing_thp_pte,
		&pf_backing_mthp_64k, &pf_backing_hugetlb,
	};
	static struct pf_row rows[sizeof(backings) / sizeof(backings[0])];
	static struct pf_tables tables;

	if (tables.needs_check)
		return &tables;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rows[i] = (struct pf_row){ backings[i]->name, backings[i]->summary,
					   backings[i]->flags, backings[i]->needs,
					   backings[i] };
	tables = *pf_model();
	tables.dim[PF_DIM_BACKING].rows = rows;
	tables.dim[PF_DIM_BACKING].count = sizeof(rows) / sizeof(rows[0]);
	return &tables;
}
