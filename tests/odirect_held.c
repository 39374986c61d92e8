// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT read held in flight across fork: the deterministic sibling of
 * odirect_race. A thread reads by O_DIRECT into the first half of a page
 * from a file whose server is the case itself; the server holds the request
 * (the kernel has taken the page by then), the event forks, the parent
 * writes the second half, the server answers. Where the kernel took a plain
 * reference (FOLL_GET) instead of a pin, fork did not copy the page early
 * and the parent's write fault copied its page away from the one the read
 * fills: the data never arrives. Block devices pin since v6.5 (a7e689dd1c06;
 * fs/direct-io.c too, 1ccf164ec866), FUSE since v6.9 (738adade96b2). READ_FIXED reads into a
 * long-term pinned buffer that fork copies early (70e806e4e645): it passes
 * on every kernel since v5.9.
 *
 * Cases: odirect-held-<read path>-<backend>-<event>-<backing>; the read
 * paths and backends come from lib/scenario/held_case.c and lib/pin/held_io.c, the fork
 * events from lib/event/event.h, the memory events (mprotect, MADV_*, munmap
 * around the page, which stays mapped) from lib/event/held_events.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "held_case.h"
#include "held_events.h"
#include "model.h"
#include "oracle.h"

struct held_template {
	const struct pf_held_path *path;
	const struct pf_held_backend *backend;
	const struct pf_held_mem_event *mem;	/* NULL: the fork events */
};

struct fork_event {
	const struct pf_event *ev;
	struct pf_event_run run;
	struct pf_child_view view;
	int started;
};

/* The child's copy of the second half keeps what was there before. */
static int start_fork(struct pf_held_run *run, void *arg)
{
	struct fork_event *f = arg;

	f->view = (struct pf_child_view){ run->page + run->half, run->half,
					  PF_HELD_PAGE_SEED };
	f->started = 1;
	return pf_event_start(&f->run, f->ev, pf_child_keeps, &f->view);
}

/* The event's own verdict (did it fork, did the child keep its copy). */
static enum pf_result end_fork(struct fork_event *f, enum pf_result res)
{
	enum pf_result ev;

	if (!f->started)
		return res;
	ev = pf_event_end(&f->run);
	return res == PF_PASS ? ev : res;
}

static enum pf_result odirect_held(struct pf_ctx *ctx)
{
	const struct held_template *ht = ctx->arg;
	struct fork_event f = { .ev = ctx->event };
	struct pf_held_scene sc = {
		.backend = ht->backend,
		.path = ht->path,
		.event = start_fork,
		.event_arg = &f,
		.event_name = ctx->event->name,
	};

	return end_fork(&f, pf_held_scene_run(ctx->region, &sc));
}

static void fill_template(struct pf_template *t, struct held_template *ht,
			  char *name, size_t size)
{
	snprintf(name, size, "odirect-held-%s-%s", ht->path->name,
		 ht->backend->name);
	*t = (struct pf_template){
		.name = name,
		.summary = "an O_DIRECT read into half a page, held in flight by the case's own server across a fork; the parent writes the other half: both halves arrive",
		.run = odirect_held,
		.arg = ht,
		.fixes = { ht->backend->pin_fixes[0], ht->backend->pin_fixes[1] ?
			   ht->backend->pin_fixes[1] : "70e806e4e645",
			   ht->backend->pin_fixes[1] ? "70e806e4e645" : NULL },
		.needs = ht->path->needs | ht->backend->needs,
		.use_backing = 1,
		.backing_needs = PF_BK_PAGE_ALIGNED,
		.use_event = 1,
		.event_needs = PF_EV_FORK,
		.timeout = 20,
	};
}

static enum pf_result odirect_held_mem(struct pf_ctx *ctx)
{
	const struct held_template *ht = ctx->arg;

	return pf_held_mem_scene(ctx->region, ht->backend, ht->path, ht->mem);
}

static void fill_mem_template(struct pf_template *t, struct held_template *ht,
			      char *name, size_t size)
{
	fill_template(t, ht, name, size);
	snprintf(name, size, "odirect-held-%s-%s-%s", ht->path->name,
		 ht->backend->name, ht->mem->name);
	t->summary = "an O_DIRECT read into half a page, held in flight by the case's own server across a memory event of the region that keeps the page mapped; the parent writes the other half: both halves arrive";
	t->run = odirect_held_mem;
	t->backing_needs = PF_BK_PAGE_ALIGNED | PF_BK_MMAP;
	t->backing_excludes = ht->mem->flags & PF_HEV_NO_HUGETLB ? PF_BK_HUGETLB : 0;
	t->use_event = 0;
	t->event_needs = 0;
}

/* One template per read path and held backend, for the forks and for
 * each memory event. */
int main(int argc, char **argv)
{
	size_t max = pf_held_paths_count * pf_held_backends_count *
		     (1 + pf_held_mem_events_count), n = 0;
	struct pf_template *t = calloc(max + 1, sizeof(*t));
	struct held_template *ht = calloc(max + 1, sizeof(*ht));
	char (*names)[64] = calloc(max + 1, sizeof(*names));

	if (!t || !ht || !names) {
		perror("odirect_held: calloc");
		return 1;
	}
	for (size_t b = 0; b < pf_held_backends_count; b++) {
		if (!pf_held_backends[b])
			continue;
		for (size_t p = 0; p < pf_held_paths_count; p++, n++) {
			ht[n] = (struct held_template){ pf_held_paths[p],
							pf_held_backends[b], NULL };
			fill_template(&t[n], &ht[n], names[n], sizeof(names[n]));
		}
	}
	for (size_t b = 0; b < pf_held_backends_count; b++) {
		if (!pf_held_backends[b])
			continue;
		for (size_t p = 0; p < pf_held_paths_count; p++)
			for (size_t e = 0; e < pf_held_mem_events_count; e++, n++) {
				ht[n] = (struct held_template){
					pf_held_paths[p], pf_held_backends[b],
					&pf_held_mem_events[e] };
				fill_mem_template(&t[n], &ht[n], names[n],
						  sizeof(names[n]));
			}
	}
	return pf_main(argc, argv, t, n, pf_model());
}
