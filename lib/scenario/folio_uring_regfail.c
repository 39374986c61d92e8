// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer registrations that fail after they pinned pages must give every
 * pin back. io_sqe_buffer_register() pins a buffer, coalesces it, then
 * allocates the io_mapped_ubuf and charges RLIMIT_MEMLOCK; before
 * e1c75831f682 (v6.16, 6.12.36; not in 6.1.y as of 6.1.192) a failed
 * allocation returned without unpinning (since d8c2237d0aa9, v5.19). Reaching that
 * allocation failure needs fault injection; the other ways to fail after
 * pinning are run here: a later iovec that cannot be pinned (the first
 * buffer is unregistered), one pinned in part, one too big, and
 * RLIMIT_MEMLOCK refusing a coalesced buffer (the error path whose unpin
 * 5afb4bf9fc62 and e1c75831f682 rewrote). Pins taken are proven by
 * nr_foll_pin_acquired; the runner's pin accounting judges their return.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "accounting.h"
#include "folio_uring.h"
#include "uring.h"

#define SECOND_LEN (64u << 10)
#define QUIET_MS 20
#define MEMLOCK_LIMIT (64u << 10)

struct regfail {
	struct pf_folios f;
	struct pf_uring u;
	struct iovec iov[2];
	int nr;
	char *second;		/* the second iovec's own mapping */
};

static int ipc_lock_effective(int on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	if (on)
		d[0].effective |= 1u << CAP_IPC_LOCK;
	else
		d[0].effective &= ~(1u << CAP_IPC_LOCK);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/*
 * A ring created without CAP_IPC_LOCK charges fixed buffers to
 * RLIMIT_MEMLOCK (ctx->user); the limit is lowered below one THP.
 */
static enum pf_result open_ring_charged(struct pf_uring *u)
{
	struct rlimit lim;
	enum pf_result res;
	int err;

	if (getrlimit(RLIMIT_MEMLOCK, &lim))
		return pf_error("getrlimit: %s", strerror(errno));
	lim.rlim_cur = MEMLOCK_LIMIT;
	if (setrlimit(RLIMIT_MEMLOCK, &lim))
		return pf_error("setrlimit RLIMIT_MEMLOCK: %s", strerror(errno));
	err = ipc_lock_effective(0);
	if (err)
		return pf_skip("cannot drop CAP_IPC_LOCK: %s", strerror(-err));
	res = pf_uring_open(u);
	ipc_lock_effective(1);
	return res;
}

/* The second iovec of each shape; memlock has none. */
static enum pf_result second_iovec(struct regfail *g, enum pf_regfail how)
{
	int prot = how == PF_REGFAIL_HOLE ? PROT_READ | PROT_WRITE : PROT_NONE;

	if (how == PF_REGFAIL_MEMLOCK)
		return PF_PASS;
	if (how == PF_REGFAIL_TOO_BIG) {
		g->iov[g->nr++] = (struct iovec){ g->iov[0].iov_base, (1ul << 30) + 4096 };
		return PF_PASS;
	}
	g->second = mmap(NULL, SECOND_LEN, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->second == MAP_FAILED) {
		g->second = NULL;
		return pf_error("mmap: %s", strerror(errno));
	}
	if (how == PF_REGFAIL_HOLE) {
		memset(g->second, 1, SECOND_LEN / 2);
		mprotect(g->second + SECOND_LEN / 2, SECOND_LEN / 2, PROT_NONE);
	}
	g->iov[g->nr++] = (struct iovec){ g->second, SECOND_LEN };
	return PF_PASS;
}

/* The first iovec: pages 1 to the middle of a PMD THP, coalesced into one bvec. */
static enum pf_result setup(struct regfail *g, enum pf_regfail how)
{
	static const struct pf_folio_spec thp = { PF_FOLIO_THP, NULL };
	enum pf_result res = pf_folios_make(&g->f, &thp);

	if (res != PF_PASS)
		return res;
	g->iov[g->nr++] = (struct iovec){ g->f.base + 4096, g->f.folio / 2 };
	res = second_iovec(g, how);
	if (res != PF_PASS)
		return res;
	return how == PF_REGFAIL_MEMLOCK ? open_ring_charged(&g->u) : pf_uring_open(&g->u);
}

static void teardown(struct regfail *g)
{
	pf_uring_exit(&g->u);
	if (g->second)
		munmap(g->second, SECOND_LEN);
	pf_folios_free(&g->f);
}

/*
 * nr_foll_pin_acquired is system-wide: it proves the registration pinned
 * only when nobody else pinned in a quiet window just before and just after.
 */
static int others_pinned(struct acct_sample *end)
{
	struct timespec quiet = { 0, QUIET_MS * 1000000L };
	struct acct_sample start;

	acct_sample(&start);
	nanosleep(&quiet, NULL);
	acct_sample(end);
	return end->pins_acquired != start.pins_acquired;
}

static enum pf_result register_must_fail(struct regfail *g)
{
	struct acct_sample a, b, after;
	long pages = (long)(g->iov[0].iov_len / 4096);
	int err;

	acct_sample(&a);
	if (!a.has_pins)
		return pf_skip("no nr_foll_pin_acquired in /proc/vmstat: pins cannot be counted");
	if (others_pinned(&a))
		return pf_skip("another process pinned pages in the %d ms before the registration: its pins cannot be told apart", QUIET_MS);
	err = io_uring_register_buffers(&g->u.ring, g->iov, (unsigned)g->nr);
	acct_sample(&b);
	if (!err) {
		g->u.registered = 1;
		return pf_skip("the registration was accepted: its error path was not reached");
	}
	if (others_pinned(&after))
		return pf_skip("another process pinned pages in the %d ms after the registration: its pins cannot be told apart", QUIET_MS);
	pf_diag("registration failed as meant: %s; nr_foll_pin_acquired +%ld, nr_foll_pin_released +%ld (system-wide)",
		strerror(-err), b.pins_acquired - a.pins_acquired,
		b.pins_released - a.pins_released);
	if (b.pins_acquired - a.pins_acquired < pages)
		return pf_skip("the failed registration pinned %ld pages, fewer than the %ld of its first buffer: it failed before pinning",
			       b.pins_acquired - a.pins_acquired, pages);
	return PF_PASS;
}

enum pf_result pf_folio_uring_regfail(enum pf_regfail how)
{
	struct regfail g;
	enum pf_result res;

	if (how == PF_REGFAIL_IMU_ALLOC)
		return pf_skip("failing the io_mapped_ubuf allocation after the pin needs fault injection (CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB and CONFIG_FAIL_PAGE_ALLOC: kvmalloc falls back to vmalloc); not reachable from plain userspace");
	memset(&g, 0, sizeof(g));
	res = setup(&g, how);
	if (res == PF_PASS)
		res = register_must_fail(&g);
	teardown(&g);
	if (res == PF_PASS)
		pf_diag("the pins it took must all be released: the runner's pin accounting checks it");
	return res;
}
