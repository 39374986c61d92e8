/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events that must not decouple a pin: KSM merging, THP collapse, page
 * migration, compaction and reclaim all replace or drop the page behind a
 * virtual address, and each must leave alone a page someone holds a pin on
 * (the pinned page would keep the I/O while the CPU maps another one).
 * This module holds what those cases share: a region with an io_uring
 * fixed buffer over (part of) it. The events and their unpinned controls
 * are in lib/event/ (ksm_merge.h, migrate.h, compaction.h).
 */
#ifndef PINFORK_PIN_INVARIANTS_H
#define PINFORK_PIN_INVARIANTS_H

#include <stddef.h>
#include <stdint.h>

#include "odirect.h"
#include "uring.h"

/* A fixed buffer (long-term pin) over [pin, pin+pin_len). */
struct pf_pinned {
	char *pin;
	size_t pin_len;
	struct pf_scratch s;
	struct pf_uring u;
};

/* Fills the pinned range with seed's pattern, then registers it. */
enum pf_result pf_pinned_setup(struct pf_pinned *p, char *pin, size_t pin_len,
			       uint32_t seed);
void pf_pinned_teardown(struct pf_pinned *p);
/*
 * Pin coherence both ways (lib/oracle/oracle.c): the CPU writes a new pattern,
 * WRITE_FIXED must send it; READ_FIXED of another pattern must reach the
 * CPU's mapping.
 */
enum pf_result pf_pinned_coherent(struct pf_pinned *p);

#endif
