/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read held in flight across an event, as a deterministic sequence: a
 * thread reads by O_DIRECT into the first half of a page from a held-I/O
 * file; once the server holds the request (the kernel has the page by
 * then), the event happens, the parent writes the page's second half, the
 * read is released. Then the parent's page must hold the file's data in
 * its first half and the parent's write in its second ("no lost read").
 */
#ifndef PINFORK_HELD_CASE_H
#define PINFORK_HELD_CASE_H

#include <stddef.h>

#include "backing.h"
#include "held_io.h"
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

/*
 * What happens while the read is held: 0, -ENODATA when it ran but could
 * not be shown to act (SKIP, its reason in a diagnostic), or -errno when it
 * could not happen (ERROR). The run's page is the page under the read.
 */
typedef int (*pf_held_event_fn)(struct pf_held_run *run, void *arg);

struct pf_held_run {
	struct pf_held *h;
	const struct pf_held_path *path;
	char *page;		/* the read fills the first half */
	size_t half;
	size_t off;		/* file offset read */
	struct pf_uring u;
	long result;		/* the reader thread's result */
};

struct pf_held_scene {
	const struct pf_held_backend *backend;
	const struct pf_held_path *path;
	pf_held_event_fn event;
	void *event_arg;
	const char *event_name;	/* for diagnostics */
	/* Self-tests: arm this far from the read's offset, so no hold comes. */
	size_t arm_skew;
	double hold_timeout;	/* seconds to wait for the hold; 0: 10 s (a loaded TCG guest) */
};

/* The page the scene uses inside r: page-aligned, in the middle. */
char *pf_held_page_of(struct pf_region *r);

/* Runs the scene on r's page: PF_PASS, FAIL on a lost read or write. */
enum pf_result pf_held_scene_run(struct pf_region *r,
				 const struct pf_held_scene *sc);

#endif
