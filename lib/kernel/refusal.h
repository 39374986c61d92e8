/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an errno from the kernel means for a case's verdict:
 *  - a missing prerequisite (the feature is not built in, no privilege as
 *    non-root, RLIMIT_MEMLOCK without CAP_IPC_LOCK) is SKIP with the reason;
 *  - a refusal, on the case's backing, of an operation that a control on
 *    plain anonymous memory accepts is FAIL: the kernel refused what it
 *    must do (documented refusals are handled by the caller, with a cite);
 *  - anything else is an ERROR of the case's machinery.
 */
#ifndef PINFORK_REFUSAL_H
#define PINFORK_REFUSAL_H

#include <stddef.h>

#include "pf_case.h"

/* 1 (and why) when err means a prerequisite is missing here, else 0. */
int pf_missing_prerequisite(int err, char *why, size_t size);

/*
 * The verdict on what (e.g. "registering the fixed buffer") failing with
 * err on the case's memory, when the same operation on plain anonymous
 * memory got control_err (0: accepted).
 */
enum pf_result pf_refusal_verdict(const char *what, int err, int control_err);

#endif
