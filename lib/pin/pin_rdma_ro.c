// SPDX-License-Identifier: GPL-2.0
/*
 * A read-only RDMA memory region (remote read only, no local write): a
 * long-term pin without FOLL_WRITE. Pinning it R/O must unshare a page
 * still shared after fork (a7f226604170) or it keeps the page that the
 * owner's next write copies away from. It can only send: RDMA READ by the
 * peer and a SEND from it.
 */
#include "pin_rdma.h"

static enum pf_result ro_take(struct pf_pin_state *st)
{
	return pf_pin_rdma_take(st, PF_RDMA_REMOTE_READ);
}

static enum pf_result ro_send(struct pf_pin_state *st, uint32_t seed)
{
	struct pf_pin_rdma *p = st->priv;
	enum pf_result res = pf_pin_rdma_read_sees(st, seed);

	return res == PF_PASS ? pf_rdma_send_sends(&p->r, &p->mr, &p->bounce, seed) : res;
}

const struct pf_pin pf_pin_rdma_ro = {
	.name = "rdma-ro",
	.summary = "read-only RDMA MR (long-term, no FOLL_WRITE)",
	.flags = PF_PIN_LONGTERM | PF_PIN_DEV_READS | PF_PIN_DEVICE,
	.needs = PF_NEED_RDMA,
	.take = ro_take,
	.send = ro_send,
	.release = pf_pin_rdma_release,
};
