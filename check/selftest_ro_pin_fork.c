// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the pin-after-fork and remote-write scenarios
 * (lib/scenario/late_register.c, lib/scenario/remote_write.c): run them as tests/ro_pin_fork.c
 * does, but on MAP_SHARED memory. There a write by one process, by the
 * device through its pin, or by a third process shows in the other
 * process, which is what a pin on a page that was never unshared would do
 * to private memory; the oracles must report it. Controls on private
 * memory pass.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "late_register.h"
#include "lockstep.h"
#include "model.h"
#include "refusal.h"
#include "remote_write.h"
#include "uring.h"

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

/* The verdict table of lib/kernel/refusal.c. */
static enum pf_result refusal_table(struct pf_ctx *ctx)
{
	(void)ctx;
	if (pf_expect(pf_refusal_verdict("op", EFAULT, 0), PF_FAIL,
		      "refused here, accepted on plain anonymous memory") != PF_PASS)
		return PF_FAIL;
	if (pf_expect(pf_refusal_verdict("op", EFAULT, EFAULT), PF_ERROR,
		      "refused on plain anonymous memory too") != PF_PASS)
		return PF_FAIL;
	return pf_expect(pf_refusal_verdict("op", ENOSYS, ENOSYS), PF_SKIP,
			 "not built into the kernel");
}

/* RLIMIT_MEMLOCK below the buffer, without CAP_IPC_LOCK: SKIP, not FAIL. */
static enum pf_result memlock_limit_skips(struct pf_ctx *ctx)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	struct rlimit small = { 64 << 10, 64 << 10 };
	struct pf_uring u;
	enum pf_result res;
	char *p = pf_mmap_anon(1 << 20, MAP_PRIVATE);

	(void)ctx;
	if (!p || syscall(SYS_capget, &hdr, data))
		return pf_error("mmap or capget failed");
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	if (syscall(SYS_capset, &hdr, data) || setrlimit(RLIMIT_MEMLOCK, &small))
		return pf_error("cannot drop CAP_IPC_LOCK or lower RLIMIT_MEMLOCK");
	memset(p, 1, 1 << 20);
	res = pf_uring_pin(&u, p, 1 << 20);
	pf_uring_exit(&u);
	return pf_expect(res, PF_SKIP, "1 MiB fixed buffer over RLIMIT_MEMLOCK 64 KiB");
}

/*
 * io_uring registers anonymous, shmem and hugetlb memory only: a mapping of
 * a file on disk is refused while plain anonymous memory is accepted. That
 * is the shape of a kernel refusing one backing: FAIL.
 */
static enum pf_result disk_file_refusal_fails(struct pf_ctx *ctx)
{
	char path[] = "/var/tmp/pinfork-refusal-XXXXXX";
	int fd = mkstemp(path);
	struct pf_uring u;
	enum pf_result res;
	char *p;

	(void)ctx;
	if (fd < 0)
		return pf_error("mkstemp: %s", strerror(errno));
	unlink(path);
	if (ftruncate(fd, LEN))
		return pf_error("ftruncate: %s", strerror(errno));
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return pf_error("mmap: %s", strerror(errno));
	memset(p, 1, LEN);
	res = pf_uring_pin(&u, p, LEN);
	pf_uring_exit(&u);
	munmap(p, LEN);
	if (res == PF_PASS)
		return pf_skip("this kernel registers file-backed memory: no refusal to build");
	return pf_expect(res, PF_FAIL, "a fixed buffer on a disk file refused, anonymous accepted");
}

static const struct pf_template templates[] = {
	{ .name = "refusal-verdict-table",
	  .summary = "an errno is SKIP (missing prerequisite), FAIL (refused here, accepted on anonymous memory) or ERROR",
	  .run = refusal_table },
	{ .name = "refusal-memlock-limit-skips",
	  .summary = "registering over RLIMIT_MEMLOCK without CAP_IPC_LOCK: SKIP naming the limit",
	  .run = memlock_limit_skips, .needs = PF_NEED_URING },
	{ .name = "refusal-disk-file-fails",
	  .summary = "a fixed buffer refused on one kind of memory and accepted on anonymous memory: FAIL",
	  .run = disk_file_refusal_fails, .needs = PF_NEED_URING },
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
