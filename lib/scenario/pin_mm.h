/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pins meet memory events (tests/pin_mm.c), written once against the pin,
 * event and backing tables. The pin covers a target page in the middle of
 * the region; a memory row acts on the region around it.
 *
 * parent-writes: fill, pin the target, the event acts, the parent writes
 *   the target: the event kept the target's data, the pin stays coherent
 *   both ways, and a child the event forked keeps its copy.
 * movers: the same for a long-term pin and a row that moves, merges or
 *   collapses pages (shown to act on an unpinned control): the pinned page
 *   must not go away from the pin; where it went is a diagnostic.
 * history-then-fork: the event acts first, then the pin is taken, a child
 *   forks and stays alive, the parent writes: the pin stays coherent and
 *   the child keeps its pre-fork data, whatever the memory's history.
 */
#ifndef PINFORK_PIN_MM_H
#define PINFORK_PIN_MM_H

#include "backing.h"
#include "event.h"
#include "pin.h"

enum pf_mm_scene { PF_MM_PARENT_WRITES, PF_MM_MOVERS, PF_MM_HISTORY_THEN_FORK };

enum pf_result pf_mm_run(enum pf_mm_scene scene, struct pf_region *r,
			 const struct pf_pin *pin, const struct pf_event *ev);

#endif
