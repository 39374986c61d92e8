// SPDX-License-Identifier: GPL-2.0
/*
 * Two RC queue pairs on one device, connected to each other (loopback):
 * work requests posted on qp[0] read and write memory registered on the
 * same protection domain through qp[1], as a remote peer would.
 */
#include "rdma.h"

#include <errno.h>
#include <string.h>

#include "rdma_dev.h"

#if HAVE_IBVERBS
#include <infiniband/verbs.h>

_Static_assert((int)PF_RDMA_LOCAL_WRITE == (int)IBV_ACCESS_LOCAL_WRITE &&
	       (int)PF_RDMA_REMOTE_WRITE == (int)IBV_ACCESS_REMOTE_WRITE &&
	       (int)PF_RDMA_REMOTE_READ == (int)IBV_ACCESS_REMOTE_READ,
	       "enum pf_rdma_access is libibverbs' access flags");
_Static_assert(sizeof(((struct pf_rdma *)0)->gid) == sizeof(union ibv_gid),
	       "pf_rdma.gid holds a GID");

#define QP_DEPTH 16
#define PSN 0x1234

static struct ibv_qp *create_qp(struct pf_rdma *r)
{
	struct ibv_qp_init_attr a = {
		.send_cq = r->cq,
		.recv_cq = r->cq,
		.qp_type = IBV_QPT_RC,
		.sq_sig_all = 1,
		.cap = {
			.max_send_wr = QP_DEPTH,
			.max_recv_wr = QP_DEPTH,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
	};

	return ibv_create_qp(r->pd, &a);
}

static int to_init(struct pf_rdma *r, struct ibv_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = r->port,
		.qp_access_flags = PF_RDMA_LOCAL_WRITE | PF_RDMA_REMOTE_READ |
				   PF_RDMA_REMOTE_WRITE,
	};

	return ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			     IBV_QP_PORT | IBV_QP_ACCESS_FLAGS);
}

static int to_rtr(struct pf_rdma *r, struct ibv_qp *qp, uint32_t peer)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = (enum ibv_mtu)r->mtu,
		.dest_qp_num = peer,
		.rq_psn = PSN,
		.max_dest_rd_atomic = 1,
		.min_rnr_timer = 1,
		.ah_attr = { .port_num = r->port, .dlid = r->lid },
	};

	if (r->gid_index >= 0) {
		a.ah_attr.is_global = 1;
		memcpy(&a.ah_attr.grh.dgid, r->gid, sizeof(r->gid));
		a.ah_attr.grh.sgid_index = (uint8_t)r->gid_index;
		a.ah_attr.grh.hop_limit = 1;
	}
	return ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			     IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			     IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER);
}

static int to_rts(struct ibv_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTS,
		.timeout = 14,
		.retry_cnt = 7,
		.rnr_retry = 7,
		.sq_psn = PSN,
		.max_rd_atomic = 1,
	};

	return ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT |
			     IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
			     IBV_QP_MAX_QP_RD_ATOMIC);
}

static int connect_pair(struct pf_rdma *r)
{
	for (int i = 0; i < 2; i++) {
		r->qp[i] = create_qp(r);
		if (!r->qp[i] || to_init(r, r->qp[i]))
			return -1;
	}
	for (int i = 0; i < 2; i++)
		if (to_rtr(r, r->qp[i], r->qp[1 - i]->qp_num) || to_rts(r->qp[i]))
			return -1;
	return 0;
}

enum pf_result pf_rdma_open(struct pf_rdma *r)
{
	enum pf_result res;

	memset(r, 0, sizeof(*r));
	res = pf_rdma_open_device(r);
	if (res != PF_PASS)
		return res;
	r->pd = ibv_alloc_pd(r->ctx);
	if (!r->pd)
		return pf_error("ibv_alloc_pd on %s: %s", r->name, strerror(errno));
	r->cq = ibv_create_cq(r->ctx, 4 * QP_DEPTH, NULL, NULL, 0);
	if (!r->cq)
		return pf_error("ibv_create_cq on %s: %s", r->name, strerror(errno));
	if (connect_pair(r))
		return pf_error("cannot connect a loopback RC queue-pair pair on %s port %u: %s",
				r->name, r->port, strerror(errno));
	return PF_PASS;
}

void pf_rdma_close(struct pf_rdma *r)
{
	for (int i = 0; i < 2; i++)
		if (r->qp[i])
			ibv_destroy_qp(r->qp[i]);
	if (r->cq)
		ibv_destroy_cq(r->cq);
	if (r->pd)
		ibv_dealloc_pd(r->pd);
	if (r->ctx)
		ibv_close_device(r->ctx);
	memset(r, 0, sizeof(*r));
}

int pf_rdma_reg(struct pf_rdma *r, struct pf_rdma_buf *b, void *addr,
		size_t len, int access)
{
	b->addr = addr;
	b->len = len;
	b->mr = ibv_reg_mr(r->pd, addr, len, access);
	return b->mr ? 0 : -(errno ? errno : EINVAL);
}

void pf_rdma_dereg(struct pf_rdma_buf *b)
{
	if (b->mr)
		ibv_dereg_mr(b->mr);
	b->mr = NULL;
}

#else	/* built without libibverbs: every case SKIPs at pf_rdma_open() */

enum pf_result pf_rdma_open(struct pf_rdma *r)
{
	memset(r, 0, sizeof(*r));
	return pf_rdma_open_device(r);
}

void pf_rdma_close(struct pf_rdma *r)
{
	memset(r, 0, sizeof(*r));
}

int pf_rdma_reg(struct pf_rdma *r, struct pf_rdma_buf *b, void *addr,
		size_t len, int access)
{
	(void)r, (void)access;
	b->mr = NULL;
	b->addr = addr;
	b->len = len;
	return -ENOSYS;
}

void pf_rdma_dereg(struct pf_rdma_buf *b)
{
	b->mr = NULL;
}

#endif
