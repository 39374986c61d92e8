// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the RDMA coherence oracle (lib/oracle/rdma_oracle.c):
 * register a MR, then map fresh memory over it with MAP_FIXED, so the MR
 * keeps the old pages while the CPU writes the new ones, which is what a
 * wrong COW decision at fork looks like from userspace. Every direction of
 * the oracle must report it. A coupled MR must pass, so a failure here is
 * the symptom and not a broken device.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "model.h"
#include "pattern.h"
#include "rdma.h"
#include "rdma_oracle.h"

#define LEN (64u << 10)
#define ALL_ACCESS (PF_RDMA_LOCAL_WRITE | PF_RDMA_REMOTE_READ | \
		    PF_RDMA_REMOTE_WRITE)

enum { SEED_OLD = 71, SEED_CPU = 72, SEED_DEVICE = 73 };

enum direction { READ_SEES, SEND_SENDS, WRITE_SENDS, WRITE_REACHES,
		 RECV_REACHES, READ_REACHES };

struct plan {
	enum direction dir;
	int decouple;	/* map fresh memory over the MR before checking */
};

struct fixture {
	struct pf_rdma r;
	struct pf_rdma_buf mr, bounce;
	char *p, *b;
};

static enum pf_result open_fixture(struct fixture *f)
{
	enum pf_result res = pf_rdma_open(&f->r);

	if (res != PF_PASS)
		return res;
	f->p = pf_mmap_anon(LEN, MAP_PRIVATE);
	f->b = pf_mmap_anon(LEN, MAP_PRIVATE);
	if (!f->p || !f->b)
		return pf_error("mmap: %s", strerror(errno));
	pf_pattern_fill(f->p, LEN, SEED_OLD);
	if (pf_rdma_reg(&f->r, &f->mr, f->p, LEN, ALL_ACCESS) ||
	    pf_rdma_reg(&f->r, &f->bounce, f->b, LEN, ALL_ACCESS))
		return pf_error("ibv_reg_mr: %s", strerror(errno));
	return PF_PASS;
}

static void close_fixture(struct fixture *f)
{
	pf_rdma_dereg(&f->mr);
	pf_rdma_dereg(&f->bounce);
	pf_rdma_close(&f->r);
	if (f->p)
		munmap(f->p, LEN);
	if (f->b)
		munmap(f->b, LEN);
}

static enum pf_result check(struct fixture *f, enum direction d)
{
	struct pf_rdma *r = &f->r;

	switch (d) {
	case READ_SEES:
		return pf_rdma_read_sees(r, &f->mr, &f->bounce, SEED_CPU);
	case SEND_SENDS:
		return pf_rdma_send_sends(r, &f->mr, &f->bounce, SEED_CPU);
	case WRITE_SENDS:
		return pf_rdma_write_sends(r, &f->mr, &f->bounce, SEED_CPU);
	case WRITE_REACHES:
		return pf_rdma_write_reaches(r, &f->mr, &f->bounce, f->p, SEED_DEVICE);
	case RECV_REACHES:
		return pf_rdma_recv_reaches(r, &f->mr, &f->bounce, f->p, SEED_DEVICE);
	case READ_REACHES:
		return pf_rdma_read_reaches(r, &f->mr, &f->bounce, f->p, SEED_DEVICE);
	}
	return pf_error("unknown direction");
}

/* The oracle must have failed, and said why. */
static enum pf_result expect_fail(enum pf_result got)
{
	return pf_expect(got, PF_FAIL, "RDMA oracle on a decoupled MR");
}

static enum pf_result run_plan(struct pf_ctx *ctx)
{
	const struct plan *p = ctx->arg;
	struct fixture f = { .p = NULL };
	enum pf_result res = open_fixture(&f);

	if (res != PF_PASS)
		goto out;
	/* the MR keeps the old pages; the CPU's view is fresh memory */
	if (p->decouple && mmap(f.p, LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
		res = pf_error("mmap MAP_FIXED: %s", strerror(errno));
		goto out;
	}
	pf_pattern_fill(f.p, LEN, SEED_CPU);
	res = check(&f, p->dir);
	if (p->decouple)
		res = expect_fail(res);
out:
	close_fixture(&f);
	return res;
}

#define PLAN(name, dir_, decouple_) \
	static const struct plan name = { .dir = dir_, .decouple = decouple_ }

PLAN(read_sees, READ_SEES, 1);
PLAN(send_sends, SEND_SENDS, 1);
PLAN(write_sends, WRITE_SENDS, 1);
PLAN(write_reaches, WRITE_REACHES, 1);
PLAN(recv_reaches, RECV_REACHES, 1);
PLAN(read_reaches, READ_REACHES, 1);
PLAN(coupled_read, READ_SEES, 0);
PLAN(coupled_write, WRITE_REACHES, 0);

#define CASE(name_, plan_, summary_)                                           \
	{                                                                      \
		.name = name_,                                                 \
		.summary = summary_,                                           \
		.run = run_plan,                                               \
		.arg = &plan_,                                                 \
		.needs = PF_NEED_RDMA,                                         \
		.timeout = 60,                                                 \
	}

static const struct pf_template templates[] = {
	CASE("rdma-oracle-stale-read", read_sees,
	     "RDMA READ from a MR whose pages were replaced under it is reported stale"),
	CASE("rdma-oracle-stale-send", send_sends,
	     "SEND from a decoupled MR is reported stale"),
	CASE("rdma-oracle-stale-write-out", write_sends,
	     "RDMA WRITE sourced from a decoupled MR is reported stale"),
	CASE("rdma-oracle-lost-write", write_reaches,
	     "RDMA WRITE into a decoupled MR is reported as not reaching the CPU's view"),
	CASE("rdma-oracle-lost-recv", recv_reaches,
	     "a SEND received into a decoupled MR is reported as not reaching the CPU's view"),
	CASE("rdma-oracle-lost-read-in", read_reaches,
	     "RDMA READ into a decoupled MR is reported as not reaching the CPU's view"),
	CASE("rdma-oracle-coupled-read", coupled_read,
	     "control: RDMA READ from a coupled MR passes"),
	CASE("rdma-oracle-coupled-write", coupled_write,
	     "control: RDMA WRITE into a coupled MR passes"),
};

PF_MAIN(templates)
