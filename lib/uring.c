// SPDX-License-Identifier: GPL-2.0
#include "uring.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

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

static int submit_and_wait(struct pf_uring *u)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_cqe *cqe;
	int err, res;

	err = io_uring_submit(&u->ring);
	if (err < 0)
		return err;
	err = io_uring_wait_cqe_timeout(&u->ring, &cqe, &ts);
	if (err)
		return err;
	res = cqe->res;
	io_uring_cqe_seen(&u->ring, cqe);
	return res;
}

int pf_uring_read_fixed(struct pf_uring *u, int fd, void *buf, size_t len,
			size_t off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_read_fixed(sqe, fd, buf, (unsigned)len, off, 0);
	return submit_and_wait(u);
}

int pf_uring_write_fixed(struct pf_uring *u, int fd, const void *buf,
			 size_t len, size_t off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_write_fixed(sqe, fd, buf, (unsigned)len, off, 0);
	return submit_and_wait(u);
}
