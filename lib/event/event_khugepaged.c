// SPDX-License-Identifier: GPL-2.0
/*
 * khugepaged: the region becomes MADV_HUGEPAGE and khugepaged scans
 * without sleeping (knobs journaled, restored after the case) until it
 * collapsed an unpinned control of small pages. Whether the region itself
 * was collapsed is a diagnostic: a pinned page must not be (the collapse
 * scan checks the refcount), an unpinned run of small pages may be.
 */
#include <errno.h>
#include <sys/mman.h>

#include "collapse_control.h"
#include "daemons.h"
#include "mem_proof.h"

#define KHUGEPAGED_WAIT_SECONDS 40

static int is_pmd_thp(void *arg)
{
	return pf_is_pmd_thp(arg, pf_thp_size());
}

static int control_collapsed(void)
{
	struct pf_region c;
	long scans;
	int err = pf_collapse_control_map(&c);

	if (!err && pf_khugepaged_start() != PF_PASS)
		err = -EOPNOTSUPP;
	if (!err) {
		scans = pf_khugepaged_wait(is_pmd_thp, c.base, KHUGEPAGED_WAIT_SECONDS);
		pf_diag("khugepaged: %ld full scans; unpinned control: %s", scans,
			pf_mapping_state(c.base, c.len));
		if (!is_pmd_thp(c.base))
			err = -ENODATA;
	}
	if (c.map)
		pf_unmap_region(&c);
	return err;
}

static int khugepaged(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	int err;

	if (!r)
		return -EOPNOTSUPP;
	if (pf_thp_allow(0) != PF_PASS)
		return -EOPNOTSUPP;
	err = pf_advise(r->base, r->len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	if (!err)
		err = control_collapsed();
	if (!err)
		pf_diag("khugepaged: the region is %s", pf_mapping_state(r->base, r->len));
	return err;
}

const struct pf_event pf_event_khugepaged = {
	.name = "khugepaged",
	.summary = "khugepaged scans the region (shown to collapse an unpinned control)",
	.flags = PF_EV_MEMORY | PF_EV_COLLAPSES,
	.needs = PF_NEED_ROOT | PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	.start = khugepaged,
};
