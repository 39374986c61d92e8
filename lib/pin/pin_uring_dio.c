// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT through io_uring without fixed buffers (IORING_OP_READ/WRITE):
 * the request imports the plain buffer and pins it until it completes.
 * start/finish: the same READ, held by the case's own server.
 */
#include "pin_dio.h"

#include <errno.h>

static int ring_result(int n, size_t len)
{
	if (n < 0)
		return n;
	return (size_t)n == len ? 0 : -EIO;
}

static int ring_read(struct pf_pin_dio *d, void *buf, size_t len)
{
	return ring_result(pf_uring_read(&d->u, d->s.dio_fd, buf, len, 0), len);
}

static int ring_write(struct pf_pin_dio *d, void *buf, size_t len)
{
	return ring_result(pf_uring_write(&d->u, d->s.dio_fd, buf, len, 0), len);
}

static enum pf_result uring_dio_take(struct pf_pin_state *st)
{
	enum pf_result res = pf_pin_dio_take(st, ring_read, ring_write,
					     "io_uring O_DIRECT",
					     &pf_held_path_uring);
	struct pf_pin_dio *d = st->priv;

	return res == PF_PASS ? pf_uring_open(&d->u) : res;
}

const struct pf_pin pf_pin_uring_dio = {
	.name = "uring-dio",
	.summary = "O_DIRECT through io_uring, no fixed buffer",
	.flags = PF_PIN_SHORTTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES |
		 PF_PIN_HOLDS,
	.needs = PF_NEED_URING | PF_NEED_ODIRECT,
	.take = uring_dio_take,
	.send = pf_pin_dio_send,
	.bring = pf_pin_dio_bring,
	.start = pf_pin_dio_start,
	.finish = pf_pin_dio_finish,
	.release = pf_pin_dio_release,
};
