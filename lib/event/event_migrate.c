// SPDX-License-Identifier: GPL-2.0
/*
 * migrate: move_pages() of the region's pages to another NUMA node. Shown
 * to act when an unpinned twin moved (migrate.c); where the region's pages
 * went is a diagnostic: pinned pages must stay (folio migration refuses
 * extra references), unpinned ones move.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem_proof.h"
#include "migrate.h"

static int move_region(const struct pf_cover *c, int to)
{
	size_t pages = c->len / pf_page_size();
	int *status = calloc(pages, sizeof(int));
	long rc;

	if (!status)
		return -ENOMEM;
	rc = pf_numa_move(c, to, status);
	if (rc >= 0) {
		pf_diag("migrate: move_pages of the region to node %d: %ld pages not moved",
			to, rc);
		pf_numa_status_diag("region after move_pages", status, pages);
	}
	free(status);
	return rc < 0 ? (int)rc : 0;
}

static int migrate(struct pf_event_run *run)
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
	if (pf_numa_control(&c, from, to, pf_numa_move_all, "move_pages") != PF_PASS)
		return -ENODATA;
	return move_region(&c, to);
}

const struct pf_event pf_event_migrate = {
	.name = "migrate",
	.summary = "move_pages() of the region to another NUMA node (needs two)",
	.flags = PF_EV_MEMORY | PF_EV_MOVES,
	.needs = PF_NEED_NUMA,
	.start = migrate,
};
