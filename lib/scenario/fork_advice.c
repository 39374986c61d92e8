// SPDX-License-Identifier: GPL-2.0
/*
 * MADV_DONTFORK and MADV_WIPEONFORK over an io_uring fixed buffer: the
 * old workaround for pins across fork (ibv_fork_init) and its sibling.
 * The child must get no mapping (DONTFORK) or zero-filled memory
 * (WIPEONFORK); the parent's pin must not be disturbed by the fork.
 * A refused advice is classified (fork_advice.h): documented SKIP, FAIL
 * when plain anonymous memory accepts it, else ERROR.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include "event.h"
#include "fork_advice.h"
#include "odirect.h"
#include "oracle.h"
#include "pagemap.h"
#include "pattern.h"
#include "refusal.h"
#include "uring.h"

enum { SEED_BEFORE = 91, SEED_PARENT = 92, SEED_DEVICE = 93 };

struct advised {
	struct pf_region *r;
	enum pf_fork_advice advice;
	struct pf_scratch s;
	struct pf_uring u;
};

static const char *advice_name(enum pf_fork_advice advice)
{
	return advice == PF_ADVICE_DONTFORK ? "MADV_DONTFORK" : "MADV_WIPEONFORK";
}

static int advice_value(enum pf_fork_advice advice)
{
	return advice == PF_ADVICE_DONTFORK ? MADV_DONTFORK : MADV_WIPEONFORK;
}

static sigjmp_buf segv_jump;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_jump, 1);
}

/* 1 when reading addr faults with SIGSEGV. */
static int access_faults(const volatile char *addr)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	int faulted = 0;
	char c;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(segv_jump, 1))
		faulted = 1;
	else
		c = *addr;
	sigaction(SIGSEGV, &old, NULL);
	(void)c;
	return faulted;
}

static int child_has_no_mapping(const struct pf_region *r)
{
	/* msync fails with ENOMEM on an unmapped range */
	if (!msync(r->base, r->len, MS_ASYNC) || errno != ENOMEM)
		return PF_ADVICE_CHILD_MAPPED;
	if (!access_faults(r->base) || !access_faults(r->base + r->len - 1))
		return PF_ADVICE_CHILD_NO_SEGV;
	return PF_ADVICE_CHILD_OK;
}

static int child_sees_zeros(const struct pf_region *r)
{
	for (size_t i = 0; i < r->len; i++)
		if (r->base[i])
			return PF_ADVICE_CHILD_NOT_ZERO;
	return PF_ADVICE_CHILD_OK;
}

int pf_advice_child_check(const struct pf_region *r, enum pf_fork_advice advice)
{
	return advice == PF_ADVICE_DONTFORK ? child_has_no_mapping(r) :
					      child_sees_zeros(r);
}

static int child_main(void *arg)
{
	const struct advised *a = arg;

	return pf_advice_child_check(a->r, a->advice);
}

enum pf_result pf_advice_child_verdict(int status, enum pf_fork_advice advice)
{
	const char *name = advice_name(advice);

	switch (status) {
	case PF_ADVICE_CHILD_OK:
		pf_diag("child: %s", advice == PF_ADVICE_DONTFORK ?
			"no mapping, SIGSEGV on access" : "zero-filled memory");
		return PF_PASS;
	case PF_ADVICE_CHILD_MAPPED:
		return pf_fail("%s: the child inherited the mapping", name);
	case PF_ADVICE_CHILD_NO_SEGV:
		return pf_fail("%s: no mapping in the child, yet reading it did not fault", name);
	case PF_ADVICE_CHILD_NOT_ZERO:
		return pf_fail("%s: the child's memory is not zero-filled", name);
	}
	return pf_error("the child died (status %d)", status);
}

/* Permissions and inode of the VMA holding addr (/proc/self/maps), or -1. */
static int vma_of(const void *addr, char perms[5], unsigned long *inode)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start, end, a = (unsigned long)addr;
	char line[512];
	int found = -1;

	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s %*s %*s %lu", &start, &end, perms,
			   inode) == 4 && start <= a && a < end)
			found = 0;
	fclose(f);
	return found;
}

/* 1 when the running kernel predates major.minor (uname). */
static int kernel_before(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

/*
 * MADV_WIPEONFORK (d2cd9ede6e19, v4.14) is EINVAL on a VMA with a file
 * (hugetlb's MAP_PRIVATE memory has its hugetlbfs file) or VM_SHARED
 * (mm/madvise.c: "only supported on anonymous memory"), and unknown, so
 * EINVAL too, before v4.14. 1 (and which) when err is one of those.
 */
static int wipeonfork_documented(const struct pf_region *r, int err,
				 char *why, size_t size)
{
	unsigned long inode = 0;
	char perms[5] = "";

	if (err != EINVAL)
		return 0;
	if (kernel_before(4, 14)) {
		snprintf(why, size, "the kernel predates MADV_WIPEONFORK (v4.14, d2cd9ede6e19)");
		return 1;
	}
	if (vma_of(r->base, perms, &inode))
		return 0;
	if (perms[3] != 's' && !inode)
		return 0;
	snprintf(why, size, "refused, as documented, on a %s mapping (anonymous private memory only, d2cd9ede6e19)",
		 perms[3] == 's' ? "shared" : "file-backed (hugetlb included)");
	return 1;
}

/* The same advice on a page of plain private anonymous memory: 0 or errno. */
static int control_advice(enum pf_fork_advice advice)
{
	size_t len = pf_page_size();
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int err = 0;

	if (p == MAP_FAILED)
		return errno;
	p[0] = 1;
	if (madvise(p, len, advice_value(advice)))
		err = errno;
	munmap(p, len);
	return err;
}

enum pf_result pf_advice_refusal_verdict(const struct pf_region *r,
					 enum pf_fork_advice advice, int err)
{
	char why[160], what[64];

	if (advice == PF_ADVICE_WIPEONFORK &&
	    wipeonfork_documented(r, err, why, sizeof(why)))
		return pf_skip("MADV_WIPEONFORK: %s: %s", strerror(err), why);
	snprintf(what, sizeof(what), "madvise(%s)", advice_name(advice));
	return pf_refusal_verdict(what, err, control_advice(advice));
}

static enum pf_result setup(struct advised *a)
{
	int advice = advice_value(a->advice);
	char why[256];
	enum pf_result res;

	if (pf_scratch_open(&a->s, a->r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	pf_pattern_fill(a->r->base, a->r->len, SEED_BEFORE);
	res = pf_uring_pin(&a->u, a->r->base, a->r->len);
	if (res != PF_PASS)
		return res;
	if (madvise(a->r->base, a->r->len, advice))
		return pf_advice_refusal_verdict(a->r, a->advice, errno);
	return PF_PASS;
}

static enum pf_result parent_pin_coherent(struct advised *a)
{
	enum pf_result res;

	pf_pattern_fill(a->r->base, a->r->len, SEED_PARENT);
	res = pf_fixed_sends(&a->u, &a->s, a->r->base, a->r->len, SEED_PARENT);
	if (res == PF_PASS)
		res = pf_fixed_brings(&a->u, &a->s, a->r->base, a->r->base,
				      a->r->len, SEED_DEVICE);
	return res;
}

enum pf_result pf_fork_advice_run(struct pf_region *r,
				  enum pf_fork_advice advice)
{
	struct advised a = { .r = r, .advice = advice };
	const struct rlimit no_core = { 0, 0 };
	struct pf_event_run ev;
	enum pf_result res, child;
	int err;

	a.s.fd = a.s.dio_fd = -1;
	res = setup(&a);
	if (res != PF_PASS)
		goto out;
	setrlimit(RLIMIT_CORE, &no_core);
	err = pf_fork_alive(&ev, child_main, &a);
	if (err) {
		res = pf_error("fork: %s", strerror(-err));
		goto out;
	}
	/* the child looks only after the parent's CPU writes and the I/O */
	res = parent_pin_coherent(&a);
	child = pf_advice_child_verdict(pf_event_finish(&ev), advice);
	if (res == PF_PASS || child == PF_FAIL)
		res = child;
out:
	pf_uring_exit(&a.u);
	pf_scratch_close(&a.s);
	return res;
}
