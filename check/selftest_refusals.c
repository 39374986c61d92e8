// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of refusal verdicts (lib/kernel/refusal.h) where a case's
 * setup asks the kernel for something: the io_uring setups of
 * lib/scenario/madv_free_dio.c and lib/scenario/pin_invariants.c (tests/uring_fixed.c makes
 * the same pf_uring_pin() call), and MADV_DONTFORK / MADV_WIPEONFORK in
 * lib/scenario/fork_advice.c. A kernel that refuses on the case's memory what it
 * accepts on plain anonymous memory must turn a case red, not into a skip:
 * this program builds that kernel in userspace by defining
 * io_uring_register_buffers(), io_uring_queue_init() and madvise() itself
 * (its definitions take precedence over liburing's and libc's), refusing
 * or ignoring only what a case arms. Documented refusals come from the
 * real kernel: MADV_WIPEONFORK on shared and hugetlb memory. Last, the
 * registration-vs-fork race of tests/rdma_mr.c (lib/scenario/rdma_race.c): a
 * forking thread whose every fork fails (RLIMIT_NPROC as an unprivileged
 * user) makes the race an ERROR.
 */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fork_advice.h"
#include "madv_free_dio.h"
#include "model.h"
#include "pagemap.h"
#include "pin_invariants.h"
#include "rdma_race.h"
#include "uring.h"

#define LEN (64u << 10)
#define SEED 55

/* What the fake kernel does; all zero: it is the real one. */
static struct {
	const char *reg_base;	/* register_buffers of this base: -reg_err */
	int reg_all;		/* every register_buffers: -reg_err */
	int reg_err;
	int init_err;		/* io_uring_queue_init: -init_err */
	const char *adv_base;	/* madvise(adv) of this base... */
	int adv;
	int adv_all;		/* ...or of any base... */
	int adv_err;		/* ...fails with adv_err, or (0) does nothing */
} fake;

static void *real_fn(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

int io_uring_register_buffers(struct io_uring *ring, const struct iovec *iov,
			      unsigned nr)
{
	int (*real)(struct io_uring *, const struct iovec *, unsigned);

	if (fake.reg_err && (fake.reg_all || iov[0].iov_base == fake.reg_base))
		return -fake.reg_err;
	*(void **)&real = real_fn("io_uring_register_buffers");
	return real ? real(ring, iov, nr) : -ENOSYS;
}

int io_uring_queue_init(unsigned entries, struct io_uring *ring, unsigned flags)
{
	int (*real)(unsigned, struct io_uring *, unsigned);

	if (fake.init_err)
		return -fake.init_err;
	*(void **)&real = real_fn("io_uring_queue_init");
	return real ? real(entries, ring, flags) : -ENOSYS;
}

int madvise(void *addr, size_t len, int advice)
{
	if (fake.adv && advice == fake.adv &&
	    (fake.adv_all || addr == fake.adv_base)) {
		errno = fake.adv_err;
		return fake.adv_err ? -1 : 0;
	}
	return (int)syscall(SYS_madvise, addr, len, advice);
}

static enum pf_result anon_region(struct pf_region *r, int flags)
{
	memset(r, 0, sizeof(*r));
	r->base = r->map = pf_mmap_anon(LEN, flags);
	if (!r->base)
		return pf_error("mmap failed");
	r->len = r->map_len = LEN;
	r->folio = pf_page_size();
	return PF_PASS;
}

static void region_done(struct pf_region *r)
{
	memset(&fake, 0, sizeof(fake));
	munmap(r->map, r->map_len);
}

/* Fixed buffer refused on the region only: FAIL; everywhere: ERROR. */
static enum pf_result madv_free_fixed_refused(int everywhere, enum pf_result want)
{
	struct pf_region r;
	enum pf_result res = anon_region(&r, MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	fake.reg_base = r.base;
	fake.reg_all = everywhere;
	fake.reg_err = EFAULT;
	res = pf_madv_free_fixed_run(&r, pf_reclaim_pageout);
	region_done(&r);
	return pf_expect(res, want, everywhere ?
			 "READ_FIXED case, registration refused everywhere" :
			 "READ_FIXED case, registration refused on its buffer only");
}

static enum pf_result madv_free_refused_here(struct pf_ctx *ctx)
{
	(void)ctx;
	return madv_free_fixed_refused(0, PF_FAIL);
}

static enum pf_result madv_free_refused_everywhere(struct pf_ctx *ctx)
{
	(void)ctx;
	return madv_free_fixed_refused(1, PF_ERROR);
}

/* The race's ring refused: EINVAL is ERROR, ENOSYS (not built in) SKIP. */
static enum pf_result madv_free_race_ring(int err, enum pf_result want,
					  const char *what)
{
	struct pf_region r;
	enum pf_result res = anon_region(&r, MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	fake.init_err = err;
	res = pf_madv_free_race_run(&r, 0.1, pf_reclaim_pageout);
	region_done(&r);
	return pf_expect(res, want, what);
}

static enum pf_result race_ring_einval(struct pf_ctx *ctx)
{
	(void)ctx;
	return madv_free_race_ring(EINVAL, PF_ERROR, "race, io_uring setup EINVAL");
}

static enum pf_result race_ring_enosys(struct pf_ctx *ctx)
{
	(void)ctx;
	return madv_free_race_ring(ENOSYS, PF_SKIP, "race, io_uring not in the kernel");
}

/* pin_invariants' fixture: refused on the region only FAIL, else PASS. */
static enum pf_result pinned_setup(int refuse, enum pf_result want)
{
	struct pf_pinned pin;
	struct pf_region r;
	enum pf_result res = anon_region(&r, MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	fake.reg_base = r.base;
	fake.reg_err = refuse ? EFAULT : 0;
	res = pf_pinned_setup(&pin, r.base, r.len, SEED);
	pf_pinned_teardown(&pin);
	region_done(&r);
	return pf_expect(res, want, refuse ? "pinned fixture, registration refused" :
				     "pinned fixture on plain anonymous memory");
}

static enum pf_result pinned_refused(struct pf_ctx *ctx)
{
	(void)ctx;
	return pinned_setup(1, PF_FAIL);
}

static enum pf_result pinned_control(struct pf_ctx *ctx)
{
	(void)ctx;
	return pinned_setup(0, PF_PASS);
}

/* pf_fork_advice_run on a region the fake madvise refuses or ignores. */
static enum pf_result advice_faked(enum pf_fork_advice advice, int all, int err,
				   enum pf_result want, const char *what)
{
	struct pf_region r;
	enum pf_result res = anon_region(&r, MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	fake.adv = advice == PF_ADVICE_DONTFORK ? MADV_DONTFORK : MADV_WIPEONFORK;
	fake.adv_base = r.base;
	fake.adv_all = all;
	fake.adv_err = err;
	res = pf_fork_advice_run(&r, advice);
	region_done(&r);
	return pf_expect(res, want, what);
}

static enum pf_result dontfork_refused(struct pf_ctx *ctx)
{
	(void)ctx;
	return advice_faked(PF_ADVICE_DONTFORK, 0, EINVAL, PF_FAIL,
			    "MADV_DONTFORK refused on the region, accepted on anonymous memory");
}

static enum pf_result wipeonfork_refused(struct pf_ctx *ctx)
{
	(void)ctx;
	return advice_faked(PF_ADVICE_WIPEONFORK, 0, EINVAL, PF_FAIL,
			    "MADV_WIPEONFORK refused on private anonymous memory, accepted on a control");
}

static enum pf_result wipeonfork_refused_everywhere(struct pf_ctx *ctx)
{
	(void)ctx;
	return advice_faked(PF_ADVICE_WIPEONFORK, 1, EINVAL, PF_ERROR,
			    "MADV_WIPEONFORK refused on every private anonymous mapping");
}

static enum pf_result dontfork_ignored(struct pf_ctx *ctx)
{
	(void)ctx;
	return advice_faked(PF_ADVICE_DONTFORK, 0, 0, PF_FAIL,
			    "MADV_DONTFORK accepted but not acted on");
}

static enum pf_result wipeonfork_ignored(struct pf_ctx *ctx)
{
	(void)ctx;
	return advice_faked(PF_ADVICE_WIPEONFORK, 0, 0, PF_FAIL,
			    "MADV_WIPEONFORK accepted but not acted on");
}

/* The real kernel: MADV_WIPEONFORK on MAP_SHARED memory, documented EINVAL. */
static enum pf_result wipeonfork_shared(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = anon_region(&r, MAP_SHARED);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	res = pf_fork_advice_run(&r, PF_ADVICE_WIPEONFORK);
	region_done(&r);
	return pf_expect(res, PF_SKIP, "MADV_WIPEONFORK on shared memory");
}

/* The real kernel: hugetlb memory has its hugetlbfs file, documented EINVAL. */
static enum pf_result wipeonfork_hugetlb(struct pf_ctx *ctx)
{
	size_t len = 2ul << 20;
	struct pf_region r = { .len = len, .map_len = len, .folio = len };
	enum pf_result res;

	(void)ctx;
	/* MAP_NORESERVE: no pool needed, madvise faults nothing in */
	r.base = r.map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			      MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0);
	if (r.base == MAP_FAILED)
		return pf_skip("no 2 MiB hugetlb mapping: %s", strerror(errno));
	if (!madvise(r.base, len, MADV_WIPEONFORK))
		res = pf_fail("MADV_WIPEONFORK accepted on hugetlb: nothing documented to classify");
	else
		res = pf_expect(pf_advice_refusal_verdict(&r, PF_ADVICE_WIPEONFORK, errno),
				PF_SKIP, "MADV_WIPEONFORK on hugetlb");
	munmap(r.map, len);
	return res;
}

/* The race's forking side for 50 ms and its verdict on a clean run. */
static enum pf_result forker_verdict(void)
{
	struct pf_reg_race st = { .start = pf_now(), .rounds = 1, .loss_at = -1 };
	struct pf_forker fk;
	int err = pf_forker_start(&fk);

	if (err)
		return pf_error("pthread_create: %s", strerror(-err));
	usleep(50000);
	pf_forker_stop(&fk);
	return pf_reg_race_verdict(PF_PASS, &st, &fk);
}

/*
 * In a child of ours, as a uid no other task has: RLIMIT_NPROC counts
 * that user's tasks, threads included, and binds only users other than
 * root (kernel/fork.c exempts INIT_USER whatever its capabilities). A
 * limit of 2 lets the forking thread start and refuses every fork.
 */
#define LONELY_ID 2147480000u

static enum pf_result race_forks_refused(struct pf_ctx *ctx)
{
	const struct rlimit two = { 2, 2 };
	int status;
	pid_t pid;

	(void)ctx;
	if (geteuid())
		return pf_skip("needs root to become another user");
	pid = fork();
	if (pid < 0)
		return pf_error("fork: %s", strerror(errno));
	if (!pid) {
		if (setgid(LONELY_ID) || setuid(LONELY_ID) ||
		    setrlimit(RLIMIT_NPROC, &two))
			_exit(100);
		_exit(forker_verdict());
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 100)
		return pf_error("the unprivileged child failed (status %#x)", status);
	return pf_expect((enum pf_result)WEXITSTATUS(status), PF_ERROR,
			 "registration race whose every fork failed");
}

static enum pf_result race_control(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_expect(forker_verdict(), PF_PASS, "registration race that forked");
}

#define CASE(n, s, fn, nd) { .name = n, .summary = s, .run = fn, .needs = nd }
#define URING_DIO (PF_NEED_URING | PF_NEED_ODIRECT)

static const struct pf_template templates[] = {
	CASE("madv-free-fixed-refused-fails",
	     "fixed buffer refused on the MADV_FREE case's buffer, accepted on anonymous memory: FAIL",
	     madv_free_refused_here, URING_DIO),
	CASE("madv-free-fixed-refused-everywhere-errors",
	     "fixed buffer refused on anonymous memory too: ERROR, not SKIP",
	     madv_free_refused_everywhere, URING_DIO),
	CASE("madv-free-race-ring-einval-errors",
	     "the race's io_uring setup fails with EINVAL: ERROR, not SKIP",
	     race_ring_einval, URING_DIO),
	CASE("madv-free-race-ring-enosys-skips",
	     "the race's io_uring setup fails with ENOSYS: SKIP naming it",
	     race_ring_enosys, URING_DIO),
	CASE("pinned-setup-refused-fails",
	     "pin_invariants' fixed buffer refused on its region, accepted on anonymous memory: FAIL",
	     pinned_refused, URING_DIO),
	CASE("pinned-setup-control",
	     "control: pin_invariants' fixture on plain anonymous memory passes",
	     pinned_control, URING_DIO),
	CASE("dontfork-refused-fails",
	     "MADV_DONTFORK refused on the pinned region, accepted on anonymous memory: FAIL",
	     dontfork_refused, URING_DIO),
	CASE("wipeonfork-refused-anon-fails",
	     "MADV_WIPEONFORK refused (EINVAL) on private anonymous memory a control accepts: FAIL, not the documented SKIP",
	     wipeonfork_refused, URING_DIO),
	CASE("wipeonfork-refused-everywhere-errors",
	     "MADV_WIPEONFORK refused on every private anonymous mapping: ERROR",
	     wipeonfork_refused_everywhere, URING_DIO),
	CASE("dontfork-ignored-fails",
	     "MADV_DONTFORK accepted but without effect: the child has the mapping, FAIL",
	     dontfork_ignored, URING_DIO),
	CASE("wipeonfork-ignored-fails",
	     "MADV_WIPEONFORK accepted but without effect: the child sees data, FAIL",
	     wipeonfork_ignored, URING_DIO),
	CASE("wipeonfork-shared-documented-skips",
	     "MADV_WIPEONFORK on MAP_SHARED memory: the kernel's documented EINVAL is SKIP",
	     wipeonfork_shared, URING_DIO),
	CASE("wipeonfork-hugetlb-documented-skips",
	     "MADV_WIPEONFORK on hugetlb memory: the kernel's documented EINVAL is SKIP",
	     wipeonfork_hugetlb, 0),
	CASE("rdma-race-no-fork-errors",
	     "registration race whose forking thread never forked (every fork EAGAIN): ERROR with the race line",
	     race_forks_refused, 0),
	CASE("rdma-race-control",
	     "control: the registration race's forking thread forks, the verdict passes",
	     race_control, 0),
};

PF_MAIN(templates)
