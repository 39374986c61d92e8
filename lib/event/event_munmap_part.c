// SPDX-License-Identifier: GPL-2.0
/*
 * munmap-part: the region's pages after the target are unmapped and the
 * region shrinks to what is left, so the backing's teardown unmaps only
 * that (the hole may hold someone else's mapping by then). Shown to act
 * when the target's VMA ends at the target's end.
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_proof.h"

static int munmap_part(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	char *after = pf_target_end(run), p[5], *s, *e;
	size_t len = pf_after_target(run);
	int err = pf_room_beside(run, 0, pf_page_size());

	if (err)
		return err;
	if (!r->map || r->map + r->map_len != r->base + r->len) {
		pf_diag("munmap-part: the region is not the end of a mapping of its own");
		return -EOPNOTSUPP;
	}
	err = pf_call(munmap(after, len));
	if (err)
		return err;
	r->len -= len;
	r->map_len -= len;
	err = pf_vma_of(run->at.start, &s, &e, p);
	if (!err && e != after) {
		pf_diag("the target's VMA ends at %p, not %p", (void *)e, (void *)after);
		return -ENODATA;
	}
	return err;
}

const struct pf_event pf_event_munmap_part = {
	.name = "munmap-part",
	.summary = "munmap of the region's pages after the target (splits the VMA)",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_SPLITS_VMA | PF_EV_ZAPS_BESIDE,
	.start = munmap_part,
};
