/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kselftest-compatible TAP emitter (our own, same output contract):
 * "TAP version 13", a plan, one flat level of results, a Totals line and
 * exit codes 0 (no failure), 1 (failure), 4 (everything skipped).
 */
#ifndef PINFORK_TAP_H
#define PINFORK_TAP_H

#include <stdio.h>

enum tap_status {
	TAP_PASS,
	TAP_FAIL,
	TAP_SKIP,
	TAP_XFAIL,
	TAP_XPASS,
	TAP_ERROR,	/* the case could not be run or judged (crash, bad setup) */
	TAP_TIMEOUT,	/* the case ran out of time; counted as an error */
};

#define TAP_EXIT_PASS 0
#define TAP_EXIT_FAIL 1
#define TAP_EXIT_SKIP 4

struct tap {
	FILE *out;
	int next;	/* number of the next result line */
	int planned;
	int counts[TAP_TIMEOUT + 1];
};

void tap_init(struct tap *t, FILE *out);
void tap_plan(struct tap *t, int n);
void tap_diag(struct tap *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* reason may be NULL; for SKIP it is printed as a '#' line before the result */
void tap_result(struct tap *t, const char *name, enum tap_status st,
		const char *reason);
void tap_skip_all(struct tap *t, const char *reason);
void tap_bail_out(struct tap *t, const char *reason);
void tap_totals(struct tap *t);
int tap_exit_code(const struct tap *t);
const char *tap_status_name(enum tap_status st);

#endif
