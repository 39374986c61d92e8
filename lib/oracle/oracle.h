/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oracles: what must hold after the event. Each returns PF_PASS, or records
 * why not (pf_fail/pf_error) with the first bad offset as a diagnostic.
 * check/selftest_oracles.c builds every symptom in userspace to prove each
 * one can fail.
 */
#ifndef PINFORK_ORACLE_H
#define PINFORK_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "odirect.h"
#include "pf_case.h"
#include "uring.h"

/* Isolation: what a child checks in its own copy (pf_child_fn argument). */
struct pf_child_view {
	const void *base;
	size_t len;
	uint32_t seed;		/* the pattern it must still hold */
};

/* pf_child_fn: 0 when the child's copy still holds view->seed's pattern. */
int pf_child_keeps(void *view);

/* The exit status of a child that ran pf_child_keeps, as a verdict. */
enum pf_result pf_isolation_verdict(int child_status);

/* The CPU's view holds seed's pattern; else FAIL with what and the first bad offset. */
enum pf_result pf_view_holds(const void *view, size_t len, uint32_t seed,
			     const char *what);
/* The scratch file's first len bytes hold ref (or, ref NULL, seed's pattern). */
enum pf_result pf_file_holds(struct pf_scratch *s, size_t len, const void *ref,
			     uint32_t seed, const char *what);

/* CPU -> device: WRITE_FIXED of buf must send the pattern of seed. */
enum pf_result pf_fixed_sends(struct pf_uring *u, struct pf_scratch *s,
			      const void *buf, size_t len, uint32_t seed);
/* device -> CPU: READ_FIXED into io_buf must show up in view. */
enum pf_result pf_fixed_brings(struct pf_uring *u, struct pf_scratch *s,
			       void *io_buf, const void *view, size_t len,
			       uint32_t seed);

/* device -> CPU: an O_DIRECT read into io_buf must show up in view. */
enum pf_result pf_dio_read_reaches(struct pf_scratch *s, void *io_buf,
				   const void *view, size_t len, uint32_t seed);
/* CPU -> device: an O_DIRECT write of buf must send what view holds. */
enum pf_result pf_dio_write_sends(struct pf_scratch *s, const void *buf,
				  const void *view, size_t len);

#endif
