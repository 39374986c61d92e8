// SPDX-License-Identifier: GPL-2.0
/* The forking side and the verdict of the registration race (rdma_race.h). */
#include "rdma_race.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "event.h"

static void *fork_loop(void *arg)
{
	struct pf_forker *fk = arg;

	while (!fk->stop) {
		int err = pf_fork_exit_now();

		if (!err) {
			fk->forks++;
			continue;
		}
		if (!fk->errors++)
			fk->first_err = -err;
		usleep(1000);	/* a failing fork (EAGAIN) must not spin */
	}
	return NULL;
}

int pf_forker_start(struct pf_forker *fk)
{
	memset(fk, 0, sizeof(*fk));
	return -pthread_create(&fk->t, NULL, fork_loop, fk);
}

void pf_forker_stop(struct pf_forker *fk)
{
	fk->stop = 1;
	pthread_join(fk->t, NULL);
}

/*
 * The line every race prints (lib/scenario/dio_race.c); reads= counts
 * registrations here, each followed by an RDMA READ and WRITE of the MR.
 */
static void race_line(const struct pf_reg_race *st, const struct pf_forker *fk)
{
	char first_loss[32] = "-";

	if (st->loss_at >= 0)
		snprintf(first_loss, sizeof(first_loss), "%.3f", st->loss_at);
	pf_diag("race: reads=%ld forks=%ld fork_errors=%ld lost=%d first_loss_s=%s seconds=%.1f",
		st->rounds, fk->forks, fk->errors, st->loss_at >= 0, first_loss,
		pf_now() - st->start);
	if (fk->errors)
		pf_diag("first failed fork: %s", strerror(fk->first_err));
}

enum pf_result pf_reg_race_verdict(enum pf_result res, const struct pf_reg_race *st,
				   const struct pf_forker *fk)
{
	race_line(st, fk);
	if (res != PF_PASS || fk->forks)
		return res;
	if (fk->errors)
		return pf_error("the race did not fork (%ld attempts failed: %s)",
				fk->errors, strerror(fk->first_err));
	return pf_error("the race did not fork");
}
