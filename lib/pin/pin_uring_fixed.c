// SPDX-License-Identifier: GPL-2.0
/*
 * An io_uring fixed buffer: io_uring_register_buffers() takes a long-term
 * FOLL_PIN on the region for the life of the registration; WRITE_FIXED
 * (send) and READ_FIXED (bring) move data through those pages to and from
 * an O_DIRECT scratch file. start/finish: a READ_FIXED through the same
 * registration, held by the case's own server.
 */
#include "pin.h"

#include "held_path.h"
#include "odirect.h"
#include "oracle.h"
#include "pin_hold.h"
#include "uring.h"

struct fixed {
	struct pf_uring u;
	struct pf_scratch s;
	struct pf_pin_hold hold;
};

static enum pf_result fixed_take(struct pf_pin_state *st)
{
	struct fixed *f = pf_pin_priv(st, sizeof(*f));
	char why[256];

	if (!f)
		return pf_error("out of memory");
	if (pf_scratch_open(&f->s, st->r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	return pf_uring_pin(&f->u, st->io, st->r->len);
}

static enum pf_result fixed_send(struct pf_pin_state *st, uint32_t seed)
{
	struct fixed *f = st->priv;

	return pf_fixed_sends(&f->u, &f->s, st->io, st->r->len, seed);
}

static enum pf_result fixed_bring(struct pf_pin_state *st, uint32_t seed)
{
	struct fixed *f = st->priv;

	return pf_fixed_brings(&f->u, &f->s, st->io, st->r->base, st->r->len, seed);
}

static enum pf_result fixed_start(struct pf_pin_state *st, uint32_t seed)
{
	struct fixed *f = st->priv;

	return pf_pin_hold_start(&f->hold, st, &pf_held_path_fixed, &f->u, seed);
}

static enum pf_result fixed_finish(struct pf_pin_state *st)
{
	struct fixed *f = st->priv;

	return pf_pin_hold_finish(&f->hold, st, "io_uring READ_FIXED");
}

static void fixed_release(struct pf_pin_state *st)
{
	struct fixed *f = st->priv;

	if (!f)
		return;
	pf_pin_hold_drop(&f->hold);
	pf_uring_exit(&f->u);
	pf_scratch_close(&f->s);
}

const struct pf_pin pf_pin_uring_fixed = {
	.name = "uring-fixed",
	.summary = "io_uring fixed buffer (long-term pin)",
	.flags = PF_PIN_LONGTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES |
		 PF_PIN_HOLDS,
	.needs = PF_NEED_URING | PF_NEED_ODIRECT,
	.take = fixed_take,
	.send = fixed_send,
	.bring = fixed_bring,
	.start = fixed_start,
	.finish = fixed_finish,
	.release = fixed_release,
};
