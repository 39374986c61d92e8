/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Coherence of a registered region with the CPU's view, both ways. The
 * region's MR is the "device side"; bounce is a second MR of at least
 * mr->len bytes the oracle moves data through.
 */
#ifndef PINFORK_RDMA_ORACLE_H
#define PINFORK_RDMA_ORACLE_H

#include <stdint.h>

#include "pf_case.h"
#include "rdma.h"

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
