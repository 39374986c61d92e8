// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT pread/pwrite from the region: the block layer pins the buffer
 * for the request (FOLL_PIN since a7e689dd1c06, 6.5; page references before).
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
	return pf_pin_dio_take(st, dio_read, dio_write, "O_DIRECT");
}

const struct pf_pin pf_pin_odirect = {
	.name = "odirect",
	.summary = "O_DIRECT pread/pwrite (short-term pin)",
	.flags = PF_PIN_SHORTTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES,
	.needs = PF_NEED_ODIRECT,
	.take = odirect_take,
	.send = pf_pin_dio_send,
	.bring = pf_pin_dio_bring,
	.release = pf_pin_dio_release,
};
