// SPDX-License-Identifier: GPL-2.0
#include <time.h>

#include "pf_case.h"

double pf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double case_start;

void pf_case_clock_start(void)
{
	case_start = pf_now();
}

double pf_case_elapsed(void)
{
	return pf_now() - case_start;
}
