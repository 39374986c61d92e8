// SPDX-License-Identifier: GPL-2.0
#include "pin_dio.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"

enum pf_result pf_pin_dio_take(struct pf_pin_state *st, pf_dio_mover read,
			       pf_dio_mover write, const char *how,
			       const struct pf_held_path *held_path)
{
	struct pf_pin_dio *d = pf_pin_priv(st, sizeof(*d));
	char why[256];

	if (!d)
		return pf_error("out of memory");
	d->read = read;
	d->write = write;
	d->how = how;
	d->held_path = held_path;
	if (pf_scratch_open(&d->s, st->r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	if ((uintptr_t)st->io % d->s.mem_align || st->r->len % d->s.mem_align)
		return pf_skip("O_DIRECT here needs %zu-byte aligned buffers and lengths",
			       d->s.mem_align);
	return PF_PASS;
}

enum pf_result pf_pin_dio_send(struct pf_pin_state *st, uint32_t seed)
{
	struct pf_pin_dio *d = st->priv;
	char what[128];
	int err = d->write(d, st->io, st->r->len);

	if (err)
		return pf_error("%s write: %s", d->how, strerror(-err));
	snprintf(what, sizeof(what),
		 "%s write sent other data than the CPU wrote last", d->how);
	return pf_file_holds(&d->s, st->r->len, NULL, seed, what);
}

enum pf_result pf_pin_dio_bring(struct pf_pin_state *st, uint32_t seed)
{
	struct pf_pin_dio *d = st->priv;
	char what[128];
	int err;

	if (pf_scratch_fill(&d->s, 0, st->r->len, seed))
		return pf_error("cannot write the scratch file");
	err = d->read(d, st->io, st->r->len);
	if (err)
		return pf_error("%s read: %s", d->how, strerror(-err));
	snprintf(what, sizeof(what),
		 "%s read data did not reach the CPU's mapping", d->how);
	return pf_view_holds(st->r->base, st->r->len, seed, what);
}

enum pf_result pf_pin_dio_start(struct pf_pin_state *st, uint32_t seed)
{
	struct pf_pin_dio *d = st->priv;

	return pf_pin_hold_start(&d->hold, st, d->held_path,
				 d->u.ready ? &d->u : NULL, seed);
}

enum pf_result pf_pin_dio_finish(struct pf_pin_state *st)
{
	struct pf_pin_dio *d = st->priv;

	return pf_pin_hold_finish(&d->hold, st, d->how);
}

void pf_pin_dio_release(struct pf_pin_state *st)
{
	struct pf_pin_dio *d = st->priv;

	if (!d)
		return;
	pf_pin_hold_drop(&d->hold);
	pf_uring_exit(&d->u);
	pf_scratch_close(&d->s);
}
