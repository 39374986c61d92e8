/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pins taken on anonymous pages that are shared after fork. A page shared
 * with a child must be unshared before the kernel pins it, or the pin and
 * the owner's page table point at different pages after the next COW
 * (a7f226604170 for R/O pins of anonymous pages, 84209e87c696 for all COW
 * mappings). io_uring registers fixed buffers with FOLL_WRITE, so here the
 * pin comes after fork (lib/scenario/late_register.c); writes by a third process
 * through process_vm_writev (a FOLL_PIN) or /proc/PID/mem (FOLL_FORCE) go
 * into a page shared with the target's child or parent
 * (lib/scenario/remote_write.c). Shared by tests/ro_pin_fork.c and
 * check/selftest_ro_pin_fork.c.
 */
#ifndef PINFORK_RO_PIN_FORK_H
#define PINFORK_RO_PIN_FORK_H

#include "backing.h"

enum pf_side { PF_SIDE_PARENT, PF_SIDE_CHILD };

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

enum pf_remote_method { PF_REMOTE_PROCESS_VM_WRITEV, PF_REMOTE_PROC_MEM };

struct pf_remote_plan {
	enum pf_remote_method method;
	enum pf_side target;	/* whose memory the third process writes */
	int readonly;		/* the target mapped it PROT_READ first
				 * (FOLL_FORCE: /proc/PID/mem only) */
};

/*
 * Fork (both alive); a third process writes into the target's copy of the
 * region: the target must see the data, the process sharing the page with
 * it must not. r must be a mapping of its own for plan->readonly.
 */
enum pf_result pf_remote_write_run(struct pf_region *r,
				   const struct pf_remote_plan *plan);

#endif
