// SPDX-License-Identifier: GPL-2.0
/*
 * Pin coherence for a memory region: what the NIC reads or sends from the
 * MR is what the CPU wrote, and what it writes or receives into the MR is
 * what the CPU reads. A MR whose pages were COWed away from the CPU's
 * mapping fails both (check/selftest_rdma.c builds that symptom).
 */
#include "rdma_oracle.h"

#include <string.h>

#include "pattern.h"
#include "rdma_io.h"

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

/* Moves a buffer's data from -> to; 0 or -errno. */
typedef int (*mover_fn)(struct pf_rdma *r, const struct pf_rdma_buf *from,
			const struct pf_rdma_buf *to);

/* pf_rdma_read() names the destination first. */
static int read_into(struct pf_rdma *r, const struct pf_rdma_buf *from,
		     const struct pf_rdma_buf *to)
{
	return pf_rdma_read(r, to, from);
}

/* The NIC moves the region into the zeroed bounce: the CPU's data must arrive. */
static enum pf_result out_of_region(struct pf_rdma *r, mover_fn move,
				    const struct pf_rdma_buf *mr,
				    const struct pf_rdma_buf *bounce, uint32_t seed,
				    const char *op, const char *stale)
{
	struct pf_rdma_buf b = cut(bounce, mr->len);
	int err;

	memset(b.addr, 0, b.len);
	err = move(r, mr, &b);
	if (err)
		return moved(err, op);
	return holds(b.addr, b.len, seed, stale);
}

/* The NIC moves a pattern into the region: the CPU must read it at view. */
static enum pf_result into_region(struct pf_rdma *r, mover_fn move,
				  const struct pf_rdma_buf *mr,
				  const struct pf_rdma_buf *bounce, const void *view,
				  uint32_t seed, const char *op, const char *lost)
{
	struct pf_rdma_buf b = cut(bounce, mr->len);
	int err;

	pf_pattern_fill(b.addr, b.len, seed);
	err = move(r, &b, mr);
	if (err)
		return moved(err, op);
	return holds(view, b.len, seed, lost);
}

enum pf_result pf_rdma_read_sees(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				 const struct pf_rdma_buf *bounce, uint32_t seed)
{
	return out_of_region(r, read_into, mr, bounce, seed, "RDMA READ of the region",
			     "RDMA READ fetched stale data: the MR's pages no longer back the CPU's mapping");
}

enum pf_result pf_rdma_send_sends(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				  const struct pf_rdma_buf *bounce, uint32_t seed)
{
	return out_of_region(r, pf_rdma_send, mr, bounce, seed, "SEND from the region",
			     "SEND sent stale data: the MR's pages no longer back the CPU's mapping");
}

enum pf_result pf_rdma_write_sends(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				   const struct pf_rdma_buf *bounce, uint32_t seed)
{
	return out_of_region(r, pf_rdma_write, mr, bounce, seed, "RDMA WRITE from the region",
			     "RDMA WRITE from the region sent stale data: the MR's pages no longer back the CPU's mapping");
}

enum pf_result pf_rdma_write_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				     const struct pf_rdma_buf *bounce,
				     const void *view, uint32_t seed)
{
	return into_region(r, pf_rdma_write, mr, bounce, view, seed,
			   "RDMA WRITE into the region",
			   "RDMA WRITE data did not reach the CPU's mapping");
}

enum pf_result pf_rdma_recv_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				    const struct pf_rdma_buf *bounce,
				    const void *view, uint32_t seed)
{
	return into_region(r, pf_rdma_send, mr, bounce, view, seed,
			   "SEND into the region",
			   "received SEND data did not reach the CPU's mapping");
}

enum pf_result pf_rdma_read_reaches(struct pf_rdma *r, const struct pf_rdma_buf *mr,
				    const struct pf_rdma_buf *bounce,
				    const void *view, uint32_t seed)
{
	return into_region(r, read_into, mr, bounce, view, seed,
			   "RDMA READ into the region",
			   "RDMA READ data did not reach the CPU's mapping");
}
