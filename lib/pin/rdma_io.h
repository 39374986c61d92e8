/* SPDX-License-Identifier: GPL-2.0 */
/* Moving data through the loopback queue-pair pair, completions under a deadline. */
#ifndef PINFORK_RDMA_IO_H
#define PINFORK_RDMA_IO_H

#include "rdma.h"

/* Data movers, posted on qp[0]; 0 or -errno/-EIO (diag says why). */
/* RDMA WRITE of local into remote. */
int pf_rdma_write(struct pf_rdma *r, const struct pf_rdma_buf *local,
		  const struct pf_rdma_buf *remote);
/* RDMA READ of remote into local. */
int pf_rdma_read(struct pf_rdma *r, const struct pf_rdma_buf *local,
		 const struct pf_rdma_buf *remote);
/* SEND of src on qp[0], received into dst on qp[1]. */
int pf_rdma_send(struct pf_rdma *r, const struct pf_rdma_buf *src,
		 const struct pf_rdma_buf *dst);

#endif
