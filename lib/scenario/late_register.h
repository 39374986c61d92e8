/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pin taken after fork on pages shared with the other process: a page
 * shared with a child must be unshared before the kernel pins it, or the
 * pin and the owner's page table point at different pages after the next
 * COW (a7f226604170 for R/O pins of anonymous pages, 84209e87c696 for all
 * COW mappings). io_uring registers fixed buffers with FOLL_WRITE.
 */
#ifndef PINFORK_LATE_REGISTER_H
#define PINFORK_LATE_REGISTER_H

#include "backing.h"
#include "lockstep.h"

struct pf_late_register_plan {
	enum pf_side registrant;	/* registers a fixed buffer after fork */
	int other_writes;	/* the other process writes by CPU, instead of
				 * the registrant writing after registering */
};

/*
 * Fork (both alive), one process registers the region as a fixed buffer,
 * one writes by CPU. The registrant's WRITE_FIXED must send what its CPU
 * view holds and READ_FIXED must land there; the other process keeps its
 * own data and never sees the device's.
 */
enum pf_result pf_late_register_run(struct pf_region *r,
				    const struct pf_late_register_plan *plan);

#endif
