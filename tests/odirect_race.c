// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT racing fork. One thread keeps reading by O_DIRECT into the first
 * half of a page while another thread forks and the parent then writes the
 * second half. Before the block layer pinned user pages (FOLL_PIN, v6.5,
 * a7e689dd1c06 and 1ccf164ec866) it took plain references: fork did not
 * copy the page early, the parent's write fault copied it away from the
 * page the I/O was filling, and the read data never arrived in the parent.
 */
#include "dio_race.h"
#include "model.h"

static enum pf_result odirect_read_vs_fork(struct pf_ctx *ctx)
{
	return pf_dio_race_run(ctx->region, ctx->race_seconds,
			       pf_disturb_fork);
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
