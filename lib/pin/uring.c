// SPDX-License-Identifier: GPL-2.0
#include "uring.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "refusal.h"
#include "knob.h"

int pf_uring_init(struct pf_uring *u)
{
	int err;

	memset(u, 0, sizeof(*u));
	err = io_uring_queue_init(8, &u->ring, 0);
	if (err)
		return err;
	u->ready = 1;
	return 0;
}

int pf_uring_register(struct pf_uring *u, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	int err = io_uring_register_buffers(&u->ring, &iov, 1);

	if (!err)
		u->registered = 1;
	return err;
}

void pf_uring_exit(struct pf_uring *u)
{
	if (!u->ready)
		return;
	if (u->registered)
		io_uring_unregister_buffers(&u->ring);
	io_uring_queue_exit(&u->ring);
	u->ready = u->registered = 0;
}

/* kernel.io_uring_disabled (v6.6): 1 or 2 refuse rings to (some) users. */
static long uring_disabled(void)
{
	return knob_read_long("/proc/sys/kernel/io_uring_disabled");
}

static enum pf_result init_verdict(int err)
{
	char why[128];

	if (err == EPERM && uring_disabled() > 0)
		return pf_skip("io_uring: %s (kernel.io_uring_disabled is %ld)",
			       strerror(err), uring_disabled());
	if (pf_missing_prerequisite(err, why, sizeof(why)))
		return pf_skip("io_uring: %s (%s)", strerror(err), why);
	return pf_error("io_uring setup: %s", strerror(err));
}

/* The control: the same ring registers 64 KiB of plain anonymous memory. */
static int control_register(struct pf_uring *u)
{
	size_t len = 64 << 10;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int err;

	if (p == MAP_FAILED)
		return errno;
	memset(p, 1, len);
	err = -pf_uring_register(u, p, len);
	if (!err) {
		io_uring_unregister_buffers(&u->ring);
		u->registered = 0;
	}
	munmap(p, len);
	return err;
}

enum pf_result pf_uring_open(struct pf_uring *u)
{
	int err = pf_uring_init(u);

	return err ? init_verdict(-err) : PF_PASS;
}

enum pf_result pf_uring_pin(struct pf_uring *u, void *buf, size_t len)
{
	enum pf_result res = pf_uring_open(u);
	int err;

	if (res != PF_PASS)
		return res;
	err = pf_uring_register(u, buf, len);
	if (!err)
		return PF_PASS;
	return pf_refusal_verdict("registering the fixed buffer", -err,
				  control_register(u));
}

#define WAIT_SECONDS 10.0

/*
 * Waits for the completion up to u->wait_seconds (default WAIT_SECONDS). An interrupted wait (EINTR)
 * is waited again: the request is still in flight. Seen on 6.18 in about 1
 * of 20 waits for a held read while a popen() or posix_spawn() child
 * (CLONE_VM|CLONE_VFORK) ran and exited.
 */
static int wait_completion(struct pf_uring *u, struct io_uring_cqe **cqe)
{
	double until = pf_now() + (u->wait_seconds > 0 ? u->wait_seconds : WAIT_SECONDS);
	double left;
	int err;

	do {
		struct __kernel_timespec ts;

		left = until - pf_now();
		if (left <= 0)
			return -ETIME;
		ts.tv_sec = (long long)left;
		ts.tv_nsec = (long long)((left - (double)ts.tv_sec) * 1e9);
		err = io_uring_wait_cqe_timeout(&u->ring, cqe, &ts);
	} while (err == -EINTR);
	return err;
}

static int submit_and_wait(struct pf_uring *u)
{
	struct io_uring_cqe *cqe;
	int err, res;

	err = io_uring_submit(&u->ring);
	if (err < 0)
		return err;
	err = wait_completion(u, &cqe);
	if (err)
		return err;
	res = cqe->res;
	io_uring_cqe_seen(&u->ring, cqe);
	return res;
}

/* One request on the ring; fixed ops use registered buffer 0 (buf_index 0). */
static int one_request(struct pf_uring *u, int op, int fd, const void *buf,
		       size_t len, size_t off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_rw(op, sqe, fd, buf, (unsigned)len, off);
	return submit_and_wait(u);
}

int pf_uring_read_fixed(struct pf_uring *u, int fd, void *buf, size_t len,
			size_t off)
{
	return one_request(u, IORING_OP_READ_FIXED, fd, buf, len, off);
}

int pf_uring_write_fixed(struct pf_uring *u, int fd, const void *buf,
			 size_t len, size_t off)
{
	return one_request(u, IORING_OP_WRITE_FIXED, fd, buf, len, off);
}

int pf_uring_read(struct pf_uring *u, int fd, void *buf, size_t len, size_t off)
{
	return one_request(u, IORING_OP_READ, fd, buf, len, off);
}

int pf_uring_write(struct pf_uring *u, int fd, const void *buf, size_t len,
		   size_t off)
{
	return one_request(u, IORING_OP_WRITE, fd, buf, len, off);
}
