// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT pread/pwrite from the region: the block layer pins the buffer
 * for the request (FOLL_PIN since a7e689dd1c06, 6.5; page references before).
 * start/finish: a synchronous O_DIRECT pread from a thread, held by the
 * case's own server (FUSE pins since 738adade96b2, 6.9).
 */
#include "pin_dio.h"

static int dio_read(struct pf_pin_dio *d, void *buf, size_t len)
{
	return pf_dio_read(&d->s, buf, len, 0);
}

static int dio_write(struct pf_pin_dio *d, void *buf, size_t len)
{
	return pf_dio_write(&d->s, buf, len, 0);
}

static enum pf_result odirect_take(struct pf_pin_state *st)
{
	return pf_pin_dio_take(st, dio_read, dio_write, "O_DIRECT",
			       &pf_held_path_pread);
}

const struct pf_pin pf_pin_odirect = {
	.name = "odirect",
	.summary = "O_DIRECT pread/pwrite (short-term pin)",
	.flags = PF_PIN_SHORTTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES |
		 PF_PIN_HOLDS,
	.needs = PF_NEED_ODIRECT,
	.take = odirect_take,
	.send = pf_pin_dio_send,
	.bring = pf_pin_dio_bring,
	.start = pf_pin_dio_start,
	.finish = pf_pin_dio_finish,
	.release = pf_pin_dio_release,
};
