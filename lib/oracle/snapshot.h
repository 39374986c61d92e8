/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot consistency: a fork child's memory must be the parent's memory
 * at one instant, even while other threads of the parent write it.
 *
 * A writer thread stamps the cache lines it owns (every stride-th line from
 * first) in ascending order, pass after pass: pass s writes the stamp
 * (s, line) into the first 8 bytes of each of its lines with one store, so
 * at any instant its lines read s on [0, k) and s - 1 on [k, m) for some k
 * (x86 keeps stores in program order). A copy of the region is one instant
 * of that writer exactly when, along its lines,
 *   1. every word is a stamp of that very line (or 0, "never stamped", on a
 *      fresh region, counted as pass 0),
 *   2. the passes never increase from one line to the next, and
 *   3. the first line is at most one pass ahead of the last.
 * 2 and 3 together say "one step of one pass at most": a copy made of two
 * instants shows a line newer than the one before it, or a spread of two
 * passes or more (torn). With the writer's pass read just before fork (lo)
 * and just after (hi), every pass in the child lies in [lo - 1, hi]
 * (stale otherwise).
 */
#ifndef PINFORK_SNAPSHOT_H
#define PINFORK_SNAPSHOT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define PF_SNAP_LINE 64u

enum pf_snap_kind {
	PF_SNAP_COHERENT,
	PF_SNAP_TORN,		/* two instants of the writer in one copy */
	PF_SNAP_STALE,		/* a pass from before the fork or after it */
	PF_SNAP_FOREIGN,	/* not a stamp of that line: other data */
};

/* What a copy showed, along one writer's lines. */
struct pf_snap_verdict {
	enum pf_snap_kind kind;
	size_t line;		/* the first line that shows it */
	uint64_t word;		/* the word found there */
	uint64_t prev_pass;	/* pass of the writer's line before it (torn) */
	uint64_t min_pass, max_pass;
	size_t lines;		/* lines checked */
};

/* The stamp of pass on line (line < 2^23): pass << 24 | 1 << 23 | line. */
uint64_t pf_snap_stamp(uint64_t pass, size_t line);

/*
 * Checks the copy at base (len bytes) along the lines first, first +
 * stride, ...: fresh says a 0 word is a line never stamped (pass 0). lo is
 * the writer's pass read before the fork (passes below lo - 1 are stale);
 * passes above hi are stale too (UINT64_MAX: no upper bound yet, see
 * pf_snap_bound). Returns v->kind; v says where.
 */
enum pf_snap_kind pf_snap_check(const void *base, size_t len, size_t first,
				size_t stride, int fresh, uint64_t lo,
				uint64_t hi, struct pf_snap_verdict *v);
/* Applies the upper bound hi, known after the check, to a verdict. */
enum pf_snap_kind pf_snap_bound(struct pf_snap_verdict *v, uint64_t hi);
/* One diagnostic line: what, and where the verdict found it. */
void pf_snap_diag(const char *what, const struct pf_snap_verdict *v);
const char *pf_snap_kind_name(enum pf_snap_kind k);

/* Stamps pass 0 on the lines first, first + stride, ... of [base, base + len). */
void pf_snap_prestamp(void *base, size_t len, size_t first, size_t stride);

/*
 * The writer thread. With check set it reads each line before stamping it
 * and records the first word that is not its own previous stamp: a write
 * the parent lost (the writer is the only one to write its lines).
 */
struct pf_snap_writer {
	uint64_t *base;
	size_t lines, first, stride;
	int fresh, check;
	uint64_t pass;		/* published before the pass's first store */
	int stop;
	long lost;		/* 0, or 1 once a lost write was seen */
	size_t lost_line;
	uint64_t lost_found, lost_expected;
	pthread_t thread;
	int running;
};

/* Starts a writer on [base, base + len); 0 or -errno. */
int pf_snap_writer_start(struct pf_snap_writer *w, void *base, size_t len,
			 size_t first, size_t stride, int fresh, int check);
/* The pass being written now (0: none yet). */
uint64_t pf_snap_writer_pass(const struct pf_snap_writer *w);
/* Stops and joins it. */
void pf_snap_writer_stop(struct pf_snap_writer *w);

#endif
