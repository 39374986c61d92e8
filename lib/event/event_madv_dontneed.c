// SPDX-License-Identifier: GPL-2.0
/*
 * madv-dontneed: MADV_DONTNEED of every page of the region but the target
 * (inside a large folio: the rest of the folio around the pinned page).
 * Shown to act when pagemap has none of those pages present.
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_proof.h"

static int zap(char *addr, size_t len)
{
	return len ? pf_call(madvise(addr, len, MADV_DONTNEED)) : 0;
}

static int madv_dontneed(struct pf_event_run *run)
{
	long left;
	int err = pf_room_beside(run, 0, 0);

	if (!err && !pf_before_target(run) && !pf_after_target(run)) {
		pf_diag("madv-dontneed: no page beside the target");
		return -EOPNOTSUPP;
	}
	if (!err)
		err = zap(run->at.region->base, pf_before_target(run));
	if (!err)
		err = zap(pf_target_end(run), pf_after_target(run));
	if (err)
		return err;
	left = pf_present_beside(run);
	if (left) {
		pf_diag("%ld pages beside the target are still present after MADV_DONTNEED",
			left);
		return -ENODATA;
	}
	return 0;
}

const struct pf_event pf_event_madv_dontneed = {
	.name = "madv-dontneed",
	.summary = "MADV_DONTNEED of every page of the region but the target",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_ZAPS_BESIDE,
	.start = madv_dontneed,
};
