/* SPDX-License-Identifier: GPL-2.0 */
/* A soft-RoCE (rdma_rxe) device made for the case, deleted by the knob journal. */
#ifndef PINFORK_RDMA_RXE_H
#define PINFORK_RDMA_RXE_H

#include "pf_case.h"

#define PF_RXE_NAME "pinfork_rxe0"

/* Makes pinfork_rxe0 on an up IPv4 netdev (journaled undo); PF_SKIP if not. */
enum pf_result pf_rdma_make_rxe(void);

#endif
