// SPDX-License-Identifier: GPL-2.0
/* The collapse rows' unpinned control (collapse_control.h). */
#include "collapse_control.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

int pf_collapse_control_map(struct pf_region *c)
{
	size_t thp = pf_thp_size();

	memset(c, 0, sizeof(*c));
	if (!pf_map_aligned(thp, thp, c))
		return -errno;
	c->base = c->map;
	c->len = thp;
	madvise(c->base, thp, MADV_NOHUGEPAGE);
	memset(c->base, 0x5a, thp);
	if (strcmp(pf_mapping_state(c->base, thp), "small pages")) {
		pf_diag("the collapse control is %s, not small pages",
			pf_mapping_state(c->base, thp));
		return -ENODATA;
	}
	return madvise(c->base, thp, MADV_HUGEPAGE) ? -errno : 0;
}
