// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the snapshot-consistency oracle
 * (lib/oracle/snapshot.c): copies made by hand that are one instant of the
 * writer pass; copies made of two instants (torn), of passes from before or
 * after the fork (stale), or of other data (foreign) are reported; a live
 * writer copied in two halves is reported torn; a write taken away from a
 * writer is reported lost. A case here passes when the oracle says so.
 * Also the pipe oracle of cow-reuse-extra-ref (lib/scenario/folio_fork_cow.c):
 * a pipe page holding the parent's post-write data is reported.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "folio_fork_cow.h"
#include "model.h"
#include "pattern.h"
#include "snapshot.h"

#define LINES 256u		/* four 4 KiB pages */
#define LEN (LINES * PF_SNAP_LINE)

static char copy[LEN] __attribute__((aligned(4096)));

/* One instant of a writer in pass s that has stamped lines [0, k). */
static void instant(size_t k, uint64_t s)
{
	for (size_t i = 0; i < LINES; i++)
		*(uint64_t *)(copy + i * PF_SNAP_LINE) = pf_snap_stamp(i < k ? s : s - 1, i);
}

static void set_line(size_t line, uint64_t word)
{
	*(uint64_t *)(copy + line * PF_SNAP_LINE) = word;
}

static enum pf_result expect(enum pf_snap_kind got, enum pf_snap_kind want,
			     const struct pf_snap_verdict *v, const char *what)
{
	pf_snap_diag(what, v);
	if (got == want)
		return PF_PASS;
	return pf_fail("%s: the oracle said %s, expected %s", what,
		       pf_snap_kind_name(got), pf_snap_kind_name(want));
}

static enum pf_result check(enum pf_snap_kind want, int fresh, uint64_t lo,
			    uint64_t hi, const char *what)
{
	struct pf_snap_verdict v;

	return expect(pf_snap_check(copy, LEN, 0, 1, fresh, lo, hi, &v), want, &v, what);
}

static enum pf_result instants_coherent(struct pf_ctx *ctx)
{
	enum pf_result res = PF_PASS;

	(void)ctx;
	for (size_t k = 0; k <= LINES && res == PF_PASS; k += 37) {
		instant(k, 9);
		res = check(PF_SNAP_COHERENT, 0, 9, 9, "an instant of pass 9");
	}
	return res;
}

/* Page 1 copied two passes after page 0, as fork without the fix does. */
static enum pf_result two_instants_torn(struct pf_ctx *ctx)
{
	(void)ctx;
	instant(0, 7);
	for (size_t i = 64; i < 128; i++)
		set_line(i, pf_snap_stamp(8, i));
	return check(PF_SNAP_TORN, 0, 7, 9, "page 1 newer than page 0");
}

/* Never increasing, but the first line two passes ahead of the last. */
static enum pf_result spread_torn(struct pf_ctx *ctx)
{
	(void)ctx;
	instant(LINES / 2, 12);
	for (size_t i = 0; i < 16; i++)
		set_line(i, pf_snap_stamp(13, i));
	return check(PF_SNAP_TORN, 0, 11, 13, "two steps of one writer");
}

static enum pf_result before_fork_stale(struct pf_ctx *ctx)
{
	(void)ctx;
	instant(10, 5);
	return check(PF_SNAP_STALE, 0, 8, 9, "passes 4..5 when the writer was at 8 before fork");
}

static enum pf_result after_fork_stale(struct pf_ctx *ctx)
{
	struct pf_snap_verdict v;

	(void)ctx;
	instant(10, 12);
	pf_snap_check(copy, LEN, 0, 1, 0, 11, UINT64_MAX, &v);
	return expect(pf_snap_bound(&v, 11), PF_SNAP_STALE, &v,
		      "pass 12 when the writer was at 11 after fork");
}

static enum pf_result wrong_line_foreign(struct pf_ctx *ctx)
{
	(void)ctx;
	instant(100, 3);
	set_line(77, pf_snap_stamp(3, 78));
	return check(PF_SNAP_FOREIGN, 0, 3, 3, "line 77 holding line 78's stamp");
}

static enum pf_result zero_foreign(struct pf_ctx *ctx)
{
	(void)ctx;
	instant(100, 3);
	memset(copy + 64 * PF_SNAP_LINE, 0, 4096);
	return check(PF_SNAP_FOREIGN, 0, 3, 3, "a zeroed page in a stamped region");
}

/* A fresh region: the lines the writer did not reach yet are zero. */
static enum pf_result fresh_zero_coherent(struct pf_ctx *ctx)
{
	(void)ctx;
	instant(100, 1);
	memset(copy + 100 * PF_SNAP_LINE, 0, LEN - 100 * PF_SNAP_LINE);
	return check(PF_SNAP_COHERENT, 1, 1, 1, "first pass stopped at line 100");
}

/* Two writers on alternate lines: each one's lines are checked alone. */
static enum pf_result two_writers(struct pf_ctx *ctx)
{
	struct pf_snap_verdict v0, v1;
	enum pf_result res;

	(void)ctx;
	for (size_t i = 0; i < LINES; i++)
		set_line(i, pf_snap_stamp(i % 2 ? (i < 50 ? 21 : 20) : 4, i));
	pf_snap_check(copy, LEN, 0, 2, 0, 4, 4, &v0);
	pf_snap_check(copy, LEN, 1, 2, 0, 21, 21, &v1);
	res = expect(v0.kind, PF_SNAP_COHERENT, &v0, "writer 0, all at pass 4");
	if (res == PF_PASS)
		res = expect(v1.kind, PF_SNAP_COHERENT, &v1, "writer 1, one step");
	set_line(200, pf_snap_stamp(6, 200));
	pf_snap_check(copy, LEN, 0, 2, 0, 4, 6, &v0);
	return res == PF_PASS ? expect(v0.kind, PF_SNAP_TORN, &v0, "writer 0 with line 200 ahead") : res;
}

static uint64_t *live;

static int wait_passes(const struct pf_snap_writer *w, uint64_t n)
{
	uint64_t until = pf_snap_writer_pass(w) + n;
	double deadline = pf_now() + 5;

	while (pf_snap_writer_pass(w) < until)
		if (pf_now() > deadline)
			return -1;
	return 0;
}

/* A live writer copied in two halves, the second two passes later. */
static enum pf_result live_halves_torn(struct pf_ctx *ctx)
{
	struct pf_snap_writer w;
	enum pf_result res = PF_PASS;

	(void)ctx;
	pf_snap_prestamp(live, LEN, 0, 1);
	if (pf_snap_writer_start(&w, live, LEN, 0, 1, 0, 0))
		return pf_error("pthread_create failed");
	if (wait_passes(&w, 2))
		res = pf_skip("the writer thread did not run");
	memcpy(copy, live, LEN / 2);
	if (res == PF_PASS && wait_passes(&w, 3))
		res = pf_skip("the writer thread stopped running");
	memcpy(copy + LEN / 2, (char *)live + LEN / 2, LEN / 2);
	pf_snap_writer_stop(&w);
	return res == PF_PASS ? check(PF_SNAP_TORN, 0, 1, UINT64_MAX, "a live writer copied in two halves") : res;
}

/* Another thread puts back a line's old stamp: the writer must notice. */
static enum pf_result lost_write_reported(struct pf_ctx *ctx)
{
	struct pf_snap_writer w;
	long lost = 0;
	double deadline;

	(void)ctx;
	pf_snap_prestamp(live, LEN, 0, 1);
	if (pf_snap_writer_start(&w, live, LEN, 0, 1, 0, 1))
		return pf_error("pthread_create failed");
	deadline = pf_now() + 5;
	while (!lost && pf_now() < deadline) {
		__atomic_store_n(live + 10 * (PF_SNAP_LINE / 8), pf_snap_stamp(0, 10), __ATOMIC_RELAXED);
		lost = __atomic_load_n(&w.lost, __ATOMIC_ACQUIRE);
	}
	pf_snap_writer_stop(&w);
	if (!lost)
		return pf_fail("the writer did not notice its line 10 set back to pass 0");
	pf_diag("writer: line %zu held 0x%016llx where it expected 0x%016llx",
		w.lost_line, (unsigned long long)w.lost_found,
		(unsigned long long)w.lost_expected);
	return w.lost_line == 10 ? PF_PASS : pf_fail("the writer blamed line %zu, not 10", w.lost_line);
}

static enum pf_result map_live(struct pf_ctx *ctx, enum pf_result (*fn)(struct pf_ctx *))
{
	enum pf_result res;

	live = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (live == MAP_FAILED)
		return pf_error("mmap failed");
	res = fn(ctx);
	munmap(live, LEN);
	return res;
}

static enum pf_result live_torn(struct pf_ctx *ctx)
{
	return map_live(ctx, live_halves_torn);
}

static enum pf_result live_lost(struct pf_ctx *ctx)
{
	return map_live(ctx, lost_write_reported);
}

/* Two pages into a pipe: the region's data of seed at offsets 0 and off1. */
static enum pf_result pipe_of(uint32_t seed, size_t off1, enum pf_result want,
			      const char *what)
{
	size_t ps = pf_page_size(), off[2] = { 0, off1 };
	char *region = mmap(NULL, off1 + ps, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	enum pf_result res = PF_PASS;
	int fds[2];

	if (region == MAP_FAILED || pipe(fds))
		return pf_error("mmap or pipe failed");
	pf_pattern_fill(region, off1 + ps, seed);
	for (int i = 0; i < 2 && res == PF_PASS; i++)
		if (write(fds[1], region + off[i], ps) != (ssize_t)ps)
			res = pf_error("write to the pipe failed");
	if (res == PF_PASS)
		res = pf_expect(pf_cow_pipe_keeps_old(fds[0], off, 2), want, what);
	close(fds[0]);
	close(fds[1]);
	munmap(region, off1 + ps);
	return res;
}

static enum pf_result pipe_new_data_reported(struct pf_ctx *ctx)
{
	(void)ctx;
	return pipe_of(PF_COW_SEED_PARENT, 8 * pf_page_size(), PF_FAIL,
		       "a pipe page with the parent's post-write data");
}

static enum pf_result pipe_old_data_passes(struct pf_ctx *ctx)
{
	(void)ctx;
	return pipe_of(PF_COW_SEED_BEFORE, 8 * pf_page_size(), PF_PASS,
		       "control: pipe pages with the pre-write data");
}

static const struct pf_template templates[] = {
	{ .name = "snapshot-instants-coherent", .summary = "control: copies that are one instant of the writer pass", .run = instants_coherent },
	{ .name = "snapshot-two-instants-torn", .summary = "page 1 copied two passes after page 0 is torn", .run = two_instants_torn },
	{ .name = "snapshot-spread-torn", .summary = "a copy spanning two passes is torn", .run = spread_torn },
	{ .name = "snapshot-before-fork-stale", .summary = "passes older than the writer's pass before fork are stale", .run = before_fork_stale },
	{ .name = "snapshot-after-fork-stale", .summary = "passes newer than the writer's pass after fork are stale", .run = after_fork_stale },
	{ .name = "snapshot-wrong-line-foreign", .summary = "a line holding another line's stamp is foreign", .run = wrong_line_foreign },
	{ .name = "snapshot-zero-page-foreign", .summary = "a zeroed page in a stamped region is foreign", .run = zero_foreign },
	{ .name = "snapshot-fresh-zero-coherent", .summary = "control: unreached zero lines of a fresh region", .run = fresh_zero_coherent },
	{ .name = "snapshot-two-writers", .summary = "each writer's lines are judged alone", .run = two_writers },
	{ .name = "snapshot-live-halves-torn", .summary = "a live writer copied in two halves is torn", .run = live_torn },
	{ .name = "snapshot-lost-write", .summary = "a write taken away from the writer is reported", .run = live_lost },
	{ .name = "cow-pipe-new-data-reported", .summary = "cow-reuse-extra-ref's pipe oracle reports the parent's new data in the pipe", .run = pipe_new_data_reported },
	{ .name = "cow-pipe-old-data-passes", .summary = "control: the pipe oracle passes the pre-write data", .run = pipe_old_data_passes },
};

PF_MAIN(templates)
