/* SPDX-License-Identifier: GPL-2.0 */
/* Compaction (/proc/sys/vm/compact_memory), proven on an unpinned control. */
#ifndef PINFORK_COMPACTION_H
#define PINFORK_COMPACTION_H

#include "pf_case.h"

/* Writes /proc/sys/vm/compact_memory: 0 or -errno. */
int pf_compact_all(void);
/*
 * Runs compact() until it moves pages of an unpinned control (small pages
 * spread out between freed ones), a few attempts. PF_PASS with the count
 * as a diagnostic; PF_SKIP when no control page moved or PFNs are hidden.
 */
enum pf_result pf_compact_with_control(int (*compact)(void));

#endif
