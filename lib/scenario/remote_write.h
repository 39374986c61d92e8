/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writes by a third process, through process_vm_writev (a FOLL_PIN) or
 * /proc/PID/mem (FOLL_FORCE), into a page the target shares with its child
 * or parent after fork.
 */
#ifndef PINFORK_REMOTE_WRITE_H
#define PINFORK_REMOTE_WRITE_H

#include "backing.h"
#include "lockstep.h"

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
