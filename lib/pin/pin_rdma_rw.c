// SPDX-License-Identifier: GPL-2.0
/*
 * An RDMA memory region with local write and remote read/write access:
 * the peer RDMA READs it (send) and RDMA WRITEs into it (bring).
 */
#include "pin_rdma.h"

static enum pf_result rw_take(struct pf_pin_state *st)
{
	return pf_pin_rdma_take(st, PF_RDMA_LOCAL_WRITE |
				PF_RDMA_REMOTE_READ | PF_RDMA_REMOTE_WRITE);
}

static enum pf_result rw_bring(struct pf_pin_state *st, uint32_t seed)
{
	struct pf_pin_rdma *p = st->priv;

	return pf_rdma_write_reaches(&p->r, &p->mr, &p->bounce, st->r->base, seed);
}

const struct pf_pin pf_pin_rdma_rw = {
	.name = "rdma-rw",
	.summary = "RDMA MR, remote read/write (long-term pin)",
	.flags = PF_PIN_LONGTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES |
		 PF_PIN_DEVICE,
	.needs = PF_NEED_RDMA,
	.take = rw_take,
	.send = pf_pin_rdma_read_sees,
	.bring = rw_bring,
	.release = pf_pin_rdma_release,
};
