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
#include "event.h"
#include "held_io.h"
#include "held_path.h"

/*
 * What happens while the read is held: 0, -ENODATA when it ran but could
 * not be shown to act or -EOPNOTSUPP when it is refused here (SKIP, its
 * reason in a diagnostic), or -errno when it could not happen (ERROR). The
 * run's page is the page under the read.
 */
typedef int (*pf_held_event_fn)(struct pf_held_run *run, void *arg);

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

/*
 * The held-read scene of backend b and path p on r's page with the event
 * row ev in the middle: a fork row (the child keeps its copy of the page's
 * second half), or a memory row acting on r around the page, which it
 * keeps mapped. The scene's verdict merged with the event's own
 * (pf_event_end()); a row that could not be shown to act SKIPs.
 */
enum pf_result pf_held_event_scene(struct pf_region *r,
				   const struct pf_held_backend *b,
				   const struct pf_held_path *p,
				   const struct pf_event *ev);

#endif
