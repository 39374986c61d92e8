// SPDX-License-Identifier: GPL-2.0
/*
 * madv-wipeonfork: MADV_WIPEONFORK of the part after the target, then a
 * fork(): the child must read zeros there (the parent's data must not
 * leak), and keeps its copy of the target. Shown to act by smaps' VmFlags
 * ("wf" on the part, not on the target's VMA), and only counts when the
 * parent's part held something other than zeros.
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_child.h"
#include "mem_proof.h"

static int all_zero(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* In the child: the part reads zeros. */
static int part_wiped(const struct pf_event_run *run)
{
	if (all_zero(pf_target_end(run), pf_after_target(run)))
		return 0;
	pf_diag("madv-wipeonfork: the child reads the parent's data in the MADV_WIPEONFORK part");
	return 1;
}

static int madv_wipeonfork(struct pf_event_run *run)
{
	char *part = pf_target_end(run);
	int err = pf_room_beside(run, 0, pf_page_size());

	if (err)
		return err;
	if (all_zero(part, pf_after_target(run))) {
		pf_diag("madv-wipeonfork: the parent's part is zeros already: a wipe would not show");
		return -ENODATA;
	}
	err = pf_advise(part, pf_after_target(run), MADV_WIPEONFORK,
			"MADV_WIPEONFORK");
	if (err)
		return err;
	if (pf_vma_has_flag(part, "wf") != 1 || pf_vma_has_flag(run->at.start, "wf")) {
		pf_diag("smaps VmFlags: no wf on the part, or wf on the target too");
		return -ENODATA;
	}
	return pf_fork_and_check(run, part_wiped);
}

const struct pf_event pf_event_madv_wipeonfork = {
	.name = "madv-wipeonfork",
	.summary = "MADV_WIPEONFORK of the part after the target, then fork(): the child reads zeros",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_FORK | PF_EV_SPLITS_VMA,
	.children = 1,
	.start = madv_wipeonfork,
};
