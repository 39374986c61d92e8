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
 * paths and backends come from lib/scenario/held_case.c and
 * lib/pin/held_io.c, the events from the event table (lib/event/): the
 * fork family, and the memory rows (mprotect, MADV_*, mremap, munmap, KSM,
 * compaction... around the page, which stays mapped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "held_case.h"
#include "model.h"

struct held_template {
	const struct pf_held_path *path;
	const struct pf_held_backend *backend;
};

static enum pf_result odirect_held(struct pf_ctx *ctx)
{
	const struct held_template *ht = ctx->arg;

	return pf_held_event_scene(ctx->region, ht->backend, ht->path, ctx->event);
}

enum kind { FORKS, MEMORY, MEMORY_HUGETLB, KINDS };

static void fill_template(struct pf_template *t, const struct held_template *ht,
			  const char *name, enum kind kind)
{
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
		.event_needs = PF_EV_FORK_FAMILY | PF_EV_FORK,
		.timeout = 20,
	};
	if (kind == FORKS)
		return;
	t->summary = "an O_DIRECT read into half a page, held in flight by the case's own server across a memory event of the region that keeps the page mapped; the parent writes the other half: both halves arrive";
	t->backing_needs = PF_BK_PAGE_ALIGNED | PF_BK_MMAP;
	t->event_needs = PF_EV_MEMORY;
	/* compaction of all memory in a TCG guest: 10 s and more, up to 4 times */
	t->timeout = 60;
	/* hugetlb: only rows that act on whole huge pages */
	if (kind == MEMORY)
		t->backing_excludes = PF_BK_HUGETLB;
	else {
		t->backing_needs |= PF_BK_HUGETLB;
		t->event_needs |= PF_EV_HUGETLB_OK;
	}
}

/* Per read path and held backend: the forks, the memory rows, and the
 * memory rows that fit hugetlb, under one name stem. */
int main(int argc, char **argv)
{
	size_t max = pf_held_paths_count * pf_held_backends_count, n = 0, k = 0;
	struct pf_template *t = calloc(KINDS * max + 1, sizeof(*t));
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
							pf_held_backends[b] };
			snprintf(names[n], sizeof(names[n]), "odirect-held-%s-%s",
				 ht[n].path->name, ht[n].backend->name);
		}
	}
	/* the fork cases first, as before the memory rows joined the table */
	for (int kind = 0; kind < KINDS; kind++)
		for (size_t i = 0; i < n; i++)
			fill_template(&t[k++], &ht[i], names[i], kind);
	return pf_main(argc, argv, t, k, pf_model());
}
