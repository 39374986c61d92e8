// SPDX-License-Identifier: GPL-2.0
/* The pin table and what every pin shares. */
#include "pin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "oracle.h"

/*
 * Add a pin: one file with its struct pf_pin, and its row here (the
 * declaration and the table entry). The RDMA rows stay in a build without
 * libibverbs: the RDMA need gate SKIPs them.
 */
extern const struct pf_pin pf_pin_uring_fixed;
extern const struct pf_pin pf_pin_odirect;
extern const struct pf_pin pf_pin_uring_dio;
extern const struct pf_pin pf_pin_rdma_rw;
extern const struct pf_pin pf_pin_rdma_ro;
extern const struct pf_pin pf_pin_vmsplice;
extern const struct pf_pin pf_pin_process_vm;
extern const struct pf_pin pf_pin_proc_mem;
extern const struct pf_pin pf_pin_uring_buf_update;

const struct pf_pin *const pf_pins[] = {
	&pf_pin_uring_fixed,
	&pf_pin_odirect,
	&pf_pin_uring_dio,
	&pf_pin_rdma_rw,
	&pf_pin_rdma_ro,
	&pf_pin_vmsplice,
	&pf_pin_process_vm,
	&pf_pin_proc_mem,
	&pf_pin_uring_buf_update,
};
const size_t pf_pins_count = sizeof(pf_pins) / sizeof(pf_pins[0]);

enum pf_result pf_pin_take(struct pf_pin_state *st, const struct pf_pin *p,
			   struct pf_region *r)
{
	memset(st, 0, sizeof(*st));
	st->pin = p;
	st->r = r;
	st->io = r->base;
	return p->take(st);
}

/* The row cannot move data in that direction: the template asked wrongly. */
static enum pf_result cannot(const struct pf_pin_state *st, const char *what)
{
	return pf_error("pin %s cannot %s", pf_pin_name(st), what);
}

enum pf_result pf_pin_send(struct pf_pin_state *st, uint32_t seed)
{
	if (!pf_pin_has(st, PF_PIN_DEV_READS) || !st->pin->send)
		return cannot(st, "send (the device reads the region)");
	return st->pin->send(st, seed);
}

enum pf_result pf_pin_bring(struct pf_pin_state *st, uint32_t seed)
{
	if (!pf_pin_has(st, PF_PIN_DEV_WRITES) || !st->pin->bring)
		return cannot(st, "bring (the device writes the region)");
	return st->pin->bring(st, seed);
}

enum pf_result pf_pin_start(struct pf_pin_state *st, uint32_t seed)
{
	if (!pf_pin_has(st, PF_PIN_HOLDS) || !st->pin->start)
		return pf_skip("pin %s cannot hold a transfer in flight", pf_pin_name(st));
	return st->pin->start(st, seed);
}

enum pf_result pf_pin_finish(struct pf_pin_state *st)
{
	if (!st->pin->finish)
		return cannot(st, "finish a transfer");
	return st->pin->finish(st);
}

enum pf_result pf_pin_coherent(struct pf_pin_state *st, uint32_t cpu_seed,
			       uint32_t device_seed)
{
	enum pf_result res = PF_SKIP;

	if (pf_pin_has(st, PF_PIN_DEV_READS))
		res = pf_pin_send(st, cpu_seed);
	if (pf_pin_has(st, PF_PIN_DEV_WRITES) && (res == PF_PASS || res == PF_SKIP))
		res = pf_pin_bring(st, device_seed);
	return res == PF_SKIP ? pf_skip("pin %s moves no data", pf_pin_name(st)) : res;
}

void pf_pin_release(struct pf_pin_state *st)
{
	if (!st->pin)
		return;
	if (st->pin->release)
		st->pin->release(st);
	free(st->priv);
	st->priv = NULL;
	st->pin = NULL;
}

void *pf_pin_priv(struct pf_pin_state *st, size_t size)
{
	st->priv = calloc(1, size);
	return st->priv;
}

void *pf_pin_bounce(size_t len)
{
	return pf_mmap_anon(len, MAP_PRIVATE);
}

void pf_pin_bounce_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

enum pf_result pf_pin_copy_send(struct pf_pin_state *st, uint32_t seed,
				pf_pin_copy_fn copy_out, const char *what)
{
	size_t len = st->r->len;
	char *buf = pf_pin_bounce(len), stale[160];
	enum pf_result res;
	int err;

	if (!buf)
		return pf_error("out of memory");
	err = copy_out(st, buf, len);
	snprintf(stale, sizeof(stale), "%s read other data than the CPU wrote last", what);
	res = err ? pf_error("%s: %s", what, strerror(-err)) :
		    pf_view_holds(buf, len, seed, stale);
	pf_pin_bounce_free(buf, len);
	return res;
}

enum pf_result pf_pin_copy_bring(struct pf_pin_state *st, uint32_t seed,
				 pf_pin_copy_fn copy_in, const char *what)
{
	size_t len = st->r->len;
	char *buf = pf_pin_bounce(len), lost[160];
	int err;

	if (!buf)
		return pf_error("out of memory");
	pf_pattern_fill(buf, len, seed);
	err = copy_in(st, buf, len);
	pf_pin_bounce_free(buf, len);
	if (err)
		return pf_error("%s: %s", what, strerror(-err));
	snprintf(lost, sizeof(lost), "%s wrote data that did not reach the CPU's mapping", what);
	return pf_view_holds(st->r->base, len, seed, lost);
}
