// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the O_DIRECT race oracle: the disturbing thread
 * maps a fresh page over the one the reads go to, which is what a COW
 * away from an in-flight read looks like from userspace. The oracle must
 * report a lost read.
 */
#include <string.h>
#include <sys/mman.h>

#include "dio_race.h"

static void remap_page(char *page, size_t half, long n)
{
	(void)n;
	mmap(page, 2 * half, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

static enum pf_result race_sees_remap(struct pf_ctx *ctx)
{
	enum pf_result r = pf_dio_race_run(ctx->region, 5, remap_page);

	return pf_expect(r, PF_FAIL, "race oracle on reads into a remapped page");
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
};

PF_MAIN(templates)
