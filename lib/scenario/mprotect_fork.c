// SPDX-License-Identifier: GPL-2.0
/*
 * The turns, for M the process that mprotect()s and O the other:
 *   1. M: mprotect R then RW, write its pattern
 *   2. O: must still see the pre-fork data; write its pattern
 *   3. parent: must see its own data; with a pin, WRITE_FIXED must send it
 *      and READ_FIXED must land in its view
 *   4. child: must see its own data, not the parent's nor the device's
 */
#include "mprotect_fork.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "lockstep.h"
#include "odirect.h"
#include "oracle.h"
#include "pattern.h"
#include "uring.h"

enum { SEED_BEFORE = 41, SEED_PARENT = 42, SEED_CHILD = 43, SEED_DEVICE = 44 };

#define CHILD_ERROR 10

struct mp {
	struct pf_region *r;
	const struct pf_mprotect_plan *plan;
	size_t prot_len;
	struct pf_lockstep ls;
	struct pf_uring u;
	struct pf_scratch s;
};

/* Mapping states of the first folio, for the diagnostic line. */
struct states {
	const char *fork, *mprotect, *end;
};

static size_t prot_len(const struct pf_region *r, int half)
{
	size_t ps = pf_page_size();
	size_t unit = r->folio > ps ? r->folio : r->len;

	if (!half)
		return r->len;
	return (unit / 2 + ps - 1) & ~(ps - 1);
}

static const char *state_of(const struct pf_region *r)
{
	return pf_mapping_state(r->base, r->folio);
}

static void states_diag(const char *who, const struct states *s)
{
	if (s->mprotect)
		pf_diag("%s: first folio %s at fork, %s after mprotect, %s at the end (policy, not checked)",
			who, s->fork, s->mprotect, s->end);
	else
		pf_diag("%s: first folio %s at fork, %s at the end (policy, not checked)",
			who, s->fork, s->end);
}

static enum pf_result pin(struct mp *m)
{
	char why[256];

	if (pf_scratch_open(&m->s, m->r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	return pf_uring_pin(&m->u, m->r->base, m->r->len);
}

static void unpin(struct mp *m)
{
	pf_uring_exit(&m->u);
	pf_scratch_close(&m->s);
}

static int first_turn(struct mp *m, const char *who, uint32_t seed,
		      struct states *st)
{
	char *base = m->r->base;

	if (mprotect(base, m->prot_len, PROT_READ) ||
	    mprotect(base, m->prot_len, PROT_READ | PROT_WRITE)) {
		pf_diag("%s: mprotect: %s", who, strerror(errno));
		return -1;
	}
	st->mprotect = state_of(m->r);
	pf_pattern_fill(base, m->r->len, seed);
	return 0;
}

static enum pf_view second_turn(struct mp *m, const char *who, uint32_t seed,
				uint32_t first_seed)
{
	enum pf_view v = pf_view_check(who, m->r->base, 0, m->r->len,
				       SEED_BEFORE, first_seed);

	pf_pattern_fill(m->r->base, m->r->len, seed);
	return v;
}

static int child_main(struct mp *m)
{
	struct states st = { .fork = state_of(m->r) };
	uint32_t last = m->plan->pinned ? SEED_DEVICE : SEED_PARENT;
	enum pf_view v = PF_VIEW_OWN;

	if (pf_lockstep_wait(&m->ls))
		return CHILD_ERROR;
	if (m->plan->side == PF_MPROTECT_CHILD) {
		if (first_turn(m, "child", SEED_CHILD, &st))
			return CHILD_ERROR;
	} else {
		v = second_turn(m, "child before writing", SEED_CHILD, SEED_PARENT);
	}
	if (pf_lockstep_pass(&m->ls))
		return CHILD_ERROR;
	v = pf_view_worse(v, pf_view_check("child at the end", m->r->base, 0,
					   m->r->len, SEED_CHILD, last));
	st.end = state_of(m->r);
	states_diag("child", &st);
	return v;
}

/* Turns 1-3 of the parent; -1 when the protocol broke off. */
static int parent_turns(struct mp *m, struct states *st, enum pf_view *v)
{
	*v = PF_VIEW_OWN;
	if (m->plan->side == PF_MPROTECT_PARENT &&
	    first_turn(m, "parent", SEED_PARENT, st))
		return -1;
	if (pf_lockstep_pass(&m->ls))
		return -1;
	if (m->plan->side == PF_MPROTECT_CHILD)
		*v = second_turn(m, "parent before writing", SEED_PARENT, SEED_CHILD);
	*v = pf_view_worse(*v, pf_view_check("parent after both wrote",
					     m->r->base, 0, m->r->len,
					     SEED_PARENT, SEED_CHILD));
	return 0;
}

static enum pf_result pin_io(struct mp *m)
{
	enum pf_result res = pf_fixed_sends(&m->u, &m->s, m->r->base,
					    m->r->len, SEED_PARENT);

	if (res == PF_PASS)
		res = pf_fixed_brings(&m->u, &m->s, m->r->base, m->r->base,
				      m->r->len, SEED_DEVICE);
	return res;
}

static enum pf_result view_result(enum pf_view v, const char *who,
				  const char *other)
{
	if (v == PF_VIEW_FOREIGN)
		return pf_fail("the %s saw data the %s wrote after fork", who, other);
	if (v == PF_VIEW_CORRUPT)
		return pf_fail("the %s's memory holds neither its data nor the %s's", who, other);
	return PF_PASS;
}

static enum pf_result child_result(int status, struct pf_mprotect_outcome *out)
{
	if (status >= 0 && status <= PF_VIEW_FOREIGN) {
		out->child = (enum pf_view)status;
		return view_result(out->child, "child", "parent (by CPU or through the pin)");
	}
	if (status < 0)
		return pf_error("the child died");
	return pf_error("the child could not take its turns (see above)");
}

static enum pf_result parent_main(struct mp *m, struct pf_mprotect_outcome *out)
{
	struct states st = { .fork = state_of(m->r) };
	enum pf_result res = PF_PASS;

	if (parent_turns(m, &st, &out->parent)) {
		pf_lockstep_reap(&m->ls);
		return pf_error("mprotect failed or the child left early (see above)");
	}
	res = view_result(out->parent, "parent", "child");
	if (m->plan->pinned)
		res = pf_worst(res, pin_io(m));
	st.end = state_of(m->r);
	states_diag("parent", &st);
	pf_lockstep_give(&m->ls);
	return pf_worst(res, child_result(pf_lockstep_reap(&m->ls), out));
}

enum pf_result pf_mprotect_fork_run(struct pf_region *r,
				    const struct pf_mprotect_plan *plan,
				    struct pf_mprotect_outcome *out)
{
	struct mp m = { .r = r, .plan = plan, .prot_len = prot_len(r, plan->half) };
	struct pf_mprotect_outcome ignored;
	enum pf_result res = PF_PASS;
	pid_t pid;

	if (!out)
		out = &ignored;
	out->parent = out->child = PF_VIEW_OWN;
	m.s.fd = m.s.dio_fd = -1;
	if ((uintptr_t)r->base % pf_page_size())
		return pf_error("the region is not page aligned");
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	if (plan->pinned)
		res = pin(&m);
	if (res != PF_PASS)
		goto out;
	pid = pf_lockstep_fork(&m.ls);
	if (pid == 0)
		pf_lockstep_exit(&m.ls, child_main(&m));
	res = pid < 0 ? pf_error("fork: %s", strerror((int)-pid)) :
			parent_main(&m, out);
out:
	unpin(&m);
	return res;
}
