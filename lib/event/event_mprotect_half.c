// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect-half: PROT_READ on the part of the region before the target.
 * The VMA splits at the target (and a PMD-mapped THP with it); shown to act
 * when maps has the part read-only and the target's VMA beginning at the
 * target, still read-write.
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_proof.h"

static int mprotect_half(struct pf_event_run *run)
{
	char *base = run->at.region ? run->at.region->base : NULL;
	int err = pf_room_beside(run, pf_page_size(), 0);

	if (!err)
		err = pf_call(mprotect(base, pf_before_target(run), PROT_READ));
	if (!err)
		err = pf_vma_perms_are(base, "r-");
	if (!err)
		err = pf_vma_perms_are(run->at.start, "rw");
	if (!err)
		err = pf_vma_bounds_are(run->at.start, run->at.start, NULL);
	return err == -EPROTO ? -ENODATA : err;
}

const struct pf_event pf_event_mprotect_half = {
	.name = "mprotect-half",
	.summary = "mprotect(PROT_READ) of the part before the target: the VMA splits",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_SPLITS_VMA,
	.start = mprotect_half,
};
