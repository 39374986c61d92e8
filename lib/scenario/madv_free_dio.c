// SPDX-License-Identifier: GPL-2.0
/* MADV_FREE reclaim against O_DIRECT reads (madv_free_dio.h). */
#include "madv_free_dio.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "odirect.h"
#include "pagemap.h"
#include "pattern.h"
#include "refusal.h"
#include "uring.h"

enum { SEED_STALE = 41, SEED_READ = 42 };

int pf_reclaim_pageout(void *addr, size_t len)
{
	return madvise(addr, len, MADV_PAGEOUT) ? -errno : 0;
}

static int all_zero(const char *p, size_t len)
{
	return !len || (!p[0] && !memcmp(p, p + 1, len - 1));
}

/* Pages of view whose bytes in [view, view+len) are all zero. */
static size_t zero_pages(const char *view, size_t len, size_t *pages)
{
	struct pf_cover c = pf_page_cover(view, len);
	size_t ps = pf_page_size(), zero = 0;

	*pages = c.len / ps;
	for (char *pg = c.start; pg < c.start + c.len; pg += ps) {
		const char *from = pg > view ? pg : view;
		const char *to = pg + ps < view + len ? pg + ps : view + len;

		zero += all_zero(from, (size_t)(to - from));
	}
	return zero;
}

enum pf_result pf_read_kept(const void *view, size_t len, uint32_t seed,
			    const char *what)
{
	struct pf_mismatch m;
	size_t pages, zero;

	if (!pf_pattern_check(view, len, seed, &m))
		return PF_PASS;
	pf_mismatch_diag(what, &m);
	zero = zero_pages(view, len, &pages);
	if (zero)
		return pf_fail("%s: the read data was replaced by zeros in %zu of %zu pages (page dropped under the I/O)",
			       what, zero, pages);
	return pf_fail("%s: the read data did not reach the buffer", what);
}

static size_t pages_present(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t off = 0; off < len; off += pf_page_size())
		n += !!(pf_pagemap(p + off) & PM_PRESENT);
	return n;
}

enum pf_result pf_lazyfree_control(size_t len, pf_reclaim_fn reclaim)
{
	char *twin = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	enum pf_result res = PF_PASS;
	int err;

	if (twin == MAP_FAILED)
		return pf_error("mmap: %s", strerror(errno));
	pf_pattern_fill(twin, len, SEED_STALE);
	if (madvise(twin, len, MADV_FREE))
		res = pf_skip("MADV_FREE: %s", strerror(errno));
	else if ((err = reclaim(twin, len)))
		res = pf_skip("reclaim of a MADV_FREE'd twin: %s", strerror(-err));
	else if (pages_present(twin, len) == len / pf_page_size())
		res = pf_skip("reclaim did not discard an unpinned MADV_FREE'd twin");
	munmap(twin, len);
	return res;
}

/* Dirty the pages with stale data, then free them lazily. */
static enum pf_result lazily_free(const struct pf_cover *c)
{
	pf_pattern_fill(c->start, c->len, SEED_STALE);
	if (madvise(c->start, c->len, MADV_FREE))
		return pf_skip("MADV_FREE: %s", strerror(errno));
	return PF_PASS;
}

static enum pf_result reclaim_step(pf_reclaim_fn reclaim, const struct pf_cover *c)
{
	int err = reclaim(c->start, c->len);

	return err ? pf_error("reclaim: %s", strerror(-err)) : PF_PASS;
}

static enum pf_result fixed_read(struct pf_uring *u, struct pf_scratch *s,
				 struct pf_region *r)
{
	int n;

	if (pf_scratch_fill(s, 0, r->len, SEED_READ))
		return pf_error("cannot write the scratch file");
	n = pf_uring_read_fixed(u, s->dio_fd, r->base, r->len, 0);
	if (n != (int)r->len)
		return pf_error("READ_FIXED: %s", n < 0 ? strerror(-n) : "short read");
	return PF_PASS;
}

/* After the pin: reclaim, READ_FIXED, reclaim again, then the oracle. */
static enum pf_result read_under_reclaim(struct pf_uring *u, struct pf_scratch *s,
					 struct pf_region *r, pf_reclaim_fn reclaim)
{
	struct pf_cover c = pf_page_cover(r->base, r->len);
	enum pf_result res = reclaim_step(reclaim, &c);

	if (res == PF_PASS) {
		pf_diag("pinned lazily freed pages still mapped after reclaim: %zu of %zu",
			pages_present(c.start, c.len), c.len / pf_page_size());
		res = fixed_read(u, s, r);
	}
	if (res == PF_PASS)
		res = reclaim_step(reclaim, &c);
	if (res == PF_PASS)
		res = pf_read_kept(r->base, r->len, SEED_READ,
				   "READ_FIXED into MADV_FREE'd pages");
	return res;
}

enum pf_result pf_madv_free_fixed_run(struct pf_region *r, pf_reclaim_fn reclaim)
{
	struct pf_cover c = pf_page_cover(r->base, r->len);
	struct pf_scratch s;
	struct pf_uring u;
	char why[256];
	enum pf_result res = pf_lazyfree_control(c.len, reclaim);

	memset(&u, 0, sizeof(u));
	if (res != PF_PASS)
		return res;
	if (pf_scratch_open(&s, r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	res = lazily_free(&c);
	/* the pin finds the clean lazily freed pages */
	if (res == PF_PASS)
		res = pf_uring_pin(&u, r->base, r->len);
	if (res == PF_PASS)
		res = read_under_reclaim(&u, &s, r, reclaim);
	pf_uring_exit(&u);
	pf_scratch_close(&s);
	return res;
}

/*
 * One O_DIRECT READ (not fixed: the buffer is pinned per I/O) with the
 * reclaim step run right after submission; *in_flight tells whether the
 * read had not completed yet when reclaim began. Bytes read or -errno.
 */
static int read_during_reclaim(struct pf_uring *u, struct pf_scratch *s,
			       struct pf_region *r, size_t off,
			       pf_reclaim_fn reclaim, const struct pf_cover *c,
			       int *in_flight)
{
	struct __kernel_timespec limit = { .tv_sec = 10 };
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	struct io_uring_cqe *cqe;
	int err, n;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_read(sqe, s->dio_fd, r->base, (unsigned)r->len, off);
	err = io_uring_submit(&u->ring);
	if (err < 0)
		return err;
	*in_flight = io_uring_peek_cqe(&u->ring, &cqe) != 0;
	reclaim(c->start, c->len);
	err = io_uring_wait_cqe_timeout(&u->ring, &cqe, &limit);
	if (err)
		return err;
	n = cqe->res;
	io_uring_cqe_seen(&u->ring, cqe);
	return n;
}

static enum pf_result race_loop(struct pf_uring *u, struct pf_scratch *s,
				struct pf_region *r, double seconds,
				pf_reclaim_fn reclaim)
{
	struct pf_cover c = pf_page_cover(r->base, r->len);
	double end = pf_now() + seconds;
	enum pf_result res = PF_PASS;
	long rounds = 0, raced = 0;

	do {
		size_t half = (size_t)(rounds & 1);
		int n, in_flight = 0;

		res = lazily_free(&c);
		if (res != PF_PASS)
			break;
		n = read_during_reclaim(u, s, r, half * r->len, reclaim, &c,
					&in_flight);
		if (n != (int)r->len) {
			res = pf_error("O_DIRECT READ: %s", n < 0 ? strerror(-n) : "short read");
			break;
		}
		res = pf_read_kept(r->base, r->len, SEED_READ + (uint32_t)half,
				   "O_DIRECT read into MADV_FREE'd pages under reclaim");
		rounds++;
		raced += in_flight;
	} while (res == PF_PASS && pf_now() < end);
	pf_diag("%ld reads in %.1f s, %ld of them still in flight when reclaim began",
		rounds, seconds, raced);
	if (res == PF_PASS && !raced)
		return pf_skip("no read was still in flight when reclaim began");
	return res;
}

/*
 * The race needs a ring but no fixed buffer (its reads pin per I/O). The
 * harness's PF_NEED_URING probe already skipped a kernel without io_uring
 * or with io_uring_disabled; what remains is a missing prerequisite
 * (RLIMIT_MEMLOCK: the ring's memory is charged to it before v5.12) or our
 * machinery.
 */
static enum pf_result ring_verdict(int err)
{
	char why[128];

	if (!err)
		return PF_PASS;
	if (pf_missing_prerequisite(-err, why, sizeof(why)))
		return pf_skip("io_uring: %s (%s)", strerror(-err), why);
	return pf_error("io_uring setup: %s", strerror(-err));
}

enum pf_result pf_madv_free_race_run(struct pf_region *r, double seconds,
				     pf_reclaim_fn reclaim)
{
	struct pf_cover c = pf_page_cover(r->base, r->len);
	struct pf_scratch s;
	struct pf_uring u;
	char why[256];
	enum pf_result res = pf_lazyfree_control(c.len, reclaim);

	if (res != PF_PASS)
		return res;
	if (pf_scratch_open(&s, 2 * r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	if (pf_scratch_fill(&s, 0, r->len, SEED_READ) ||
	    pf_scratch_fill(&s, r->len, r->len, SEED_READ + 1))
		res = pf_error("cannot write the scratch file");
	if (res == PF_PASS)
		res = ring_verdict(pf_uring_init(&u));
	if (res == PF_PASS) {
		res = race_loop(&u, &s, r, seconds, reclaim);
		pf_uring_exit(&u);
	}
	pf_scratch_close(&s);
	return res;
}
