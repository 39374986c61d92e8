/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the RDMA pins share: a loopback RC queue-pair pair (lib/rdma_qp.c),
 * the region registered as a memory region (ibv_reg_mr: a long-term
 * FOLL_PIN) and a bounce MR the checks move data through.
 */
#ifndef PINFORK_PIN_RDMA_H
#define PINFORK_PIN_RDMA_H

#include "pin.h"
#include "rdma.h"
#include "rdma_dev.h"
#include "rdma_io.h"
#include "rdma_oracle.h"

struct pf_pin_rdma {
	struct pf_rdma r;
	struct pf_rdma_buf mr, bounce;
	char *bounce_mem;
};

/* Opens the device and registers st's region with access; SKIP without a device. */
enum pf_result pf_pin_rdma_take(struct pf_pin_state *st, int access);
/* CPU -> device: RDMA READ of the MR by the peer sees seed's pattern. */
enum pf_result pf_pin_rdma_read_sees(struct pf_pin_state *st, uint32_t seed);
void pf_pin_rdma_release(struct pf_pin_state *st);

#endif
