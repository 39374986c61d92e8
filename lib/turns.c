// SPDX-License-Identifier: GPL-2.0
#include "turns.h"

enum pf_result pf_worst(enum pf_result a, enum pf_result b)
{
	if (a == PF_FAIL || b == PF_FAIL)
		return PF_FAIL;
	return a != PF_PASS ? a : b;
}

enum pf_result pf_take_turns(struct pf_lockstep *ls, int turns, int owns_odd,
			     pf_turn_fn fn, void *arg)
{
	enum pf_result res = PF_PASS;

	for (int turn = 1; turn <= turns; turn++) {
		if ((turn % 2 == 1) == !!owns_odd) {
			res = pf_worst(res, fn(arg, turn));
			if (pf_lockstep_give(ls))
				return pf_error("the other process left at turn %d", turn);
		} else if (pf_lockstep_wait(ls)) {
			return pf_error("the other process left before turn %d", turn);
		}
	}
	return res;
}

enum pf_result pf_turns_parent(struct pf_lockstep *ls, int turns, int owns_odd,
			       pf_turn_fn fn, void *arg)
{
	enum pf_result res = pf_take_turns(ls, turns, owns_odd, fn, arg);
	int status = pf_lockstep_reap(ls);

	if (status < 0)
		return pf_worst(res, pf_error("the child died"));
	return pf_worst(res, (enum pf_result)status);
}
