// SPDX-License-Identifier: GPL-2.0
#include "dio_race.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "odirect.h"
#include "pattern.h"

#define RACE_BLOCKS 64
#define SEED_BASE 1000

struct race {
	struct pf_scratch s;
	char *page;
	size_t half;
	double deadline;
	pf_disturb_fn disturb;
	atomic_int stop;
	atomic_int disturbing;
	long reads, disturbs, disturb_errors;
	int first_disturb_err;	/* -errno of the first failed disturbance */
	long bad_read;		/* number of the first lost read, or -1 */
	double start, loss_at;	/* pf_now() at the start and at the first loss */
	size_t bad_block;
	struct pf_mismatch m;
	int io_error;
};

int pf_disturb_fork(char *page, size_t half, long n)
{
	(void)page, (void)half, (void)n;
	return pf_fork_exit_now();
}

static int read_one(struct race *rc, size_t block)
{
	memset(rc->page, 0, rc->half);
	if (pf_dio_read(&rc->s, rc->page, rc->half, block * rc->half)) {
		rc->io_error = 1;
		return -1;
	}
	if (!pf_pattern_check(rc->page, rc->half, SEED_BASE + block, &rc->m))
		return 0;
	rc->bad_read = rc->reads;
	rc->bad_block = block;
	rc->loss_at = pf_now();
	return -1;
}

static void *reader(void *arg)
{
	struct race *rc = arg;

	while (!atomic_load(&rc->stop) && pf_now() < rc->deadline) {
		if (read_one(rc, rc->reads % RACE_BLOCKS))
			break;
		rc->reads++;
	}
	atomic_store(&rc->stop, 1);
	return NULL;
}

/*
 * The parent's writes to the other half: a thread of their own, so the
 * write fault comes as soon as fork has write-protected the page, while a
 * read is still in flight.
 */
static void *writer(void *arg)
{
	struct race *rc = arg;
	volatile char *other = rc->page + rc->half;

	for (long n = 0; !atomic_load(&rc->stop); n++) {
		/* spin only around a disturbance, leave the CPUs to I/O otherwise */
		if (!atomic_load(&rc->disturbing)) {
			sched_yield();
			continue;
		}
		other[n % rc->half] = (char)n;
	}
	return NULL;
}

static void *disturber(void *arg)
{
	struct race *rc = arg;

	for (long n = 0; !atomic_load(&rc->stop); n++) {
		int err;

		atomic_store(&rc->disturbing, 1);
		err = rc->disturb(rc->page, rc->half, n);
		if (!err)
			rc->disturbs++;
		else if (!rc->disturb_errors++)
			rc->first_disturb_err = err;
		usleep(100);	/* let the writer fault after fork returns */
		atomic_store(&rc->disturbing, 0);
	}
	return NULL;
}

static int prepare(struct race *rc, struct pf_region *r, char *why, size_t size)
{
	rc->page = r->base + (r->len / 2 & ~(pf_page_size() - 1));
	rc->half = pf_page_size() / 2;
	rc->bad_read = -1;
	if (pf_scratch_open(&rc->s, RACE_BLOCKS * rc->half, why, size))
		return -1;
	if (rc->half % rc->s.mem_align) {
		snprintf(why, size, "O_DIRECT needs %zu-byte alignment, more than half a page",
			 rc->s.mem_align);
		return -1;
	}
	for (size_t b = 0; b < RACE_BLOCKS; b++)
		if (pf_scratch_fill(&rc->s, b * rc->half, rc->half, SEED_BASE + b)) {
			snprintf(why, size, "cannot fill the scratch file");
			return -1;
		}
	return 0;
}

static void print_statistics(const struct race *rc, double seconds)
{
	char first_loss[32] = "-";

	if (rc->bad_read >= 0)
		snprintf(first_loss, sizeof(first_loss), "%.3f",
			 rc->loss_at - rc->start);
	pf_diag("race: reads=%ld forks=%ld fork_errors=%ld lost=%d first_loss_s=%s seconds=%.1f",
		rc->reads, rc->disturbs, rc->disturb_errors,
		rc->bad_read >= 0, first_loss, seconds);
}

static enum pf_result verdict(struct race *rc, double seconds)
{
	print_statistics(rc, seconds);
	if (rc->disturb_errors)
		pf_diag("first failed disturbance: %s", strerror(-rc->first_disturb_err));
	if (rc->io_error)
		return pf_error("O_DIRECT read failed");
	if (rc->bad_read >= 0) {
		pf_diag("read %ld (file block %zu) lost its data", rc->bad_read,
			rc->bad_block);
		pf_mismatch_diag("O_DIRECT read into half a page", &rc->m);
		return pf_fail("O_DIRECT read data lost in the race");
	}
	if (!rc->disturbs)
		return pf_error("the race did not fork (%ld attempts failed)",
				rc->disturb_errors);
	if (!rc->reads)
		return pf_error("the race did not read");
	return PF_PASS;
}

static enum pf_result race_threads(struct race *rc)
{
	void *(*fns[])(void *) = { reader, writer, disturber };
	pthread_t t[3];
	int started = 0;

	while (started < 3 && !pthread_create(&t[started], NULL, fns[started], rc))
		started++;
	if (started < 3)
		atomic_store(&rc->stop, 1);
	while (started--)
		pthread_join(t[started], NULL);
	return atomic_load(&rc->stop) && !rc->reads && !rc->io_error &&
	       rc->bad_read < 0 ? pf_error("pthread_create failed") : PF_PASS;
}

enum pf_result pf_dio_race_run(struct pf_region *r, double seconds,
			       pf_disturb_fn disturb)
{
	static struct race rc;	/* static: shared by the threads */
	double start = pf_now();
	enum pf_result res;
	char why[256];

	memset(&rc, 0, sizeof(rc));
	rc.disturb = disturb;
	if (prepare(&rc, r, why, sizeof(why))) {
		pf_scratch_close(&rc.s);
		return pf_skip("%s", why);
	}
	rc.start = start;
	rc.deadline = start + seconds;
	res = race_threads(&rc);
	if (res == PF_PASS)
		res = verdict(&rc, pf_now() - start);
	pf_scratch_close(&rc.s);
	return res;
}
