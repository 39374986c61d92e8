/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the harness: case expansion, needs, per-case execution. */
#ifndef PINFORK_RUNNER_H
#define PINFORK_RUNNER_H

#include <stddef.h>

#include "pf_case.h"

struct pf_options {
	const char *globs[32];
	int nglobs;
	int list;
	int timeout;		/* per case, seconds; 0 = the case's own */
	double race_seconds;
	int profile;		/* enum pf_profile: the profile to run */
};

/* Expands templates over tables into cases; returns how many (caller frees *out). */
size_t pf_expand(const struct pf_template *t, size_t count,
		 const struct pf_tables *tables, struct pf_case **out);

/* Runs one case in a child process group; fills reason and output. */
enum tap_status pf_run_case(const struct pf_case *c,
			    const struct pf_options *o, char *reason,
			    size_t reason_size, double *seconds);

/* What the last case printed, without the '# ' prefixes. */
const char *pf_case_log(void);
void pf_case_log_clear(void);

#endif
