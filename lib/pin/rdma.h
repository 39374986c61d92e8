/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RDMA through libibverbs: a device (a soft-RoCE one made for the case when
 * there is none and we are root), a loopback pair of RC queue pairs
 * connected to each other, memory registration, and the data movers
 * (RDMA WRITE, RDMA READ, SEND/RECV) with completions polled under a
 * deadline. Programs that use this link -libverbs (see the Makefile).
 */
#ifndef PINFORK_RDMA_H
#define PINFORK_RDMA_H

#include <stddef.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#include "pf_case.h"

#define PF_RXE_NAME "pinfork_rxe0"

struct pf_rdma {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;		/* completions of both queue pairs */
	struct ibv_qp *qp[2];		/* connected to each other */
	uint8_t port;
	int gid_index;			/* -1: InfiniBand, addressed by LID */
	union ibv_gid gid;
	uint16_t lid;
	enum ibv_mtu mtu;
	char name[IBV_SYSFS_NAME_MAX];
};

/* A registered piece of memory: what a work request names. */
struct pf_rdma_buf {
	struct ibv_mr *mr;
	char *addr;
	size_t len;
};

/* lib/pin/rdma_dev.c: an RDMA device with an active port, or PF_SKIP. */
enum pf_result pf_rdma_open_device(struct pf_rdma *r);
/* Makes pinfork_rxe0 on an up IPv4 netdev (journaled undo); PF_SKIP if not. */
enum pf_result pf_rdma_make_rxe(void);

/* lib/pin/rdma_qp.c: device, PD, CQ and the connected QP pair; PF_SKIP/ERROR. */
enum pf_result pf_rdma_open(struct pf_rdma *r);
/* Releases everything (before exit: deleting the rxe device waits for it). */
void pf_rdma_close(struct pf_rdma *r);

/* Registers [addr, addr+len) with access flags; 0 or -errno. */
int pf_rdma_reg(struct pf_rdma *r, struct pf_rdma_buf *b, void *addr,
		size_t len, int access);
void pf_rdma_dereg(struct pf_rdma_buf *b);

/* lib/pin/rdma_io.c: data movers, posted on qp[0]; 0 or -errno/-EIO (diag says why). */
/* RDMA WRITE of local into remote. */
int pf_rdma_write(struct pf_rdma *r, const struct pf_rdma_buf *local,
		  const struct pf_rdma_buf *remote);
/* RDMA READ of remote into local. */
int pf_rdma_read(struct pf_rdma *r, const struct pf_rdma_buf *local,
		 const struct pf_rdma_buf *remote);
/* SEND of src on qp[0], received into dst on qp[1]. */
int pf_rdma_send(struct pf_rdma *r, const struct pf_rdma_buf *src,
		 const struct pf_rdma_buf *dst);

/* A name for what ibv_is_fork_initialized() says. */
const char *pf_rdma_fork_status(void);

/*
 * lib/oracle/rdma_oracle.c: coherence of a registered region with the CPU's view,
 * both ways. The region's MR is the "device side"; bounce is a second MR of
 * at least mr->len bytes the oracle moves data through.
 */
/* CPU -> device: what the NIC reads from the MR must hold seed's pattern. */
enum pf_result pf_rdma_read_sees(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				 const struct pf_rdma_buf *bounce, uint32_t seed);
/* CPU -> device: what the NIC sends from the MR must hold seed's pattern. */
enum pf_result pf_rdma_send_sends(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				  const struct pf_rdma_buf *bounce, uint32_t seed);
/* device -> CPU: an RDMA WRITE of seed's pattern into the MR reaches view. */
enum pf_result pf_rdma_write_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				     const struct pf_rdma_buf *bounce,
				     const void *view, uint32_t seed);
/* device -> CPU: a SEND received into the MR reaches view. */
enum pf_result pf_rdma_recv_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				    const struct pf_rdma_buf *bounce,
				    const void *view, uint32_t seed);
/* device -> CPU: an RDMA READ into the MR (a local buffer) reaches view. */
enum pf_result pf_rdma_read_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				    const struct pf_rdma_buf *bounce,
				    const void *view, uint32_t seed);
/* CPU -> device: an RDMA WRITE from the MR (a local buffer) sends seed's pattern. */
enum pf_result pf_rdma_write_sends(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				   const struct pf_rdma_buf *bounce, uint32_t seed);

#endif
