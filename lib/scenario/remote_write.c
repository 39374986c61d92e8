// SPDX-License-Identifier: GPL-2.0
/*
 * A third process writes into memory that its parent shares with a
 * child after fork. Turns (the child owns the odd ones):
 *   1. child: allows the writer in; mprotect R if it is a read-only target
 *   2. parent: the same; forks the writer, which writes the target's copy
 *      by process_vm_writev (pins with FOLL_WRITE) or /proc/PID/mem
 *      (FOLL_FORCE, so also into a PROT_READ mapping); checks its own copy
 *   3. child: checks its own copy
 * The target must see the write; the other process must keep its data.
 */
#include "remote_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "knob.h"
#include "lockstep.h"
#include "pattern.h"
#include "refusal.h"
#include "turns.h"
#include "view_oracle.h"

enum { SEED_BEFORE = 111, SEED_REMOTE = 112 };

struct remote {
	struct pf_region *r;
	const struct pf_remote_plan *plan;
	int is_target;
	pid_t target_pid;
	const char *who;
	volatile int *written;	/* shared: the writer did its write */
};

static int write_by_process_vm(pid_t pid, void *dst, const void *src, size_t len)
{
	struct iovec local = { (void *)src, len }, remote = { dst, len };
	ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return errno;
	return (size_t)n == len ? 0 : EIO;
}

static int write_by_proc_mem(pid_t pid, void *dst, const void *src, size_t len)
{
	char path[64];
	size_t done = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)src + done, len - done,
				   (off_t)((uintptr_t)dst + done));

		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			close(fd);
			return err;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

/* The third process: 0, or the errno of the write. */
static int writer_main(const struct remote *rm)
{
	char *buf = malloc(rm->r->len);

	if (!buf)
		return ENOMEM;
	pf_pattern_fill(buf, rm->r->len, SEED_REMOTE);
	if (rm->plan->method == PF_REMOTE_PROCESS_VM_WRITEV)
		return write_by_process_vm(rm->target_pid, rm->r->base, buf, rm->r->len);
	return write_by_proc_mem(rm->target_pid, rm->r->base, buf, rm->r->len);
}

/* Forks the writer and waits: its errno (0: written), or -1 if it died. */
static int spawn_writer(const struct remote *rm)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(writer_main(rm));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The same write, by the same method, into plain anonymous memory of this
 * process (PROT_READ too, for a read-only plan): 0 when accepted. */
static int control_write(const struct remote *rm)
{
	struct pf_region cr = { .len = 64 << 10 };
	struct remote control = *rm;
	int err;

	cr.base = mmap(NULL, cr.len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cr.base == MAP_FAILED)
		return errno;
	memset(cr.base, 1, cr.len);
	if (rm->plan->readonly && mprotect(cr.base, cr.len, PROT_READ)) {
		err = errno;
		munmap(cr.base, cr.len);
		return err;
	}
	control.r = &cr;
	control.target_pid = getpid();
	err = spawn_writer(&control);
	munmap(cr.base, cr.len);
	return err < 0 ? EIO : err;
}

static long ptrace_scope(void)
{
	return knob_read_long("/proc/sys/kernel/yama/ptrace_scope");
}

static enum pf_result run_writer(const struct remote *rm)
{
	const char *how = rm->plan->method == PF_REMOTE_PROC_MEM ?
			  "/proc/PID/mem write" : "process_vm_writev";
	int hugetlb = rm->r->backing && (rm->r->backing->flags & PF_BK_HUGETLB);
	int err = spawn_writer(rm);

	if (err < 0)
		return pf_error("the writer could not be forked or died");
	if (!err)
		return PF_PASS;
	if ((err == EPERM || err == EACCES) && ptrace_scope() >= 3)
		return pf_skip("%s: %s (Yama ptrace_scope 3: no process may attach)",
			       how, strerror(err));
	/* f347454d0341 (v6.1) refused FOLL_FORCE|FOLL_WRITE on hugetlb until
	 * hugetlb learnt to unshare on such faults: documented, nothing to judge */
	if (rm->plan->readonly && hugetlb && (err == EIO || err == EFAULT))
		return pf_skip("%s into a PROT_READ hugetlb mapping refused: %s (f347454d0341 disallowed FOLL_FORCE writes on hugetlb)",
			       how, strerror(err));
	return pf_refusal_verdict(how, err, control_write(rm));
}

static enum pf_result prepare(struct remote *rm)
{
	/* Yama ptrace_scope 1 lets only ancestors in, unless we say so */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	if (rm->is_target && rm->plan->readonly &&
	    mprotect(rm->r->base, rm->r->len, PROT_READ))
		return pf_error("%s: mprotect: %s", rm->who, strerror(errno));
	return PF_PASS;
}

static enum pf_result check_copy(struct remote *rm)
{
	struct pf_mismatch m;
	enum pf_view v;

	if (!rm->is_target) {
		v = pf_view_check(rm->who, rm->r->base, 0, rm->r->len,
				  SEED_BEFORE, SEED_REMOTE);
		if (v == PF_VIEW_OWN)
			return PF_PASS;
		return pf_fail("the %s's copy %s after the write into the other process",
			       rm->who, v == PF_VIEW_FOREIGN ? "got the data" : "changed");
	}
	if (!pf_pattern_check(rm->r->base, rm->r->len, SEED_REMOTE, &m))
		return PF_PASS;
	pf_mismatch_diag("the target's memory after the remote write", &m);
	return pf_fail("the %s does not see the data written into its memory", rm->who);
}

static enum pf_result turn(void *arg, int turn)
{
	struct remote *rm = arg;
	enum pf_result res;

	switch (turn) {
	case 1:
		return prepare(rm);
	case 2:
		res = prepare(rm);
		if (res == PF_PASS)
			res = run_writer(rm);
		if (res != PF_PASS)
			return res;
		*rm->written = 1;
		return check_copy(rm);
	default:
		/* nothing to check when the parent could not write (its result says why) */
		return *rm->written ? check_copy(rm) : PF_PASS;
	}
}

enum pf_result pf_remote_write_run(struct pf_region *r,
				   const struct pf_remote_plan *plan)
{
	struct remote rm = { .r = r, .plan = plan };
	struct pf_lockstep ls;
	enum pf_result res;
	pid_t pid;

	rm.written = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rm.written == MAP_FAILED)
		return pf_error("mmap: %s", strerror(errno));
	*rm.written = 0;
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	pid = pf_lockstep_fork(&ls);
	if (pid < 0)
		return pf_error("fork: %s", strerror((int)-pid));
	rm.who = pid ? "parent" : "child";
	rm.is_target = (plan->target == PF_SIDE_CHILD) == !pid;
	rm.target_pid = plan->target == PF_SIDE_CHILD ? ls.child : getpid();
	if (pid == 0)
		pf_lockstep_exit(&ls, pf_take_turns(&ls, 3, 1, turn, &rm));
	res = pf_turns_parent(&ls, 3, 0, turn, &rm);
	munmap((void *)rm.written, sizeof(int));
	return res;
}
