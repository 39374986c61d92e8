/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding an RDMA device with an active port the loopback pair can use
 * (making a soft-RoCE one when there is none), and what libibverbs says
 * about fork.
 */
#ifndef PINFORK_RDMA_DEV_H
#define PINFORK_RDMA_DEV_H

#include "pf_case.h"
#include "rdma.h"

/* An RDMA device with an active port, or PF_SKIP. */
enum pf_result pf_rdma_open_device(struct pf_rdma *r);

/* A name for what ibv_is_fork_initialized() says. */
const char *pf_rdma_fork_status(void);

#endif
