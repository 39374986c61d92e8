// SPDX-License-Identifier: GPL-2.0
/*
 * madv-dontfork: MADV_DONTFORK of the part after the target, then a
 * fork(): the child must not have that part mapped, and keeps its copy of
 * the target. Shown to act by smaps' VmFlags ("dc" on the part, not on
 * the target's VMA) and by the child's view.
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_child.h"
#include "mem_proof.h"

/* In the child: the part must be unmapped (mincore: ENOMEM). */
static int part_absent(const struct pf_event_run *run)
{
	unsigned char vec;

	if (!mincore(pf_target_end(run), pf_page_size(), &vec)) {
		pf_diag("madv-dontfork: the child has the MADV_DONTFORK part mapped");
		return 1;
	}
	return errno == ENOMEM ? 0 : 2;
}

static int madv_dontfork(struct pf_event_run *run)
{
	char *part = pf_target_end(run);
	int err = pf_room_beside(run, 0, pf_page_size());

	if (!err)
		err = pf_advise(part, pf_after_target(run), MADV_DONTFORK,
				"MADV_DONTFORK");
	if (err)
		return err;
	if (pf_vma_has_flag(part, "dc") != 1 || pf_vma_has_flag(run->at.start, "dc")) {
		pf_diag("smaps VmFlags: no dc on the part, or dc on the target too");
		return -ENODATA;
	}
	return pf_fork_and_check(run, part_absent);
}

const struct pf_event pf_event_madv_dontfork = {
	.name = "madv-dontfork",
	.summary = "MADV_DONTFORK of the part after the target, then fork(): the child lacks it",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_FORK | PF_EV_SPLITS_VMA,
	.children = 1,
	.start = madv_dontfork,
};
