// SPDX-License-Identifier: GPL-2.0
/*
 * An io_uring buffer installed into a sparse buffer table: the ring
 * registers an empty table (IORING_RSRC_REGISTER_SPARSE, v5.19) and
 * IORING_REGISTER_BUFFERS_UPDATE puts the region in slot 0, the path of
 * applications that swap buffers in and out of a long-lived ring. The
 * update pins the pages long-term exactly as a registration does
 * (io_sqe_buffer_register()); WRITE_FIXED, READ_FIXED and a held
 * READ_FIXED then move data through slot 0 as through uring-fixed.
 */
#include <errno.h>
#include <string.h>

#include "pin.h"

#include "held_path.h"
#include "odirect.h"
#include "oracle.h"
#include "pin_hold.h"
#include "uring.h"

struct buf_update {
	struct pf_uring u;
	struct pf_scratch s;
	struct pf_pin_hold hold;
};

/* An empty table of one slot, then the region into it. */
static enum pf_result install(struct pf_uring *u, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	__u64 tag = 0;
	int ret = io_uring_register_buffers_sparse(&u->ring, 1);

	if (ret == -EINVAL)
		return pf_skip("no sparse buffer tables here (IORING_RSRC_REGISTER_SPARSE, v5.19)");
	if (ret)
		return pf_error("registering a sparse buffer table: %s", strerror(-ret));
	u->registered = 1;
	ret = io_uring_register_buffers_update_tag(&u->ring, 0, &iov, &tag, 1);
	if (ret == 1)
		return PF_PASS;
	if (ret == -ENOMEM)
		return pf_skip("RLIMIT_MEMLOCK refuses the buffer (update: %s)", strerror(-ret));
	return pf_error("IORING_REGISTER_BUFFERS_UPDATE of the region: %s",
			ret < 0 ? strerror(-ret) : "no slot updated");
}

static enum pf_result update_take(struct pf_pin_state *st)
{
	struct buf_update *b = pf_pin_priv(st, sizeof(*b));
	char why[256];
	enum pf_result res;

	if (!b)
		return pf_error("out of memory");
	if (pf_scratch_open(&b->s, st->r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	res = pf_uring_open(&b->u);
	return res == PF_PASS ? install(&b->u, st->io, st->r->len) : res;
}

static enum pf_result update_send(struct pf_pin_state *st, uint32_t seed)
{
	struct buf_update *b = st->priv;

	return pf_fixed_sends(&b->u, &b->s, st->io, st->r->len, seed);
}

static enum pf_result update_bring(struct pf_pin_state *st, uint32_t seed)
{
	struct buf_update *b = st->priv;

	return pf_fixed_brings(&b->u, &b->s, st->io, st->r->base, st->r->len, seed);
}

static enum pf_result update_start(struct pf_pin_state *st, uint32_t seed)
{
	struct buf_update *b = st->priv;

	return pf_pin_hold_start(&b->hold, st, &pf_held_path_fixed, &b->u, seed);
}

static enum pf_result update_finish(struct pf_pin_state *st)
{
	struct buf_update *b = st->priv;

	return pf_pin_hold_finish(&b->hold, st, "io_uring READ_FIXED from an updated slot");
}

static void update_release(struct pf_pin_state *st)
{
	struct buf_update *b = st->priv;

	if (!b)
		return;
	pf_pin_hold_drop(&b->hold);
	pf_uring_exit(&b->u);
	pf_scratch_close(&b->s);
}

const struct pf_pin pf_pin_uring_buf_update = {
	.name = "uring-buf-update",
	.summary = "io_uring buffer put into a sparse table by IORING_REGISTER_BUFFERS_UPDATE (long-term pin)",
	.flags = PF_PIN_LONGTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES |
		 PF_PIN_HOLDS,
	.needs = PF_NEED_URING | PF_NEED_ODIRECT,
	.take = update_take,
	.send = update_send,
	.bring = update_bring,
	.start = update_start,
	.finish = update_finish,
	.release = update_release,
};
