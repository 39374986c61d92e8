// SPDX-License-Identifier: GPL-2.0
/*
 * Moving data through the loopback pair: post on qp[0], poll the shared
 * completion queue until every expected completion came or the deadline
 * passed (a decoupled or wedged device must not hang the case).
 */
#include "rdma_io.h"

#include <errno.h>
#include <time.h>

#if HAVE_IBVERBS
#include <infiniband/verbs.h>

#define COMPLETION_SECONDS 10.0
#define SPINS_BEFORE_SLEEP 1000

static int wait_completions(struct pf_rdma *r, int want, const char *what)
{
	struct timespec pause = { 0, 100 * 1000 };
	double end = pf_now() + COMPLETION_SECONDS;
	struct ibv_wc wc[4];
	long idle = 0;

	while (want > 0) {
		int n = ibv_poll_cq(r->cq, 4, wc);

		if (n < 0) {
			pf_diag("%s: ibv_poll_cq failed", what);
			return -EIO;
		}
		for (int i = 0; i < n; i++, want--)
			if (wc[i].status != IBV_WC_SUCCESS) {
				pf_diag("%s: completion status %s", what,
					ibv_wc_status_str(wc[i].status));
				return -EIO;
			}
		if (n)
			continue;
		if (pf_now() > end) {
			pf_diag("%s: no completion within %.0f s", what, COMPLETION_SECONDS);
			return -ETIMEDOUT;
		}
		if (++idle > SPINS_BEFORE_SLEEP)
			nanosleep(&pause, NULL);
	}
	return 0;
}

static struct ibv_sge sge_of(const struct pf_rdma_buf *b)
{
	return (struct ibv_sge){
		.addr = (uintptr_t)b->addr,
		.length = (uint32_t)b->len,
		.lkey = b->mr->lkey,
	};
}

static int post_rdma(struct pf_rdma *r, enum ibv_wr_opcode op,
		     const struct pf_rdma_buf *local,
		     const struct pf_rdma_buf *remote, const char *what)
{
	struct ibv_sge sge = sge_of(local);
	struct ibv_send_wr *bad, wr = {
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = op,
		.wr.rdma = {
			.remote_addr = (uintptr_t)remote->addr,
			.rkey = remote->mr->rkey,
		},
	};
	int err = ibv_post_send(r->qp[0], &wr, &bad);

	if (err) {
		pf_diag("%s: ibv_post_send: error %d", what, err);
		return -err;
	}
	return wait_completions(r, 1, what);
}

int pf_rdma_write(struct pf_rdma *r, const struct pf_rdma_buf *local,
		  const struct pf_rdma_buf *remote)
{
	return post_rdma(r, IBV_WR_RDMA_WRITE, local, remote, "RDMA WRITE");
}

int pf_rdma_read(struct pf_rdma *r, const struct pf_rdma_buf *local,
		 const struct pf_rdma_buf *remote)
{
	return post_rdma(r, IBV_WR_RDMA_READ, local, remote, "RDMA READ");
}

int pf_rdma_send(struct pf_rdma *r, const struct pf_rdma_buf *src,
		 const struct pf_rdma_buf *dst)
{
	struct ibv_sge ssge = sge_of(src), rsge = sge_of(dst);
	struct ibv_recv_wr *rbad, rwr = { .sg_list = &rsge, .num_sge = 1 };
	struct ibv_send_wr *sbad, swr = {
		.sg_list = &ssge,
		.num_sge = 1,
		.opcode = IBV_WR_SEND,
	};
	int err = ibv_post_recv(r->qp[1], &rwr, &rbad);

	if (!err)
		err = ibv_post_send(r->qp[0], &swr, &sbad);
	if (err) {
		pf_diag("SEND/RECV: posting failed: error %d", err);
		return -err;
	}
	return wait_completions(r, 2, "SEND/RECV");
}

#else	/* built without libibverbs: nothing is ever registered to move */

int pf_rdma_write(struct pf_rdma *r, const struct pf_rdma_buf *local,
		  const struct pf_rdma_buf *remote)
{
	(void)r, (void)local, (void)remote;
	return -ENOSYS;
}

int pf_rdma_read(struct pf_rdma *r, const struct pf_rdma_buf *local,
		 const struct pf_rdma_buf *remote)
{
	(void)r, (void)local, (void)remote;
	return -ENOSYS;
}

int pf_rdma_send(struct pf_rdma *r, const struct pf_rdma_buf *src,
		 const struct pf_rdma_buf *dst)
{
	(void)r, (void)src, (void)dst;
	return -ENOSYS;
}

#endif
