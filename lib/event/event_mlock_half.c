// SPDX-License-Identifier: GPL-2.0
/*
 * mlock-half: mlock of the part before the target (half of a large folio
 * whose other half holds the target), then munlock. Shown to act when
 * smaps' VmFlags has "lo" on the part and not on the target's VMA, and no
 * "lo" after munlock. Large-folio mlock accounting: dc68badcede4.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "mem_proof.h"

static int locked(struct pf_event_run *run, int part_want)
{
	char *base = run->at.region->base;

	if (pf_vma_has_flag(base, "lo") != part_want ||
	    pf_vma_has_flag(run->at.start, "lo") != 0) {
		pf_diag("smaps VmFlags: the part is%s mlocked, the target's VMA is%s (wanted %s and not)",
			pf_vma_has_flag(base, "lo") == 1 ? "" : " not",
			pf_vma_has_flag(run->at.start, "lo") == 1 ? "" : " not",
			part_want ? "locked" : "unlocked");
		return -ENODATA;
	}
	return 0;
}

static int mlock_half(struct pf_event_run *run)
{
	int err = pf_room_beside(run, pf_page_size(), 0);
	char *base = run->at.region ? run->at.region->base : NULL;

	if (err)
		return err;
	if (mlock(base, pf_before_target(run))) {
		err = -errno;
		pf_diag("mlock: %s (RLIMIT_MEMLOCK?)", strerror(-err));
		return err == -EPERM || err == -ENOMEM || err == -EAGAIN ?
		       -EOPNOTSUPP : err;
	}
	err = locked(run, 1);
	if (!err)
		err = pf_call(munlock(base, pf_before_target(run)));
	return err ? err : locked(run, 0);
}

const struct pf_event pf_event_mlock_half = {
	.name = "mlock-half",
	.summary = "mlock of the part before the target (half a large folio), then munlock",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_SPLITS_VMA,
	.start = mlock_half,
};
