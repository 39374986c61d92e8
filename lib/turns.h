/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenarios in turns between a parent and a child forked with
 * pf_lockstep_fork(): one process owns the odd turns, the other the even
 * ones; each turn ends by handing over, so the peer's wait for the last
 * turn returns too. Each process accumulates the worst result of its turns.
 */
#ifndef PINFORK_TURNS_H
#define PINFORK_TURNS_H

#include "lockstep.h"
#include "pf_case.h"

typedef enum pf_result (*pf_turn_fn)(void *arg, int turn);

/* FAIL beats everything; otherwise the first result that is not a pass. */
enum pf_result pf_worst(enum pf_result a, enum pf_result b);

enum pf_result pf_take_turns(struct pf_lockstep *ls, int turns, int owns_odd,
			     pf_turn_fn fn, void *arg);

/*
 * Parent: runs its turns, then reaps the child, whose exit status is its
 * pf_result (the child leaves through pf_lockstep_exit with its result).
 */
enum pf_result pf_turns_parent(struct pf_lockstep *ls, int turns, int owns_odd,
			       pf_turn_fn fn, void *arg);

#endif
