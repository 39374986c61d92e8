/* SPDX-License-Identifier: GPL-2.0 */
/* File integrity for the (huge) zero page: it still reads zeros. */
#ifndef PINFORK_ZERO_ORACLE_H
#define PINFORK_ZERO_ORACLE_H

#include <stddef.h>

#include "pattern.h"
#include "pf_case.h"

/* Oracle: buf reads zeros. PF_PASS, or PF_FAIL with the first bad offset. */
enum pf_result pf_reads_zeros(const void *buf, size_t len, const char *what,
			      struct pf_mismatch *m);
/* Oracle: a fresh mapping over the (huge) zero page reads zeros.
 * PF_SKIP when the fresh mapping is not backed by it. */
enum pf_result pf_zero_page_intact(int huge, const char *when);

#endif
