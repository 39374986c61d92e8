// SPDX-License-Identifier: GPL-2.0
/*
 * RDMA memory regions (ibv_reg_mr: a long-term FOLL_PIN) on arbitrary
 * application memory across fork, with no MADV_DONTFORK and no
 * ibv_fork_init(): the situation of the 2020 regression, where a library
 * called system() and the parent's next write COWed its page away from the
 * NIC. Data moves through a loopback RC queue-pair pair, both ways: what
 * the parent CPU wrote is what RDMA READ / SEND / RDMA WRITE from the MR
 * take, and what RDMA WRITE / RECV / RDMA READ put into the MR is what the
 * CPU reads; a child keeps its own copy. ibv_is_fork_initialized() saying
 * IBV_FORK_UNNEEDED is the kernel's claim that this holds; these cases
 * verify it.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "event.h"
#include "lockstep.h"
#include "model.h"
#include "oracle.h"
#include "pattern.h"
#include "rdma.h"
#include "rdma_dev.h"
#include "rdma_oracle.h"
#include "rdma_race.h"
#include "view_oracle.h"

enum { SEED_BEFORE = 61, SEED_PARENT = 62, SEED_DEVICE = 63, SEED_CHILD = 64,
       SEED_RECV = 65 };

/* How the region's MR may be used. */
enum mr_kind {
	MR_REMOTE,	/* LOCAL_WRITE | REMOTE_READ | REMOTE_WRITE: the peer reads and writes it */
	MR_LOCAL,	/* LOCAL_WRITE only: our own work requests read and write it */
	MR_READONLY,	/* REMOTE_READ only: a read-only pin */
};

static const int access_of[] = {
	[MR_REMOTE] = PF_RDMA_LOCAL_WRITE | PF_RDMA_REMOTE_READ |
		      PF_RDMA_REMOTE_WRITE,
	[MR_LOCAL] = PF_RDMA_LOCAL_WRITE,
	[MR_READONLY] = PF_RDMA_REMOTE_READ,
};

#define BOUNCE_ACCESS (PF_RDMA_LOCAL_WRITE | PF_RDMA_REMOTE_READ | \
		       PF_RDMA_REMOTE_WRITE)

/* What happens between registration and the parent's write. */
enum step {
	STEP_LIBRARY_EVENT,	/* plan.event, a fork or clone inside libpinfork_helper.so */
	STEP_FORK_ALIVE,	/* a child that lives on and checks its copy */
	STEP_MPROTECT_PARENT,	/* fork; the parent mprotect()s half R then RW */
	STEP_MPROTECT_CHILD,	/* fork; the child mprotect()s half and writes */
	STEP_CHILD_WRITES,	/* fork; the child writes its copy, exits */
	STEP_REG_AFTER_FORK,	/* fork first, then register on shared pages */
};

struct plan {
	enum mr_kind kind;
	enum step step;
	const struct pf_event *event;	/* for STEP_LIBRARY_EVENT */
};

struct fixture {
	struct pf_region *reg;
	struct pf_rdma r;
	struct pf_rdma_buf mr, bounce;
	char *bounce_mem;
	size_t bounce_len;
};

static enum pf_result fixture_open(struct fixture *f, struct pf_region *reg)
{
	enum pf_result res;

	memset(f, 0, sizeof(*f));
	f->reg = reg;
	res = pf_rdma_open(&f->r);
	if (res != PF_PASS)
		return res;
	pf_diag("device %s port %u; ibv_is_fork_initialized(): %s", f->r.name,
		f->r.port, pf_rdma_fork_status());
	f->bounce_len = (reg->len + pf_page_size() - 1) & ~(pf_page_size() - 1);
	f->bounce_mem = mmap(NULL, f->bounce_len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->bounce_mem == MAP_FAILED) {
		f->bounce_mem = NULL;
		return pf_error("mmap: %s", strerror(errno));
	}
	memset(f->bounce_mem, 0, f->bounce_len);
	if (pf_rdma_reg(&f->r, &f->bounce, f->bounce_mem, f->bounce_len,
			BOUNCE_ACCESS))
		return pf_error("ibv_reg_mr of the bounce buffer: %s", strerror(errno));
	return PF_PASS;
}

static enum pf_result register_region(struct fixture *f, enum mr_kind kind)
{
	int err = pf_rdma_reg(&f->r, &f->mr, f->reg->base, f->reg->len,
			      access_of[kind]);

	if (err)
		return pf_error("ibv_reg_mr of %zu bytes (access 0x%x): %s",
				f->reg->len, access_of[kind], strerror(-err));
	return PF_PASS;
}

static void fixture_close(struct fixture *f)
{
	pf_rdma_dereg(&f->mr);
	pf_rdma_dereg(&f->bounce);
	pf_rdma_close(&f->r);
	if (f->bounce_mem)
		munmap(f->bounce_mem, f->bounce_len);
}

/*
 * Both directions through the MR, as the parent's CPU sees the region:
 * first what it wrote (cpu_seed) must go out, then what comes in must
 * land in its view.
 */
static enum pf_result coherent(struct fixture *f, enum mr_kind kind,
			       uint32_t cpu_seed)
{
	struct pf_rdma *r = &f->r;
	const struct pf_rdma_buf *mr = &f->mr, *b = &f->bounce;
	void *view = f->reg->base;
	enum pf_result res;

	switch (kind) {
	case MR_REMOTE:
		res = pf_rdma_read_sees(r, mr, b, cpu_seed);
		res = pf_worst(res, pf_rdma_write_reaches(r, mr, b, view, SEED_DEVICE));
		return pf_worst(res, pf_rdma_recv_reaches(r, mr, b, view, SEED_RECV));
	case MR_LOCAL:
		res = pf_rdma_write_sends(r, mr, b, cpu_seed);
		res = pf_worst(res, pf_rdma_send_sends(r, mr, b, cpu_seed));
		res = pf_worst(res, pf_rdma_read_reaches(r, mr, b, view, SEED_DEVICE));
		return pf_worst(res, pf_rdma_recv_reaches(r, mr, b, view, SEED_RECV));
	case MR_READONLY:
		res = pf_rdma_read_sees(r, mr, b, cpu_seed);
		return pf_worst(res, pf_rdma_send_sends(r, mr, b, cpu_seed));
	}
	return pf_error("unknown MR kind");
}

/* The first half of the first folio (of the region for small pages). */
static size_t half_len(const struct pf_region *reg)
{
	size_t ps = pf_page_size();
	size_t unit = reg->folio > ps ? reg->folio : reg->len;

	return (unit / 2 + ps - 1) & ~(ps - 1);
}

static int mprotect_half(struct pf_region *reg)
{
	size_t len = half_len(reg);

	if (mprotect(reg->base, len, PROT_READ) ||
	    mprotect(reg->base, len, PROT_READ | PROT_WRITE)) {
		pf_diag("mprotect of %zu bytes: %s", len, strerror(errno));
		return -1;
	}
	return 0;
}

/* Parent writes, then both directions; the alive child still holds SEED_BEFORE. */
static enum pf_result write_and_move(struct fixture *f, enum mr_kind kind,
				     struct pf_event_run *child)
{
	enum pf_result res, iso = PF_PASS;

	pf_pattern_fill(f->reg->base, f->reg->len, SEED_PARENT);
	res = coherent(f, kind, SEED_PARENT);
	if (child)
		iso = pf_isolation_verdict(pf_event_finish(child));
	return pf_worst(res, iso);
}

/* The event row proves its forks (or its CLONE_VM child) and their ends. */
static enum pf_result after_library(struct fixture *f, enum mr_kind kind,
				    const struct pf_event *event)
{
	struct pf_event_run ev;
	enum pf_result res;
	int err = pf_event_start(&ev, event, pf_target_whole(f->reg),
				 NULL, NULL);

	if (err)
		return pf_error("%s: %s", event->name, strerror(-err));
	res = pf_event_end(&ev);
	return res == PF_PASS ? write_and_move(f, kind, NULL) : res;
}

static enum pf_result after_fork_alive(struct fixture *f, enum mr_kind kind,
				       int mprotect_parent)
{
	struct pf_child_view view = { f->reg->base, f->reg->len, SEED_BEFORE };
	struct pf_event_run ev;
	int err = pf_fork_alive(&ev, pf_child_keeps, &view);

	if (err)
		return pf_error("fork: %s", strerror(-err));
	if (mprotect_parent && mprotect_half(f->reg)) {
		pf_event_finish(&ev);
		return pf_error("mprotect failed (see above)");
	}
	return write_and_move(f, kind, &ev);
}

static int child_writes(void *arg)
{
	struct pf_region *reg = arg;

	pf_pattern_fill(reg->base, reg->len, SEED_CHILD);
	return 0;
}

/* The child writes its copy and leaves; the MR keeps the parent's data. */
static enum pf_result after_child_writes(struct fixture *f, enum mr_kind kind)
{
	struct pf_event_run ev;
	int err = pf_fork_alive(&ev, child_writes, f->reg);

	if (err)
		return pf_error("fork: %s", strerror(-err));
	if (pf_event_finish(&ev))
		return pf_error("the child failed");
	return coherent(f, kind, SEED_BEFORE);
}

/* Child: mprotect half R then RW, write; then its view must stay its own. */
static int mprotect_child_main(struct pf_lockstep *ls, struct pf_region *reg)
{
	if (pf_lockstep_wait(ls) || mprotect_half(reg))
		return 10;
	pf_pattern_fill(reg->base, reg->len, SEED_CHILD);
	if (pf_lockstep_pass(ls))
		return 10;
	return pf_view_check("child at the end", reg->base, 0, reg->len,
			     SEED_CHILD, SEED_DEVICE) != PF_VIEW_OWN;
}

static enum pf_result after_mprotect_child(struct fixture *f, enum mr_kind kind)
{
	struct pf_lockstep ls;
	enum pf_result res;
	enum pf_view v;
	pid_t pid = pf_lockstep_fork(&ls);
	int status;

	if (pid < 0)
		return pf_error("fork: %s", strerror((int)-pid));
	if (pid == 0)
		pf_lockstep_exit(&ls, mprotect_child_main(&ls, f->reg));
	if (pf_lockstep_pass(&ls)) {
		pf_lockstep_reap(&ls);
		return pf_error("the child could not mprotect and write (see above)");
	}
	v = pf_view_check("parent after the child wrote", f->reg->base, 0,
			  f->reg->len, SEED_BEFORE, SEED_CHILD);
	res = write_and_move(f, kind, NULL);
	pf_lockstep_give(&ls);
	status = pf_lockstep_reap(&ls);
	if (v != PF_VIEW_OWN)
		return pf_fail("the parent sees the child's post-fork writes");
	if (status == 1)
		return pf_fail("the child's copy changed after the parent's RDMA traffic");
	if (status)
		return pf_error("the child died or could not take its turn");
	return res;
}

/*
 * Registration after fork on pages still shared with the child: a R/O pin
 * must unshare them first (a7f226604170) or it keeps the page that the
 * parent's next write COWs away from.
 */
static enum pf_result register_after_fork(struct fixture *f, enum mr_kind kind)
{
	struct pf_child_view view = { f->reg->base, f->reg->len, SEED_BEFORE };
	struct pf_event_run ev;
	enum pf_result res;
	int err = pf_fork_alive(&ev, pf_child_keeps, &view);

	if (err)
		return pf_error("fork: %s", strerror(-err));
	res = register_region(f, kind);
	if (res != PF_PASS) {
		pf_event_finish(&ev);
		return res;
	}
	return write_and_move(f, kind, &ev);
}

/*
 * Registration racing fork: one thread forks (the child exits at once)
 * while this one registers fresh buffers (pin_user_pages_fast), then
 * writes and moves data both ways. A pin taken while fork write-protects
 * the page table must not end up on a page the parent's write COWs away
 * from (57efa1fe5957; hugetlb 623a1ddfeb23).
 */
#define RACE_LEN (64u << 10)

/* One registration under fork, then both directions; fills *f's MR. */
static enum pf_result race_round(struct fixture *f, uint32_t seed)
{
	enum pf_result res;
	int err;

	pf_pattern_fill(f->reg->base, f->reg->len, seed);
	err = pf_rdma_reg(&f->r, &f->mr, f->reg->base, f->reg->len,
			  access_of[MR_REMOTE]);
	if (err)
		return pf_error("ibv_reg_mr: %s", strerror(-err));
	pf_pattern_fill(f->reg->base, f->reg->len, seed + 1);
	res = pf_rdma_read_sees(&f->r, &f->mr, &f->bounce, seed + 1);
	if (res == PF_PASS)
		res = pf_rdma_write_reaches(&f->r, &f->mr, &f->bounce,
					    f->reg->base, seed + 2);
	pf_rdma_dereg(&f->mr);
	return res;
}

static enum pf_result race_rounds(struct fixture *f, double seconds,
				  struct pf_reg_race *st)
{
	double end = st->start + seconds;
	enum pf_result res = PF_PASS;

	do {
		/* fresh anonymous pages every round, present before the pin */
		if (mmap(f->reg->base, f->reg->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			return pf_error("mmap: %s", strerror(errno));
		res = race_round(f, (uint32_t)(1000 + 3 * st->rounds++));
	} while (res == PF_PASS && pf_now() < end);
	if (res == PF_FAIL)
		st->loss_at = pf_now() - st->start;
	return res;
}

static enum pf_result reg_vs_fork(struct pf_ctx *ctx)
{
	struct pf_region reg = { .len = RACE_LEN, .folio = pf_page_size() };
	struct pf_reg_race st = { .loss_at = -1 };
	struct pf_forker fk;
	enum pf_result res;
	struct fixture f;
	int err;

	reg.base = reg.map = mmap(NULL, RACE_LEN, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (reg.base == MAP_FAILED)
		return pf_error("mmap: %s", strerror(errno));
	reg.map_len = RACE_LEN;
	res = fixture_open(&f, &reg);
	if (res == PF_PASS && (err = pf_forker_start(&fk)))
		res = pf_error("pthread_create: %s", strerror(-err));
	if (res != PF_PASS)
		goto out;
	st.start = pf_now();
	res = race_rounds(&f, ctx->race_seconds, &st);
	pf_forker_stop(&fk);
	res = pf_reg_race_verdict(res, &st, &fk);
out:
	fixture_close(&f);
	pf_unmap_region(&reg);
	return res;
}

static enum pf_result run_plan(struct pf_ctx *ctx)
{
	const struct plan *p = ctx->arg;
	struct fixture f;
	enum pf_result res = fixture_open(&f, ctx->region);

	pf_pattern_fill(ctx->region->base, ctx->region->len, SEED_BEFORE);
	if (res == PF_PASS && p->step != STEP_REG_AFTER_FORK)
		res = register_region(&f, p->kind);
	if (res != PF_PASS)
		goto out;
	switch (p->step) {
	case STEP_LIBRARY_EVENT:
		res = after_library(&f, p->kind, p->event);
		break;
	case STEP_FORK_ALIVE:
	case STEP_MPROTECT_PARENT:
		res = after_fork_alive(&f, p->kind, p->step == STEP_MPROTECT_PARENT);
		break;
	case STEP_MPROTECT_CHILD:
		res = after_mprotect_child(&f, p->kind);
		break;
	case STEP_CHILD_WRITES:
		res = after_child_writes(&f, p->kind);
		break;
	case STEP_REG_AFTER_FORK:
		res = register_after_fork(&f, p->kind);
		break;
	}
out:
	fixture_close(&f);
	return res;
}

#define PLAN(name, kind_, step_) \
	static const struct plan name = { .kind = kind_, .step = step_ }
#define LIBRARY_PLAN(name, kind_, event_)				\
	static const struct plan name = { .kind = kind_,		\
		.step = STEP_LIBRARY_EVENT, .event = &event_ }

LIBRARY_PLAN(remote_helper, MR_REMOTE, pf_event_lib_fork_exec);
LIBRARY_PLAN(local_helper, MR_LOCAL, pf_event_lib_fork_exec);
LIBRARY_PLAN(readonly_helper, MR_READONLY, pf_event_lib_fork_exec);
LIBRARY_PLAN(remote_helper_vfork, MR_REMOTE, pf_event_lib_vfork_system);
LIBRARY_PLAN(local_helper_vfork, MR_LOCAL, pf_event_lib_vfork_system);
LIBRARY_PLAN(readonly_helper_vfork, MR_READONLY, pf_event_lib_vfork_system);
PLAN(remote_alive, MR_REMOTE, STEP_FORK_ALIVE);
PLAN(local_alive, MR_LOCAL, STEP_FORK_ALIVE);
PLAN(remote_child_writes, MR_REMOTE, STEP_CHILD_WRITES);
PLAN(remote_mprotect_parent, MR_REMOTE, STEP_MPROTECT_PARENT);
PLAN(remote_mprotect_child, MR_REMOTE, STEP_MPROTECT_CHILD);
PLAN(readonly_shared, MR_READONLY, STEP_REG_AFTER_FORK);

#define PIN_FORK_FIXES "70e806e4e645", "d042035eaf5f", "4eae4efa2c29"

/* The stack backing lives in the runner's frame: left to the other families. */
#define MR_TEMPLATE(name_, plan_, summary_, needs_, excludes_, ...)            \
	{                                                                      \
		.name = name_,                                                 \
		.summary = summary_,                                           \
		.run = run_plan,                                               \
		.arg = &plan_,                                                 \
		.fixes = { __VA_ARGS__ },                                      \
		.needs = PF_NEED_RDMA,                                         \
		.use_backing = 1,                                              \
		.backing_needs = needs_,                                       \
		.backing_excludes = PF_BK_STACK | (excludes_),                 \
		.timeout = 60,                                                 \
	}

static const struct pf_template templates[] = {
	MR_TEMPLATE("rdma-mr-remote-helper-system", remote_helper,
		    "MR with remote read/write; a library's own system() forks and execs (libpinfork_helper.so); parent writes: RDMA READ fetches it, RDMA WRITE and SEND land in its view",
		    0, 0, PIN_FORK_FIXES),
	MR_TEMPLATE("rdma-mr-local-helper-system", local_helper,
		    "MR with local write only (a local buffer); a library's own system() forks and execs; parent writes: RDMA WRITE/SEND from it send that, RDMA READ/RECV into it land in its view",
		    0, 0, PIN_FORK_FIXES),
	MR_TEMPLATE("rdma-mr-readonly-helper-system", readonly_helper,
		    "read-only MR (remote read, no local write); a library's own system() forks and execs; parent writes: RDMA READ and SEND take the new data",
		    0, 0, PIN_FORK_FIXES, "a7f226604170"),
	MR_TEMPLATE("rdma-mr-remote-helper-vfork-system", remote_helper_vfork,
		    "MR with remote read/write; a library calls glibc's system() (CLONE_VM|CLONE_VFORK: the child shares the mm, no COW); parent writes: coherent both ways",
		    0, 0, PIN_FORK_FIXES),
	MR_TEMPLATE("rdma-mr-local-helper-vfork-system", local_helper_vfork,
		    "MR with local write only; a library calls glibc's system() (CLONE_VM|CLONE_VFORK: the child shares the mm, no COW); parent writes: coherent both ways",
		    0, 0, PIN_FORK_FIXES),
	MR_TEMPLATE("rdma-mr-readonly-helper-vfork-system", readonly_helper_vfork,
		    "read-only MR; a library calls glibc's system() (CLONE_VM|CLONE_VFORK: the child shares the mm, no COW); parent writes: RDMA READ and SEND take the new data",
		    0, 0, PIN_FORK_FIXES, "a7f226604170"),
	MR_TEMPLATE("rdma-mr-remote-fork-alive", remote_alive,
		    "MR with remote read/write; fork, the child stays alive; parent writes and the peer moves data both ways: coherent, the child keeps its copy",
		    0, 0, PIN_FORK_FIXES),
	MR_TEMPLATE("rdma-mr-local-fork-alive", local_alive,
		    "MR with local write only; fork, the child stays alive; parent writes and moves data both ways: coherent, the child keeps its copy",
		    0, 0, PIN_FORK_FIXES),
	MR_TEMPLATE("rdma-mr-remote-child-writes", remote_child_writes,
		    "MR with remote read/write; fork, the child writes its copy: the MR keeps the parent's data both ways",
		    0, 0, PIN_FORK_FIXES),
	MR_TEMPLATE("rdma-mr-remote-mprotect-half-parent", remote_mprotect_parent,
		    "MR with remote read/write; fork, the parent mprotect()s half of it R then RW and writes: coherent both ways, the child keeps its copy",
		    PF_BK_PAGE_ALIGNED | PF_BK_MMAP, PF_BK_HUGETLB, PIN_FORK_FIXES,
		    "64fe24a3e05e", "c27f479ef542"),
	MR_TEMPLATE("rdma-mr-remote-mprotect-half-child", remote_mprotect_child,
		    "MR with remote read/write; fork, the child mprotect()s half of it R then RW and writes; the parent writes: coherent both ways, each keeps its data",
		    PF_BK_PAGE_ALIGNED | PF_BK_MMAP, PF_BK_HUGETLB, PIN_FORK_FIXES,
		    "64fe24a3e05e", "c27f479ef542"),
	MR_TEMPLATE("rdma-mr-readonly-shared", readonly_shared,
		    "read-only MR registered after fork on pages shared with the child; parent writes: RDMA READ must see the new data (R/O pin unshare)",
		    0, 0, "a7f226604170", "84209e87c696", "c89357e27f20"),
	{
		.name = "rdma-mr-reg-vs-fork-thread",
		.summary = "ibv_reg_mr on fresh pages while another thread forks, then parent writes: RDMA READ and WRITE stay coherent (time-bounded race)",
		.run = reg_vs_fork,
		.fixes = { "57efa1fe5957", "70e806e4e645" },
		.needs = PF_NEED_RDMA,
		.groups = PF_GROUP_RACE,
		.timeout = 60,
	},
};

PF_MAIN(templates)
