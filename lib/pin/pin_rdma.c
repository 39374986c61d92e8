// SPDX-License-Identifier: GPL-2.0
#include "pin_rdma.h"

#include <errno.h>
#include <string.h>

#include "refusal.h"

#define BOUNCE_ACCESS (PF_RDMA_LOCAL_WRITE | PF_RDMA_REMOTE_READ | \
		       PF_RDMA_REMOTE_WRITE)

static enum pf_result open_bounce(struct pf_pin_rdma *p, size_t len)
{
	p->bounce_mem = pf_pin_bounce(len);
	if (!p->bounce_mem)
		return pf_error("mmap of a %zu-byte bounce buffer: %s", len, strerror(errno));
	if (pf_rdma_reg(&p->r, &p->bounce, p->bounce_mem, len, BOUNCE_ACCESS))
		return pf_error("ibv_reg_mr of the bounce buffer: %s", strerror(errno));
	return PF_PASS;
}

enum pf_result pf_pin_rdma_take(struct pf_pin_state *st, int access)
{
	struct pf_pin_rdma *p = pf_pin_priv(st, sizeof(*p));
	enum pf_result res;
	int err;

	if (!p)
		return pf_error("out of memory");
	res = pf_rdma_open(&p->r);
	if (res == PF_PASS)
		res = open_bounce(p, st->r->len);
	if (res != PF_PASS)
		return res;
	pf_diag("device %s port %u; ibv_is_fork_initialized(): %s", p->r.name,
		p->r.port, pf_rdma_fork_status());
	err = pf_rdma_reg(&p->r, &p->mr, st->io, st->r->len, access);
	/* the bounce buffer, plain anonymous memory, is the control */
	return err ? pf_refusal_verdict("ibv_reg_mr of the region", -err, 0) : PF_PASS;
}

enum pf_result pf_pin_rdma_read_sees(struct pf_pin_state *st, uint32_t seed)
{
	struct pf_pin_rdma *p = st->priv;

	return pf_rdma_read_sees(&p->r, &p->mr, &p->bounce, seed);
}

void pf_pin_rdma_release(struct pf_pin_state *st)
{
	struct pf_pin_rdma *p = st->priv;

	if (!p)
		return;
	pf_rdma_dereg(&p->mr);
	pf_rdma_dereg(&p->bounce);
	pf_rdma_close(&p->r);
	pf_pin_bounce_free(p->bounce_mem, st->r->len);
}
