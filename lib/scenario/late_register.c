// SPDX-License-Identifier: GPL-2.0
/*
 * A fixed buffer registered after fork, while the pages are still shared
 * with the other process. R registers, O is the other; four turns:
 *   1. R: register (FOLL_WRITE|FOLL_LONGTERM: must unshare); write, if R writes
 *   2. O: write, if O writes
 *   3. R: sees its own data; WRITE_FIXED sends it; READ_FIXED lands in its view
 *   4. O: sees its own data, not R's nor the device's
 */
#include "late_register.h"

#include <string.h>

#include "lockstep.h"
#include "odirect.h"
#include "oracle.h"
#include "pattern.h"
#include "turns.h"
#include "view_oracle.h"

enum { SEED_BEFORE = 101, SEED_R = 102, SEED_O = 103, SEED_DEVICE = 104 };

struct late {
	struct pf_region *r;
	const struct pf_late_register_plan *plan;
	int is_registrant;
	const char *who;
	struct pf_scratch s;
	struct pf_uring u;
};

static enum pf_result view_result(struct late *l, uint32_t own, uint32_t foreign)
{
	enum pf_view v = pf_view_check(l->who, l->r->base, 0, l->r->len, own,
				       foreign);

	if (v == PF_VIEW_FOREIGN)
		return pf_fail("the %s saw data written after fork by the other process or through its pin",
			       l->who);
	if (v == PF_VIEW_CORRUPT)
		return pf_fail("the %s's memory holds neither its own data nor the other's (device data?)", l->who);
	return PF_PASS;
}

static enum pf_result register_late(struct late *l)
{
	char why[256];
	enum pf_result res;

	if (pf_scratch_open(&l->s, l->r->len, why, sizeof(why)))
		return pf_skip("%s", why);
	res = pf_uring_pin(&l->u, l->r->base, l->r->len);
	if (res != PF_PASS)
		return res;
	if (!l->plan->other_writes)
		pf_pattern_fill(l->r->base, l->r->len, SEED_R);
	return PF_PASS;
}

static enum pf_result registrant_checks(struct late *l)
{
	uint32_t own = l->plan->other_writes ? SEED_BEFORE : SEED_R;
	enum pf_result res = view_result(l, own, SEED_O);

	if (!l->u.registered)
		return res;
	res = pf_worst(res, pf_fixed_sends(&l->u, &l->s, l->r->base, l->r->len, own));
	return pf_worst(res, pf_fixed_brings(&l->u, &l->s, l->r->base, l->r->base,
					     l->r->len, SEED_DEVICE));
}

static enum pf_result turn(void *arg, int turn)
{
	struct late *l = arg;

	switch (turn) {
	case 1:
		return register_late(l);
	case 2:
		if (l->plan->other_writes)
			pf_pattern_fill(l->r->base, l->r->len, SEED_O);
		return PF_PASS;
	case 3:
		return registrant_checks(l);
	default:
		return view_result(l, l->plan->other_writes ? SEED_O : SEED_BEFORE,
				   l->plan->other_writes ? SEED_DEVICE : SEED_R);
	}
}

enum pf_result pf_late_register_run(struct pf_region *r,
				    const struct pf_late_register_plan *plan)
{
	struct late l = { .r = r, .plan = plan };
	struct pf_lockstep ls;
	enum pf_result res;
	pid_t pid;

	l.s.fd = l.s.dio_fd = -1;
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	pf_diag("first folio at fork: %s (policy, not checked)",
		pf_mapping_state(r->base, r->folio));
	pid = pf_lockstep_fork(&ls);
	if (pid < 0)
		return pf_error("fork: %s", strerror((int)-pid));
	l.who = pid ? "parent" : "child";
	l.is_registrant = (plan->registrant == PF_SIDE_CHILD) == !pid;
	if (pid == 0) {
		res = pf_take_turns(&ls, 4, l.is_registrant, turn, &l);
		pf_uring_exit(&l.u);
		pf_scratch_close(&l.s);
		pf_lockstep_exit(&ls, res);
	}
	res = pf_turns_parent(&ls, 4, l.is_registrant, turn, &l);
	pf_uring_exit(&l.u);
	pf_scratch_close(&l.s);
	return res;
}
