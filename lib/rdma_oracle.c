// SPDX-License-Identifier: GPL-2.0
/*
 * Pin coherence for a memory region: what the NIC reads or sends from the
 * MR is what the CPU wrote, and what it writes or receives into the MR is
 * what the CPU reads. A MR whose pages were COWed away from the CPU's
 * mapping fails both (check/selftest_rdma.c builds that symptom).
 */
#include <string.h>

#include "pattern.h"
#include "rdma.h"

static enum pf_result holds(const void *buf, size_t len, uint32_t seed,
			    const char *what)
{
	struct pf_mismatch m;

	if (!pf_pattern_check(buf, len, seed, &m))
		return PF_PASS;
	pf_mismatch_diag(what, &m);
	return pf_fail("%s", what);
}

static enum pf_result moved(int err, const char *op)
{
	return pf_error("%s failed: %s", op, strerror(-err));
}

/* The bounce buffer, cut to the MR's length. */
static struct pf_rdma_buf cut(const struct pf_rdma_buf *bounce, size_t len)
{
	struct pf_rdma_buf b = *bounce;

	b.len = len;
	return b;
}

enum pf_result pf_rdma_read_sees(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				 const struct pf_rdma_buf *bounce, uint32_t seed)
{
	struct pf_rdma_buf b = cut(bounce, mr->len);
	int err;

	memset(b.addr, 0, b.len);
	err = pf_rdma_read(r, &b, mr);
	if (err)
		return moved(err, "RDMA READ of the region");
	return holds(b.addr, b.len, seed,
		     "RDMA READ fetched stale data: the MR's pages no longer back the CPU's mapping");
}

enum pf_result pf_rdma_send_sends(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				  const struct pf_rdma_buf *bounce, uint32_t seed)
{
	struct pf_rdma_buf b = cut(bounce, mr->len);
	int err;

	memset(b.addr, 0, b.len);
	err = pf_rdma_send(r, mr, &b);
	if (err)
		return moved(err, "SEND from the region");
	return holds(b.addr, b.len, seed,
		     "SEND sent stale data: the MR's pages no longer back the CPU's mapping");
}

enum pf_result pf_rdma_write_sends(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				   const struct pf_rdma_buf *bounce, uint32_t seed)
{
	struct pf_rdma_buf b = cut(bounce, mr->len);
	int err;

	memset(b.addr, 0, b.len);
	err = pf_rdma_write(r, mr, &b);
	if (err)
		return moved(err, "RDMA WRITE from the region");
	return holds(b.addr, b.len, seed,
		     "RDMA WRITE from the region sent stale data: the MR's pages no longer back the CPU's mapping");
}

enum pf_result pf_rdma_write_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				     const struct pf_rdma_buf *bounce,
				     const void *view, uint32_t seed)
{
	struct pf_rdma_buf b = cut(bounce, mr->len);
	int err;

	pf_pattern_fill(b.addr, b.len, seed);
	err = pf_rdma_write(r, &b, mr);
	if (err)
		return moved(err, "RDMA WRITE into the region");
	return holds(view, b.len, seed,
		     "RDMA WRITE data did not reach the CPU's mapping");
}

enum pf_result pf_rdma_recv_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				    const struct pf_rdma_buf *bounce,
				    const void *view, uint32_t seed)
{
	struct pf_rdma_buf b = cut(bounce, mr->len);
	int err;

	pf_pattern_fill(b.addr, b.len, seed);
	err = pf_rdma_send(r, &b, mr);
	if (err)
		return moved(err, "SEND into the region");
	return holds(view, b.len, seed,
		     "received SEND data did not reach the CPU's mapping");
}

enum pf_result pf_rdma_read_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				    const struct pf_rdma_buf *bounce,
				    const void *view, uint32_t seed)
{
	struct pf_rdma_buf b = cut(bounce, mr->len);
	int err;

	pf_pattern_fill(b.addr, b.len, seed);
	err = pf_rdma_read(r, mr, &b);
	if (err)
		return moved(err, "RDMA READ into the region");
	return holds(view, b.len, seed,
		     "RDMA READ data did not reach the CPU's mapping");
}
