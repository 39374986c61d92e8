// SPDX-License-Identifier: GPL-2.0
#include "turns.h"

/* A turn that SKIPs or ERRORs leaves nothing for the later turns to judge. */
static int ends_sequence(enum pf_result r)
{
	return r == PF_SKIP || r == PF_ERROR;
}

/*
 * Runs this side's turns. *left_at is 0, or the turn at which the peer was
 * gone (it stopped with a verdict of its own, or died).
 */
static enum pf_result run_turns(struct pf_lockstep *ls, int turns, int owns_odd,
				pf_turn_fn fn, void *arg, int *left_at)
{
	enum pf_result res = PF_PASS, r;

	*left_at = 0;
	for (int turn = 1; turn <= turns; turn++) {
		if ((turn % 2 == 1) != !!owns_odd) {
			if (pf_lockstep_wait(ls)) {
				*left_at = turn;
				return res;
			}
			continue;
		}
		r = fn(arg, turn);
		res = pf_worst(res, r);
		if (ends_sequence(r))
			return res;	/* no hand-over: the peer sees us gone */
		if (pf_lockstep_give(ls) && turn < turns) {
			*left_at = turn + 1;
			return res;
		}
	}
	return res;
}

enum pf_result pf_take_turns(struct pf_lockstep *ls, int turns, int owns_odd,
			     pf_turn_fn fn, void *arg)
{
	int left_at;
	enum pf_result res = run_turns(ls, turns, owns_odd, fn, arg, &left_at);

	if (left_at)
		pf_diag("the other process stopped before turn %d", left_at);
	return res;
}

enum pf_result pf_turns_parent(struct pf_lockstep *ls, int turns, int owns_odd,
			       pf_turn_fn fn, void *arg)
{
	int left_at;
	enum pf_result res = run_turns(ls, turns, owns_odd, fn, arg, &left_at);
	int status = pf_lockstep_reap(ls);

	if (status < 0)
		return pf_worst(res, pf_error("the child died"));
	if (left_at && status == PF_PASS)
		return pf_worst(res, pf_error("the child left before turn %d without a verdict",
					      left_at));
	return pf_worst(res, (enum pf_result)status);
}
