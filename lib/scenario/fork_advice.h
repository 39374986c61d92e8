/* SPDX-License-Identifier: GPL-2.0 */
/* MADV_DONTFORK / MADV_WIPEONFORK refused: what it means (lib/scenario/fork_advice.c). */
#ifndef PINFORK_FORK_ADVICE_H
#define PINFORK_FORK_ADVICE_H

#include "backing.h"
#include "madvise_events.h"

/*
 * The verdict on madvise(advice) failing with err on r: SKIP for a
 * documented refusal (MADV_WIPEONFORK on shared or file-backed memory, or
 * a kernel before v4.14) or a missing prerequisite; FAIL when a page of
 * plain private anonymous memory accepts the same advice; ERROR otherwise.
 */
enum pf_result pf_advice_refusal_verdict(const struct pf_region *r,
					 enum pf_fork_advice advice, int err);

#endif
