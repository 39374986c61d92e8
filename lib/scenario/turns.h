/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenarios in turns between a parent and a child forked with
 * pf_lockstep_fork(): one process owns the odd turns, the other the even
 * ones; each turn ends by handing over, so the peer's wait for the last
 * turn returns too. Each process merges the results of its turns (pf_worst).
 * A turn that SKIPs or ERRORs ends the sequence with that verdict (a FAIL
 * seen before it stays FAIL): it does not hand over, and the peer, finding
 * it gone, stops too instead of judging data the skipped turn never wrote.
 */
#ifndef PINFORK_TURNS_H
#define PINFORK_TURNS_H

#include "lockstep.h"
#include "pf_case.h"

typedef enum pf_result (*pf_turn_fn)(void *arg, int turn);

/*
 * Child: runs its turns; when the parent is gone (it stopped with its own
 * verdict, which the parent reports) it returns what its turns found so far.
 */
enum pf_result pf_take_turns(struct pf_lockstep *ls, int turns, int owns_odd,
			     pf_turn_fn fn, void *arg);

/*
 * Parent: runs its turns, then reaps the child, whose exit status is its
 * pf_result (the child leaves through pf_lockstep_exit with its result).
 * A child that left early without a verdict (PASS) is an ERROR.
 */
enum pf_result pf_turns_parent(struct pf_lockstep *ls, int turns, int owns_odd,
			       pf_turn_fn fn, void *arg);

#endif
