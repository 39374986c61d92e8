/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-case records for the results folder: when $PINFORK_RECORD names a
 * file, one line per case is appended: tab-separated, with \t, \n and \\
 * escaped: program, name, status, seconds, reason, summary, fixes, CVEs
 * and what the case printed.
 */
#ifndef PINFORK_RECORD_H
#define PINFORK_RECORD_H

#include "pf_case.h"
#include "tap.h"

#define PF_REASON_MAX_RUNNER 1024

void pf_record(const char *prog, const struct pf_case *c, enum tap_status st,
	       const char *reason, double seconds);

#endif
