/* SPDX-License-Identifier: GPL-2.0 */
/* THP sysfs knobs, and getting a THP populated. */
#ifndef PINFORK_THP_H
#define PINFORK_THP_H

#include <stddef.h>

#include "pf_case.h"

#define PF_THP_SYSFS "/sys/kernel/mm/transparent_hugepage"

/* The PMD THP size (hpage_pmd_size; 2 MiB when unreadable). */
size_t pf_thp_size(void);

/*
 * Makes sure THP of the given size (0: PMD size) may be allocated in
 * MADV_HUGEPAGE regions, changing the sysfs knob (journaled) if needed.
 * PF_PASS, or PF_SKIP with the reason.
 */
enum pf_result pf_thp_allow(size_t size);

#endif
