// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the pin-after-fork and remote-write scenarios
 * (lib/late_register.c, lib/remote_write.c): run them as tests/ro_pin_fork.c
 * does, but on MAP_SHARED memory. There a write by one process, by the
 * device through its pin, or by a third process shows in the other
 * process, which is what a pin on a page that was never unshared would do
 * to private memory; the oracles must report it. Controls on private
 * memory pass.
 */
#include <string.h>
#include <sys/mman.h>

#include "ro_pin_fork.h"

#define LEN (64u << 10)

static enum pf_result map_region(struct pf_region *r, int flags)
{
	return pf_region_map_anon(r, LEN, flags);
}

static enum pf_result late_register(int flags, const struct pf_late_register_plan *plan,
				    enum pf_result want, const char *what)
{
	struct pf_region r;
	enum pf_result res = map_region(&r, flags);

	if (res != PF_PASS)
		return res;
	res = pf_late_register_run(&r, plan);
	munmap(r.map, r.map_len);
	return res == PF_SKIP ? res : pf_expect(res, want, what);
}

static enum pf_result remote_write(int flags, const struct pf_remote_plan *plan,
				   enum pf_result want, const char *what)
{
	struct pf_region r;
	enum pf_result res = map_region(&r, flags);

	if (res != PF_PASS)
		return res;
	res = pf_remote_write_run(&r, plan);
	munmap(r.map, r.map_len);
	return res == PF_SKIP ? res : pf_expect(res, want, what);
}

static const struct pf_late_register_plan child_registers = { PF_SIDE_CHILD, 0 };
static const struct pf_late_register_plan parent_registers_child_writes = { PF_SIDE_PARENT, 1 };
static const struct pf_remote_plan pvw_parent = { PF_REMOTE_PROCESS_VM_WRITEV, PF_SIDE_PARENT, 0 };
static const struct pf_remote_plan mem_child = { PF_REMOTE_PROC_MEM, PF_SIDE_CHILD, 0 };

static enum pf_result late_shared_cpu(struct pf_ctx *ctx)
{
	(void)ctx;
	return late_register(MAP_SHARED, &child_registers, PF_FAIL,
			     "registrant's CPU write seen by the other process (MAP_SHARED)");
}

static enum pf_result late_shared_device(struct pf_ctx *ctx)
{
	(void)ctx;
	return late_register(MAP_SHARED, &parent_registers_child_writes, PF_FAIL,
			     "the other process's write and the device's data cross over (MAP_SHARED)");
}

static enum pf_result late_private(struct pf_ctx *ctx)
{
	(void)ctx;
	return late_register(MAP_PRIVATE, &parent_registers_child_writes, PF_PASS,
			     "control on private memory");
}

static enum pf_result remote_shared_pvw(struct pf_ctx *ctx)
{
	(void)ctx;
	return remote_write(MAP_SHARED, &pvw_parent, PF_FAIL,
			    "process_vm_writev into the parent seen by the child (MAP_SHARED)");
}

static enum pf_result remote_shared_mem(struct pf_ctx *ctx)
{
	(void)ctx;
	return remote_write(MAP_SHARED, &mem_child, PF_FAIL,
			    "/proc/PID/mem write into the child seen by the parent (MAP_SHARED)");
}

static enum pf_result remote_private(struct pf_ctx *ctx)
{
	(void)ctx;
	return remote_write(MAP_PRIVATE, &mem_child, PF_PASS, "control on private memory");
}

static const struct pf_template templates[] = {
	{ .name = "late-register-shared-cpu-reported",
	  .summary = "pin after fork on MAP_SHARED memory: the other process sees the registrant's write, reported",
	  .run = late_shared_cpu, .needs = PF_NEED_URING | PF_NEED_ODIRECT },
	{ .name = "late-register-shared-device-reported",
	  .summary = "pin after fork on MAP_SHARED memory: the device's and the other process's data cross, reported",
	  .run = late_shared_device, .needs = PF_NEED_URING | PF_NEED_ODIRECT },
	{ .name = "late-register-control-private",
	  .summary = "control: pin after fork on private memory passes",
	  .run = late_private, .needs = PF_NEED_URING | PF_NEED_ODIRECT },
	{ .name = "remote-pvw-shared-reported",
	  .summary = "process_vm_writev into the parent's MAP_SHARED memory: the child sees it, reported",
	  .run = remote_shared_pvw },
	{ .name = "remote-procmem-shared-reported",
	  .summary = "/proc/PID/mem write into the child's MAP_SHARED memory: the parent sees it, reported",
	  .run = remote_shared_mem },
	{ .name = "remote-control-private",
	  .summary = "control: the remote write into private memory passes",
	  .run = remote_private },
};

PF_MAIN(templates)
