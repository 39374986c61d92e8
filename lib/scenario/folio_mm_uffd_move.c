// SPDX-License-Identifier: GPL-2.0
/*
 * UFFDIO_MOVE (v6.8, adef440691ba) of a page whose PTE is a swap entry while
 * its folio sits in the swap cache. Since c50f8e6053b0 (v6.14; 6.12.20)
 * move_pages_pte() looks the folio up in the swap cache and moves its rmap
 * with the entry; 0ea148a79919 (v6.16; 6.12.37) checks, under the locks,
 * that the folio it found still belongs to the entry and that no folio came
 * into the swap cache after the lookup: before it, a folio of another VMA
 * that reused the swap slot could be moved into the destination.
 *
 * The answer: since 50944692052b (v6.18, batched MOVE) move_pages() keeps
 * the -EAGAIN of one move_pages_ptes() try in err when the next try moves
 * the page, goes round again without counting it, finds the destination
 * full and answers EEXIST with uffdio_move.move = -EEXIST: nothing moved, it
 * says, yet the page did. f025ca73decd (v7.3; 7.2.y) resets err.
 */
#include "folio_mm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pagemap.h"
#include "pattern.h"
#include "small_pages.h"
#include "swap.h"

/* uapi of v6.8, absent from older headers */
#define PF_UFFD_FEATURE_MOVE (1ull << 16)
#define PF_UFFDIO_MOVE_NR 0x05
struct pf_uffdio_move {
	uint64_t dst, src, len, mode;
	int64_t move;
};
#define PF_UFFDIO_MOVE _IOWR(UFFDIO, PF_UFFDIO_MOVE_NR, struct pf_uffdio_move)

enum { SEED_TARGET = 0x301, SEED_LEFT = 0x302, SEED_RIGHT = 0x303, SEED_OTHER = 0x310 };

#define SRC_PAGES 3		/* left neighbour, the target, right neighbour */
#define OTHER_PAGES 16		/* another VMA's pages, swapped out too */
#define SWAPCACHE_WAIT_MS 1000
#define MOVE_TRIES 100

struct move_case {
	int uffd;
	char *src, *other, *dst[2];
	size_t ps;
};

static uint32_t other_seed(size_t i)
{
	return SEED_OTHER + (uint32_t)i;
}

static int uffd_open(void)
{
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 && errno == EPERM) {
		int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);

		if (dev >= 0) {
			fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
			close(dev);
		}
	}
	return fd;
}

static enum pf_result uffd_move_start(struct move_case *m)
{
	struct uffdio_api api = { .api = UFFD_API, .features = PF_UFFD_FEATURE_MOVE };

	m->uffd = uffd_open();
	if (m->uffd < 0)
		return pf_skip("userfaultfd: %s", strerror(errno));
	if (ioctl(m->uffd, UFFDIO_API, &api))
		return pf_skip("UFFD_FEATURE_MOVE not offered (%s): UFFDIO_MOVE came in v6.8",
			       strerror(errno));
	return PF_PASS;
}

static enum pf_result uffd_register(struct move_case *m, char *addr)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = m->ps },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	if (ioctl(m->uffd, UFFDIO_REGISTER, &reg))
		return pf_skip("UFFDIO_REGISTER: %s", strerror(errno));
	if (!(reg.ioctls & (1ull << PF_UFFDIO_MOVE_NR)))
		return pf_skip("UFFDIO_MOVE not offered for an anonymous range");
	return PF_PASS;
}

static enum pf_result map_all(struct move_case *m)
{
	m->ps = pf_page_size();
	m->src = pf_map_small_pages(SRC_PAGES * m->ps);
	m->other = pf_map_small_pages(OTHER_PAGES * m->ps);
	m->dst[0] = pf_map_small_pages(m->ps);
	m->dst[1] = pf_map_small_pages(m->ps);
	if (!m->src || !m->other || !m->dst[0] || !m->dst[1])
		return pf_error("mmap: %s", strerror(errno));
	pf_pattern_fill(m->src, m->ps, SEED_LEFT);
	pf_pattern_fill(m->src + m->ps, m->ps, SEED_TARGET);
	pf_pattern_fill(m->src + 2 * m->ps, m->ps, SEED_RIGHT);
	for (size_t i = 0; i < OTHER_PAGES; i++)
		pf_pattern_fill(m->other + i * m->ps, m->ps, other_seed(i));
	return PF_PASS;
}

static void unmap_all(struct move_case *m)
{
	if (m->src)
		munmap(m->src, SRC_PAGES * m->ps);
	if (m->other)
		munmap(m->other, OTHER_PAGES * m->ps);
	for (int i = 0; i < 2; i++)
		if (m->dst[i])
			munmap(m->dst[i], m->ps);
	if (m->uffd >= 0)
		close(m->uffd);
}

static int in_swap_cache(const char *addr)
{
	unsigned char vec = 0;

	return !mincore((void *)addr, pf_page_size(), &vec) && (vec & 1);
}

/*
 * The target swapped out, then read back into the swap cache by
 * MADV_WILLNEED (swap readahead), which leaves the PTE a swap entry.
 */
static enum pf_result target_in_swap_cache(struct move_case *m)
{
	char *t = m->src + m->ps, why[256];
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	madvise(m->other, OTHER_PAGES * m->ps, MADV_PAGEOUT);
	if (pf_swap_out(m->src, SRC_PAGES * m->ps, why, sizeof(why)))
		return pf_skip("could not swap the source out: %s", why);
	for (int ms = 0; ms < SWAPCACHE_WAIT_MS; ms += 10) {
		if (madvise(t, m->ps, MADV_WILLNEED))
			return pf_skip("MADV_WILLNEED: %s", strerror(errno));
		if (in_swap_cache(t))
			break;
		nanosleep(&pause, NULL);
	}
	if (!(pf_pagemap(t) & PM_SWAP))
		return pf_skip("the target's PTE is no longer a swap entry (pagemap 0x%llx)",
			       (unsigned long long)pf_pagemap(t));
	if (!in_swap_cache(t))
		return pf_skip("MADV_WILLNEED did not bring the swapped-out page into the swap cache within %d ms",
			       SWAPCACHE_WAIT_MS);
	pf_diag("source page: PTE a swap entry, folio in the swap cache (mincore)");
	return PF_PASS;
}

/*
 * 0, or -errno of the last try (EAGAIN retried: the ioctl answers EAGAIN only
 * when it moved less than len, here nothing). *moved (may be NULL) gets the
 * last try's uffdio_move.move: bytes moved, or the negated error.
 */
static int move_page_moved(struct move_case *m, char *to, char *from, int64_t *moved)
{
	struct pf_uffdio_move mv = { .dst = (uintptr_t)to, .src = (uintptr_t)from,
				     .len = m->ps };
	int err = 0;

	for (int i = 0; i < MOVE_TRIES; i++) {
		mv.move = 0;
		if (!ioctl(m->uffd, PF_UFFDIO_MOVE, &mv)) {
			err = 0;
			break;
		}
		err = -errno;
		if (err != -EAGAIN)
			break;
	}
	if (moved)
		*moved = mv.move;
	return err;
}

static int move_page(struct move_case *m, char *to, char *from)
{
	return move_page_moved(m, to, from, NULL);
}

enum pf_result pf_moved_page_check(const char *dst, uint32_t want,
				   const uint32_t *others, size_t n_others)
{
	size_t ps = pf_page_size();
	struct pf_mismatch mm;

	if (!pf_pattern_check(dst, ps, want, &mm))
		return PF_PASS;
	for (size_t i = 0; i < n_others; i++)
		if (!pf_pattern_check(dst, ps, others[i], &mm))
			return pf_fail("the moved page holds the data of another page (seed 0x%x), not its own",
				       others[i]);
	pf_pattern_check(dst, ps, want, &mm);
	pf_mismatch_diag("moved page", &mm);
	return pf_fail("the moved page does not hold its data (%zu bytes differ)", mm.bad_bytes);
}

/* Reading an empty registered page would wait for a handler nobody runs. */
static enum pf_result check_moved(const char *dst)
{
	uint32_t others[2 + OTHER_PAGES] = { SEED_LEFT, SEED_RIGHT };

	if (!(pf_pagemap(dst) & (PM_PRESENT | PM_SWAP)))
		return pf_fail("the destination maps nothing after the move succeeded");

	for (size_t i = 0; i < OTHER_PAGES; i++)
		others[2 + i] = other_seed(i);
	return pf_moved_page_check(dst, SEED_TARGET, others, 2 + OTHER_PAGES);
}

/* The pages that were not moved keep their data. */
static enum pf_result check_neighbours(const struct move_case *m)
{
	struct pf_mismatch mm;

	if (m->src && (pf_pattern_check(m->src, m->ps, SEED_LEFT, &mm) ||
		       pf_pattern_check(m->src + 2 * m->ps, m->ps, SEED_RIGHT, &mm)))
		return pf_fail("a neighbour of the moved page lost its data");
	for (size_t i = 0; i < OTHER_PAGES; i++)
		if (pf_pattern_check(m->other + i * m->ps, m->ps, other_seed(i), &mm))
			return pf_fail("page %zu of another VMA lost its data", i);
	return PF_PASS;
}

static enum pf_result move_refused(int err)
{
	if (err == -EBUSY)
		return pf_skip("UFFDIO_MOVE refused the swapped-out page (EBUSY): not exclusive to the source");
	return pf_error("UFFDIO_MOVE: %s", strerror(-err));
}

/*
 * After the move the source VMA goes away (its anon_vma with it, when
 * nothing else holds it): a swap-cache folio whose rmap still named the
 * source (no c50f8e6053b0) is then mapped at the destination with a stale
 * index and anon_vma, which CONFIG_DEBUG_VM kernels BUG on in
 * __page_check_anon_rmap().
 */
static enum pf_result move_once(struct move_case *m)
{
	char *t = m->src + m->ps, why[256];
	enum pf_result res;
	int err = move_page(m, m->dst[0], t);

	if (err)
		return move_refused(err);
	pf_diag("moved: destination PTE %s, %s the swap cache (policy, not checked)",
		pf_pagemap(m->dst[0]) & PM_SWAP ? "a swap entry" : "present",
		in_swap_cache(m->dst[0]) ? "in" : "not in");
	res = (pf_pagemap(t) & (PM_PRESENT | PM_SWAP)) ?
		pf_fail("the source still maps a page after the move") : PF_PASS;
	res = pf_worst(res, check_neighbours(m));
	munmap(m->src, SRC_PAGES * m->ps);
	m->src = NULL;
	res = pf_worst(res, check_moved(m->dst[0]));
	if (res == PF_PASS && pf_swap_out(m->dst[0], m->ps, why, sizeof(why)))
		pf_diag("the moved page did not swap out again: %s", why);
	return res == PF_PASS ? check_moved(m->dst[0]) : res;
}

/* ---- the race: moves against swap-in/out of the page and slot churn ---- */

struct race {
	struct move_case *m;
	char *volatile at;	/* where the target is now */
	volatile int stop;
	long swaps, churns;
	long eexist_moved;	/* EEXIST returned, yet the page moved */
	double first_eexist;	/* seconds into the race of the first, or -1 */
	int64_t first_eexist_move;	/* uffdio_move.move of the first */
};

static int maps_page(const char *addr)
{
	return !!(pf_pagemap(addr) & (PM_PRESENT | PM_SWAP));
}

static void *swap_in_out(void *arg)
{
	struct race *r = arg;

	while (!r->stop) {
		char *at = r->at;

		madvise(at, r->m->ps, MADV_PAGEOUT);
		madvise(at, r->m->ps, MADV_WILLNEED);
		r->swaps++;
	}
	return NULL;
}

/* Frees and reuses swap slots: another VMA's pages out and back in. */
static void *churn_slots(void *arg)
{
	struct race *r = arg;
	size_t len = OTHER_PAGES * r->m->ps;

	while (!r->stop) {
		madvise(r->m->other, len, MADV_PAGEOUT);
		for (size_t off = 0; off < len; off += r->m->ps)
			(void)*(volatile char *)(r->m->other + off);
		r->churns++;
	}
	return NULL;
}

/* The first bytes of the page after a move: a cheap look for a hit. */
static int looks_moved(const char *at)
{
	struct pf_mismatch mm;

	return !pf_pattern_check(at, 64, SEED_TARGET, &mm);
}

int pf_eexist_but_moved(int err, const char *to, const char *from)
{
	return err == -EEXIST && maps_page(to) && !maps_page(from);
}

static void note_eexist_but_moved(struct race *r, double start, int64_t move_field)
{
	if (r->eexist_moved++)
		return;
	r->first_eexist = pf_now() - start;
	r->first_eexist_move = move_field;
}

static enum pf_result race_moves(struct move_case *m, struct race *r, double seconds)
{
	double start = pf_now(), end = start + seconds, first_hit = -1;
	long moves = 0, refused = 0;
	int i = 0;

	while (pf_now() < end && first_hit < 0) {
		char *to = m->dst[i], *from = r->at;
		int64_t move_field = 0;
		int err = move_page_moved(m, to, from, &move_field);

		if (err == -EBUSY) {
			refused++;
			continue;
		}
		if (pf_eexist_but_moved(err, to, from))
			note_eexist_but_moved(r, start, move_field);
		else if (err)
			return pf_error("UFFDIO_MOVE: %s", strerror(-err));
		r->at = to;
		i = !i;
		moves++;
		if (!looks_moved(to))
			first_hit = pf_now() - start;
	}
	pf_diag("race: attempts=%ld moves=%ld refused=%ld swaps=%ld churns=%ld hits=%d first_hit_s=%.3f eexist_but_moved=%ld first_eexist_s=%.3f first_eexist_move=%lld seconds=%.2f",
		moves + refused, moves, refused, r->swaps, r->churns, first_hit >= 0,
		first_hit, r->eexist_moved, r->first_eexist,
		(long long)r->first_eexist_move, pf_now() - start);
	if (!moves)
		return pf_skip("no UFFDIO_MOVE succeeded in %.2f s", seconds);
	return PF_PASS;
}

static enum pf_result move_race(struct move_case *m, double seconds, long *eexist_moved)
{
	struct race r = { .m = m, .first_eexist = -1 };
	pthread_t swapper, churner;
	enum pf_result res;

	/* the first move takes the page from the source into dst[1] */
	int err = move_page(m, m->dst[1], m->src + m->ps);

	if (err)
		return move_refused(err);
	r.at = m->dst[1];
	if (pthread_create(&swapper, NULL, swap_in_out, &r))
		return pf_error("pthread_create failed");
	if (pthread_create(&churner, NULL, churn_slots, &r)) {
		r.stop = 1;
		pthread_join(swapper, NULL);
		return pf_error("pthread_create failed");
	}
	res = race_moves(m, &r, seconds);
	r.stop = 1;
	pthread_join(swapper, NULL);
	pthread_join(churner, NULL);
	if (res == PF_PASS)
		res = check_moved(r.at);
	*eexist_moved = r.eexist_moved;
	return pf_worst(res, check_neighbours(m));
}

static enum pf_result move_case_run(struct move_case *m, double race_seconds,
				    long *eexist_moved)
{
	enum pf_result res = uffd_move_start(m);

	if (res == PF_PASS)
		res = map_all(m);
	if (res == PF_PASS)
		res = uffd_register(m, m->dst[0]);
	if (res == PF_PASS)
		res = uffd_register(m, m->dst[1]);
	if (res == PF_PASS)
		res = target_in_swap_cache(m);
	if (res != PF_PASS)
		return res;
	return race_seconds > 0 ? move_race(m, race_seconds, eexist_moved) : move_once(m);
}

enum pf_result pf_uffd_move_swapcache_run(double race_seconds, long *eexist_moved)
{
	struct move_case m = { .uffd = -1 };
	long ignored = 0;
	enum pf_result res = move_case_run(&m, race_seconds,
					   eexist_moved ? eexist_moved : &ignored);

	unmap_all(&m);
	return res;
}
