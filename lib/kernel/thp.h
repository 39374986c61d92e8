/* SPDX-License-Identifier: GPL-2.0 */
/* THP sysfs knobs, and getting a THP populated. */
#ifndef PINFORK_THP_H
#define PINFORK_THP_H

#include <stddef.h>

#include "pf_case.h"

#define PF_THP_SYSFS "/sys/kernel/mm/transparent_hugepage"

/*
 * Makes sure THP of the given size (0: PMD size) may be allocated in
 * MADV_HUGEPAGE regions, changing the sysfs knob (journaled) if needed.
 * PF_PASS, or PF_SKIP with the reason.
 */
enum pf_result pf_thp_allow(size_t size);

/* Maps and populates len bytes aligned to align with MADV_HUGEPAGE. */
enum pf_result pf_thp_populate(struct pf_region *r, size_t len, size_t align);

#endif
