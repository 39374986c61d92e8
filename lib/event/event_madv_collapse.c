// SPDX-License-Identifier: GPL-2.0
/*
 * madv-collapse: MADV_COLLAPSE of the region. A pinned page must not be
 * collapsed away from its pin (the collapse scan checks the refcount), so
 * the pinned region's result is a diagnostic; the row is shown to act on
 * an unpinned control: a THP-aligned region of small pages that the same
 * call must turn into a PMD-mapped THP.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "collapse_control.h"
#include "mem_proof.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

static int control_collapses(void)
{
	struct pf_region c;
	int err = pf_collapse_control_map(&c);

	if (!err)
		err = pf_advise(c.base, c.len, MADV_COLLAPSE, "MADV_COLLAPSE");
	if (!err && !pf_is_pmd_thp(c.base, c.len)) {
		pf_diag("MADV_COLLAPSE did not collapse an unpinned control (%s)",
			pf_mapping_state(c.base, c.len));
		err = -ENODATA;
	}
	if (c.map)
		pf_unmap_region(&c);
	return err;
}

static int madv_collapse(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	int err = r ? control_collapses() : -EOPNOTSUPP;

	if (err)
		return err;
	if (madvise(r->base, r->len, MADV_COLLAPSE))
		pf_diag("MADV_COLLAPSE of the region: %s; it is %s", strerror(errno),
			pf_mapping_state(r->base, r->len));
	else
		pf_diag("MADV_COLLAPSE of the region succeeded; it is %s",
			pf_mapping_state(r->base, r->len));
	return 0;
}

const struct pf_event pf_event_madv_collapse = {
	.name = "madv-collapse",
	.summary = "MADV_COLLAPSE of the region (shown on an unpinned control)",
	.flags = PF_EV_MEMORY | PF_EV_COLLAPSES,
	.needs = PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	.start = madv_collapse,
};
