// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the O_DIRECT race oracle: the disturbing thread
 * maps a fresh page over the one the reads go to, which is what a COW
 * away from an in-flight read looks like from userspace. The oracle must
 * report a lost read.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "dio_race.h"
#include "model.h"

static int remap_page(char *page, size_t half, long n)
{
	(void)n;
	if (mmap(page, 2 * half, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -errno;
	return 0;
}

/* What every fork() failing with EAGAIN looks like to the race. */
static int fork_refused(char *page, size_t half, long n)
{
	(void)page, (void)half, (void)n;
	return -EAGAIN;
}

/* A fork whose child is killed before it exits: pf_fork_exit_now() says
 * -ECHILD. Such a fork must not count as one. */
static int child_killed(char *page, size_t half, long n)
{
	(void)page, (void)half, (void)n;
	return -ECHILD;
}

static enum pf_result race_sees_remap(struct pf_ctx *ctx)
{
	enum pf_result r = pf_dio_race_run(ctx->region, 5, remap_page);

	return pf_expect(r, PF_FAIL, "race oracle on reads into a remapped page");
}

static enum pf_result race_without_forks(struct pf_ctx *ctx)
{
	enum pf_result r = pf_dio_race_run(ctx->region, 0.3, fork_refused);

	return pf_expect(r, PF_ERROR, "race whose every fork failed");
}

static enum pf_result race_with_killed_children(struct pf_ctx *ctx)
{
	enum pf_result r = pf_dio_race_run(ctx->region, 0.3, child_killed);

	return pf_expect(r, PF_ERROR, "race whose forked children all died");
}

static const struct pf_template templates[] = {
	{
		.name = "race-sees-remapped-page",
		.summary = "O_DIRECT race oracle fails when the page is replaced under in-flight reads",
		.run = race_sees_remap,
		.needs = PF_NEED_ODIRECT,
		.use_backing = 1,
		.backing_needs = PF_BK_MMAP,
		/* a 4 KiB MAP_FIXED cannot land inside a hugetlb page */
		.backing_excludes = PF_BK_LARGE | PF_BK_HUGETLB,
	},
	{
		.name = "race-without-forks-is-error",
		.summary = "O_DIRECT race whose fork() always fails (EAGAIN) is ERROR, not a pass",
		.run = race_without_forks,
		.needs = PF_NEED_ODIRECT,
		.use_backing = 1,
		.backing_needs = PF_BK_MMAP,
		.backing_excludes = PF_BK_LARGE | PF_BK_HUGETLB,
	},
	{
		.name = "race-with-killed-children-is-error",
		.summary = "O_DIRECT race whose forked children die before exiting is ERROR, not a pass",
		.run = race_with_killed_children,
		.needs = PF_NEED_ODIRECT,
		.use_backing = 1,
		.backing_needs = PF_BK_MMAP,
		.backing_excludes = PF_BK_LARGE | PF_BK_HUGETLB,
	},
};

PF_MAIN(templates)
