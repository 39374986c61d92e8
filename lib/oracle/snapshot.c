// SPDX-License-Identifier: GPL-2.0
#include "snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>

#include "pf_case.h"

#define STAMPED (1ull << 23)
#define LINE_MASK (STAMPED - 1)
#define PASS_SHIFT 24

uint64_t pf_snap_stamp(uint64_t pass, size_t line)
{
	return pass << PASS_SHIFT | STAMPED | ((uint64_t)line & LINE_MASK);
}

static uint64_t *word_of(const void *base, size_t line)
{
	return (uint64_t *)((char *)base + line * PF_SNAP_LINE);
}

/* The pass of a word found on line, or -1 when it is no stamp of that line. */
static int pass_of(uint64_t word, size_t line, int fresh, uint64_t *pass)
{
	if (word == 0 && fresh) {
		*pass = 0;
		return 0;
	}
	if (!(word & STAMPED) || (word & LINE_MASK) != ((uint64_t)line & LINE_MASK))
		return -1;
	*pass = word >> PASS_SHIFT;
	return 0;
}

static enum pf_snap_kind found(struct pf_snap_verdict *v, enum pf_snap_kind k,
			       size_t line, uint64_t word)
{
	if (v->kind == PF_SNAP_COHERENT) {
		v->kind = k;
		v->line = line;
		v->word = word;
	}
	return v->kind;
}

/* A line newer than the one before it, or two passes below the first. */
static void torn_at(struct pf_snap_verdict *v, size_t line, uint64_t word,
		    uint64_t prev)
{
	if (v->kind == PF_SNAP_COHERENT)
		v->prev_pass = prev;
	found(v, PF_SNAP_TORN, line, word);
}

/* Passes below lo - 1 or above hi. */
static void check_bounds(struct pf_snap_verdict *v, uint64_t lo, uint64_t hi,
			 size_t line, uint64_t word, uint64_t pass)
{
	if ((lo > 0 && pass < lo - 1) || pass > hi)
		found(v, PF_SNAP_STALE, line, word);
}

enum pf_snap_kind pf_snap_check(const void *base, size_t len, size_t first,
				size_t stride, int fresh, uint64_t lo,
				uint64_t hi, struct pf_snap_verdict *v)
{
	size_t lines = len / PF_SNAP_LINE;
	uint64_t prev = 0, top = 0;
	int seen = 0;

	*v = (struct pf_snap_verdict){ .min_pass = UINT64_MAX };
	for (size_t i = first; i < lines; i += stride) {
		uint64_t word = __atomic_load_n(word_of(base, i), __ATOMIC_RELAXED);
		uint64_t pass;

		v->lines++;
		if (pass_of(word, i, fresh, &pass)) {
			found(v, PF_SNAP_FOREIGN, i, word);
			continue;
		}
		if (!seen++)
			top = pass;
		else if (pass > prev || top - pass > 1)
			torn_at(v, i, word, prev);
		check_bounds(v, lo, hi, i, word, pass);
		prev = pass;
		v->min_pass = pass < v->min_pass ? pass : v->min_pass;
		v->max_pass = pass > v->max_pass ? pass : v->max_pass;
	}
	return v->kind;
}

enum pf_snap_kind pf_snap_bound(struct pf_snap_verdict *v, uint64_t hi)
{
	if (v->kind == PF_SNAP_COHERENT && v->lines && v->max_pass > hi) {
		v->kind = PF_SNAP_STALE;
		v->word = v->max_pass;
		v->line = SIZE_MAX;
	}
	return v->kind;
}

const char *pf_snap_kind_name(enum pf_snap_kind k)
{
	switch (k) {
	case PF_SNAP_COHERENT: return "coherent";
	case PF_SNAP_TORN: return "torn";
	case PF_SNAP_STALE: return "stale";
	case PF_SNAP_FOREIGN: return "foreign";
	}
	return "?";
}

void pf_snap_diag(const char *what, const struct pf_snap_verdict *v)
{
	if (v->kind == PF_SNAP_COHERENT) {
		pf_diag("%s: coherent over %zu lines, passes %" PRIu64 "..%" PRIu64,
			what, v->lines, v->min_pass, v->max_pass);
		return;
	}
	if (v->line == SIZE_MAX) {
		pf_diag("%s: stale: pass %" PRIu64 " is newer than the writer's pass after fork",
			what, v->max_pass);
		return;
	}
	pf_diag("%s: %s at line %zu (offset 0x%zx): word 0x%016" PRIx64
		" (pass %" PRIu64 "), line before it at pass %" PRIu64
		"; passes %" PRIu64 "..%" PRIu64 " over %zu lines",
		what, pf_snap_kind_name(v->kind), v->line, v->line * PF_SNAP_LINE,
		v->word, v->word >> PASS_SHIFT, v->prev_pass, v->min_pass,
		v->max_pass, v->lines);
}

void pf_snap_prestamp(void *base, size_t len, size_t first, size_t stride)
{
	for (size_t i = first; i < len / PF_SNAP_LINE; i += stride)
		*word_of(base, i) = pf_snap_stamp(0, i);
}

static uint64_t expected_before(const struct pf_snap_writer *w, uint64_t pass,
				size_t line)
{
	return pass == 1 && w->fresh ? 0 : pf_snap_stamp(pass - 1, line);
}

static void check_line(struct pf_snap_writer *w, uint64_t pass, size_t line)
{
	uint64_t was = __atomic_load_n(w->base + line * (PF_SNAP_LINE / 8),
				       __ATOMIC_RELAXED);

	if (was == expected_before(w, pass, line))
		return;
	w->lost_line = line;
	w->lost_found = was;
	w->lost_expected = expected_before(w, pass, line);
	__atomic_store_n(&w->lost, 1, __ATOMIC_RELEASE);
}

static void *stamp_passes(void *arg)
{
	struct pf_snap_writer *w = arg;

	for (uint64_t pass = 1; !__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE); pass++) {
		__atomic_store_n(&w->pass, pass, __ATOMIC_RELEASE);
		for (size_t i = w->first; i < w->lines; i += w->stride) {
			if (w->check && !w->lost)
				check_line(w, pass, i);
			__atomic_store_n(w->base + i * (PF_SNAP_LINE / 8),
					 pf_snap_stamp(pass, i), __ATOMIC_RELEASE);
		}
	}
	return NULL;
}

int pf_snap_writer_start(struct pf_snap_writer *w, void *base, size_t len,
			 size_t first, size_t stride, int fresh, int check)
{
	int err;

	*w = (struct pf_snap_writer){
		.base = base, .lines = len / PF_SNAP_LINE, .first = first,
		.stride = stride ? stride : 1, .fresh = fresh, .check = check,
	};
	err = pthread_create(&w->thread, NULL, stamp_passes, w);
	if (err)
		return -err;
	w->running = 1;
	return 0;
}

uint64_t pf_snap_writer_pass(const struct pf_snap_writer *w)
{
	return __atomic_load_n(&w->pass, __ATOMIC_ACQUIRE);
}

void pf_snap_writer_stop(struct pf_snap_writer *w)
{
	if (!w->running)
		return;
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
	pthread_join(w->thread, NULL);
	w->running = 0;
}
