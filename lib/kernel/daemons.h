/* SPDX-License-Identifier: GPL-2.0 */
/* ksmd and khugepaged driven through journaled knobs (restored after the case). */
#ifndef PINFORK_DAEMONS_H
#define PINFORK_DAEMONS_H

#include "pf_case.h"

/*
 * ksmd: run=1, many pages per scan, no sleep (journaled, restored after
 * the case). PF_PASS or PF_SKIP.
 */
enum pf_result pf_ksm_start(void);
/*
 * Waits until ksmd has completed at least two full scans since the call
 * and done(arg) holds, or six full scans, or seconds passed. Returns the
 * number of full scans seen.
 */
long pf_ksm_wait(int (*done)(void *arg), void *arg, double seconds);
/* /proc/self/ksm_stat and the global pages_sharing, as '#' lines. */
void pf_ksm_diag(void);

/* khugepaged: scan without sleeping (journaled). PF_PASS or PF_SKIP. */
enum pf_result pf_khugepaged_start(void);
/* As pf_ksm_wait, for khugepaged's full_scans. */
long pf_khugepaged_wait(int (*done)(void *arg), void *arg, double seconds);

#endif
