/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RDMA pin: a memory region registered through libibverbs (a long-term
 * FOLL_PIN) on a device (soft-RoCE made for the case when there is none),
 * with a loopback pair of RC queue pairs connected to each other to move
 * data through it (rdma_io.h). This header needs no libibverbs headers: a
 * build without libibverbs (HAVE_IBVERBS=0) keeps every caller compiling,
 * and every case SKIPs with PF_RDMA_UNBUILT.
 */
#ifndef PINFORK_RDMA_H
#define PINFORK_RDMA_H

#include <stddef.h>
#include <stdint.h>

#include "pf_case.h"

#define PF_RDMA_UNBUILT "built without libibverbs (install libibverbs-dev)"

struct ibv_context;
struct ibv_pd;
struct ibv_cq;
struct ibv_qp;
struct ibv_mr;

struct pf_rdma {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;		/* completions of both queue pairs */
	struct ibv_qp *qp[2];		/* connected to each other */
	uint8_t port;
	int gid_index;			/* -1: InfiniBand, addressed by LID */
	uint8_t gid[16];		/* union ibv_gid */
	uint16_t lid;
	int mtu;			/* enum ibv_mtu */
	char name[64];			/* IBV_SYSFS_NAME_MAX */
};

/* A registered piece of memory: what a work request names. */
struct pf_rdma_buf {
	struct ibv_mr *mr;
	char *addr;
	size_t len;
};

/* Access of a registration: the values of enum ibv_access_flags. */
enum pf_rdma_access {
	PF_RDMA_LOCAL_WRITE	= 1 << 0,
	PF_RDMA_REMOTE_WRITE	= 1 << 1,
	PF_RDMA_REMOTE_READ	= 1 << 2,
};

/* Device, PD, CQ and the connected QP pair; PF_SKIP/ERROR. */
enum pf_result pf_rdma_open(struct pf_rdma *r);
/* Releases everything (before exit: deleting the rxe device waits for it). */
void pf_rdma_close(struct pf_rdma *r);

/* Registers [addr, addr+len) with access (enum pf_rdma_access); 0 or -errno. */
int pf_rdma_reg(struct pf_rdma *r, struct pf_rdma_buf *b, void *addr,
		size_t len, int access);
void pf_rdma_dereg(struct pf_rdma_buf *b);

#endif
