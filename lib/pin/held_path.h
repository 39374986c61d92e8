/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a held read is issued (lib/scenario/held_case.h runs it): a
 * synchronous pread from a thread, an io_uring READ of a plain buffer, or
 * an io_uring READ_FIXED into a registered buffer. One row each.
 */
#ifndef PINFORK_HELD_PATH_H
#define PINFORK_HELD_PATH_H

#include <stddef.h>

#include "held_io.h"
#include "pf_case.h"
#include "uring.h"

/* What each half of the page holds before the read (the pattern from the
 * half's start); a forked child's copy of the second half must keep it. */
#define PF_HELD_PAGE_SEED 31

struct pf_held_run;

/* How the read is issued: pread, an io_uring read, io_uring READ_FIXED. */
struct pf_held_path {
	const char *name;	/* appended to case names */
	const char *summary;
	unsigned needs;		/* enum pf_need */
	/* Called in the case before the read: 0, or a result to return. */
	enum pf_result (*prepare)(struct pf_held_run *run);
	/* Called in the reader thread: bytes read, or -errno. */
	long (*read)(struct pf_held_run *run);
};

extern const struct pf_held_path pf_held_path_pread, pf_held_path_uring,
	pf_held_path_fixed;
extern const struct pf_held_path *const pf_held_paths[];
extern const size_t pf_held_paths_count;

/* One held read as the scene runs it. */
struct pf_held_run {
	struct pf_held *h;
	const struct pf_held_path *path;
	char *page;		/* the read fills the first half */
	size_t half;		/* bytes read (a pin row: its whole range) */
	size_t off;		/* file offset read */
	struct pf_uring u;
	/*
	 * The ring the io_uring paths use: NULL for u (which their prepare
	 * sets up), or a pin row's own ring, whose fixed buffer 0 the row
	 * registered (then prepare is not called).
	 */
	struct pf_uring *ring;
	long result;		/* the reader thread's result */
};

#endif
