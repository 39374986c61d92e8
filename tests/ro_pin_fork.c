// SPDX-License-Identifier: GPL-2.0
/*
 * Pins and remote writes on anonymous pages shared after fork: a fixed
 * buffer registered after fork must unshare the pages it pins
 * (a7f226604170, 84209e87c696), and a third process writing into one
 * process's copy by process_vm_writev or /proc/PID/mem (FOLL_FORCE) must
 * reach that copy only.
 */
#include "late_register.h"
#include "model.h"
#include "remote_write.h"

static enum pf_result late_register(struct pf_ctx *ctx)
{
	return pf_late_register_run(ctx->region, ctx->arg);
}

static enum pf_result remote_write(struct pf_ctx *ctx)
{
	return pf_remote_write_run(ctx->region, ctx->arg);
}

static const struct pf_late_register_plan parent_registers_writes = { PF_SIDE_PARENT, 0 };
static const struct pf_late_register_plan parent_registers_child_writes = { PF_SIDE_PARENT, 1 };
static const struct pf_late_register_plan child_registers_writes = { PF_SIDE_CHILD, 0 };
static const struct pf_late_register_plan child_registers_parent_writes = { PF_SIDE_CHILD, 1 };

static const struct pf_remote_plan pvw_parent = { PF_REMOTE_PROCESS_VM_WRITEV, PF_SIDE_PARENT, 0 };
static const struct pf_remote_plan pvw_child = { PF_REMOTE_PROCESS_VM_WRITEV, PF_SIDE_CHILD, 0 };
static const struct pf_remote_plan mem_parent = { PF_REMOTE_PROC_MEM, PF_SIDE_PARENT, 0 };
static const struct pf_remote_plan mem_child = { PF_REMOTE_PROC_MEM, PF_SIDE_CHILD, 0 };
static const struct pf_remote_plan mem_parent_ro = { PF_REMOTE_PROC_MEM, PF_SIDE_PARENT, 1 };
static const struct pf_remote_plan mem_child_ro = { PF_REMOTE_PROC_MEM, PF_SIDE_CHILD, 1 };

#define LATE(name_, what, plan)                                                \
	{                                                                      \
		.name = name_,                                                 \
		.summary = "fork, then " what ": WRITE_FIXED/READ_FIXED match the registrant's view, the other process keeps its data", \
		.run = late_register,                                          \
		.arg = &plan,                                                  \
		.fixes = { "a7f226604170", "84209e87c696", "c89357e27f20" },   \
		.needs = PF_NEED_URING | PF_NEED_ODIRECT,                      \
		.use_backing = 1,                                              \
	}

#define REMOTE(name_, what, plan, bk_needs)                                    \
	{                                                                      \
		.name = name_,                                                 \
		.summary = "fork; a third process writes the " what ": the target sees it, the process sharing the page does not", \
		.run = remote_write,                                           \
		.arg = &plan,                                                  \
		.fixes = { "a7f226604170", "6c287605fd56", "5535be309971" },   \
		.use_backing = 1,                                              \
		.backing_needs = (bk_needs),                                   \
	}

static const struct pf_template templates[] = {
	LATE("late-register-parent-writes", "the parent registers a fixed buffer over shared pages and writes",
	     parent_registers_writes),
	LATE("late-register-child-writes", "the parent registers a fixed buffer over shared pages, the child writes",
	     parent_registers_child_writes),
	LATE("late-register-in-child-child-writes", "the child registers a fixed buffer over shared pages and writes",
	     child_registers_writes),
	LATE("late-register-in-child-parent-writes", "the child registers a fixed buffer over shared pages, the parent writes",
	     child_registers_parent_writes),
	REMOTE("remote-pvw-into-parent", "parent's copy by process_vm_writev", pvw_parent, 0),
	REMOTE("remote-pvw-into-child", "child's copy by process_vm_writev", pvw_child, 0),
	REMOTE("remote-procmem-into-parent", "parent's copy through /proc/PID/mem", mem_parent, 0),
	REMOTE("remote-procmem-into-child", "child's copy through /proc/PID/mem", mem_child, 0),
	REMOTE("remote-procmem-force-ro-parent", "parent's PROT_READ copy through /proc/PID/mem (FOLL_FORCE)",
	       mem_parent_ro, PF_BK_MMAP),
	REMOTE("remote-procmem-force-ro-child", "child's PROT_READ copy through /proc/PID/mem (FOLL_FORCE)",
	       mem_child_ro, PF_BK_MMAP),
};

PF_MAIN(templates)
