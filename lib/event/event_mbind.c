// SPDX-License-Identifier: GPL-2.0
/*
 * mbind: MPOL_BIND of the region to another NUMA node with
 * MPOL_MF_MOVE | MPOL_MF_STRICT. Shown to act when it moved an unpinned
 * twin (migrate.c); for the region, EIO (pages that stayed: pinned ones
 * must) is a diagnostic.
 */
#include <errno.h>
#include <string.h>

#include "mem_proof.h"
#include "migrate.h"

static int mbind_move(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	struct pf_cover c;
	int from, to, err;

	if (!r)
		return -EOPNOTSUPP;
	c = pf_page_cover(r->base, r->len);
	err = pf_numa_pick_sysfs(&c, &from, &to);
	if (err)
		return err;
	if (pf_numa_control(&c, from, to, pf_numa_mbind_move,
			    "mbind(MPOL_MF_MOVE)") != PF_PASS)
		return -ENODATA;
	err = pf_numa_mbind_move(&c, to);
	pf_diag("mbind of the region (node %d -> %d, MPOL_MF_MOVE|MPOL_MF_STRICT): %s",
		from, to, err ? strerror(-err) : "all moved");
	return err == -EIO ? 0 : err;
}

const struct pf_event pf_event_mbind = {
	.name = "mbind",
	.summary = "mbind(MPOL_MF_MOVE) of the region to another NUMA node (needs two)",
	.flags = PF_EV_MEMORY | PF_EV_MOVES,
	.needs = PF_NEED_NUMA,
	.start = mbind_move,
};
