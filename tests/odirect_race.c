// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT racing fork. One thread keeps reading by O_DIRECT into the first
 * half of a page while another thread forks and the parent then writes the
 * second half. Before the block layer pinned user pages (FOLL_PIN, v6.5)
 * it took plain references: fork did not copy the page early, the parent's
 * write fault copied it away from the page the I/O was filling, and the
 * read data never arrived in the parent.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "odirect.h"
#include "pattern.h"

#define RACE_BLOCKS 64
#define SEED_BASE 1000

struct race {
	struct pf_scratch s;
	char *page;
	size_t half;
	double deadline;
	atomic_int stop;
	long reads, forks;
	long bad_read;		/* iteration of the first lost read, or -1 */
	size_t bad_block;
	struct pf_mismatch m;
	int io_error;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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
	return -1;
}

static void *reader(void *arg)
{
	struct race *rc = arg;

	while (!atomic_load(&rc->stop) && now() < rc->deadline) {
		if (read_one(rc, rc->reads % RACE_BLOCKS))
			break;
		rc->reads++;
	}
	atomic_store(&rc->stop, 1);
	return NULL;
}

static void *forker(void *arg)
{
	struct race *rc = arg;
	volatile char *other = rc->page + rc->half;

	while (!atomic_load(&rc->stop)) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		other[rc->forks % rc->half] = (char)rc->forks;
		rc->forks++;
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

static enum pf_result verdict(struct race *rc, double seconds)
{
	pf_diag("%ld O_DIRECT reads, %ld forks in %.1f s", rc->reads, rc->forks,
		seconds);
	if (rc->io_error)
		return pf_error("O_DIRECT read failed");
	if (rc->bad_read >= 0) {
		pf_diag("read %ld (file block %zu) lost its data", rc->bad_read,
			rc->bad_block);
		pf_mismatch_diag("O_DIRECT read into half a page, other half written after fork",
				 &rc->m);
		return pf_fail("O_DIRECT read data lost while another thread forked");
	}
	if (!rc->reads || !rc->forks)
		return pf_error("the race did not run (reads %ld, forks %ld)",
				rc->reads, rc->forks);
	return PF_PASS;
}

static enum pf_result odirect_read_vs_fork(struct pf_ctx *ctx)
{
	static struct race rc;	/* static: the threads and fork children share it */
	pthread_t rt, ft;
	char why[256];
	double start = now();
	enum pf_result res;

	memset(&rc, 0, sizeof(rc));
	if (prepare(&rc, ctx->region, why, sizeof(why))) {
		pf_scratch_close(&rc.s);
		return pf_skip("%s", why);
	}
	rc.deadline = start + ctx->race_seconds;
	if (pthread_create(&rt, NULL, reader, &rc))
		return pf_error("pthread_create failed");
	if (pthread_create(&ft, NULL, forker, &rc)) {
		atomic_store(&rc.stop, 1);
		pthread_join(rt, NULL);
		return pf_error("pthread_create failed");
	}
	pthread_join(rt, NULL);
	pthread_join(ft, NULL);
	res = verdict(&rc, now() - start);
	pf_scratch_close(&rc.s);
	return res;
}

static const struct pf_template templates[] = {
	{
		.name = "odirect-read-vs-fork",
		.summary = "O_DIRECT reads into half a page while another thread forks and the parent writes the other half: no read is lost",
		.run = odirect_read_vs_fork,
		.fixes = { "a7e689dd1c06", "1ccf164ec866", "70e806e4e645" },
		.needs = PF_NEED_ODIRECT,
		.groups = PF_GROUP_RACE,
		.use_backing = 1,
		.backing_needs = PF_BK_PAGE_ALIGNED,
	},
};

PF_MAIN(templates)
