/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registration-vs-fork race of tests/rdma_mr.c, its forking side and
 * its verdict: a thread forks (each child exits at once) while the case
 * registers MRs; the race line and the rule that a race without a single
 * fork is an ERROR, not a pass nor a skip. No libibverbs here.
 */
#ifndef PINFORK_RDMA_RACE_H
#define PINFORK_RDMA_RACE_H

#include <pthread.h>

#include "pf_case.h"

struct pf_forker {
	pthread_t t;
	volatile int stop;
	long forks;
	long errors;
	int first_err;		/* errno of the first failed fork */
};

/* 0, or -errno when the thread could not start. */
int pf_forker_start(struct pf_forker *fk);
void pf_forker_stop(struct pf_forker *fk);

/* The registration side: rounds done, first loss (seconds, -1: none). */
struct pf_reg_race {
	double start;
	long rounds;
	double loss_at;
};

/*
 * Prints the race line and returns res (the registration side's verdict),
 * or ERROR when the forking thread never forked.
 */
enum pf_result pf_reg_race_verdict(enum pf_result res, const struct pf_reg_race *st,
				   const struct pf_forker *fk);

#endif
