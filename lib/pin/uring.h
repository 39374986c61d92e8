/* SPDX-License-Identifier: GPL-2.0 */
/* io_uring through liburing: a ring with one registered (pinned) buffer. */
#ifndef PINFORK_URING_H
#define PINFORK_URING_H

#include <liburing.h>
#include <stddef.h>

#include "pf_case.h"

struct pf_uring {
	struct io_uring ring;
	int ready;
	int registered;
	double wait_seconds;	/* for a completion; 0: 10 s */
};

/* 0 or -errno. */
int pf_uring_init(struct pf_uring *u);
/* Registers [buf, buf+len) as fixed buffer 0: a long-term FOLL_PIN. */
int pf_uring_register(struct pf_uring *u, void *buf, size_t len);
void pf_uring_exit(struct pf_uring *u);

/* pf_uring_init() with a verdict: SKIP, ERROR, or PF_PASS when the ring is ready. */
enum pf_result pf_uring_open(struct pf_uring *u);

/*
 * pf_uring_init() and pf_uring_register() with a verdict (lib/kernel/refusal.h):
 * SKIP for a missing prerequisite (no io_uring, io_uring_disabled,
 * RLIMIT_MEMLOCK), FAIL when [buf, buf+len) is refused while a buffer of
 * plain anonymous memory is accepted, ERROR otherwise; PF_PASS when pinned.
 */
enum pf_result pf_uring_pin(struct pf_uring *u, void *buf, size_t len);

/*
 * READ_FIXED / WRITE_FIXED of len bytes at buf (inside fixed buffer 0) from
 * or to fd at off; waits at most 10 s. Bytes moved, or -errno.
 */
int pf_uring_read_fixed(struct pf_uring *u, int fd, void *buf, size_t len,
			size_t off);
int pf_uring_write_fixed(struct pf_uring *u, int fd, const void *buf,
			 size_t len, size_t off);
/* IORING_OP_READ / WRITE of a plain buffer (pinned by the kernel per request). */
int pf_uring_read(struct pf_uring *u, int fd, void *buf, size_t len, size_t off);
int pf_uring_write(struct pf_uring *u, int fd, const void *buf, size_t len,
		   size_t off);

#endif
