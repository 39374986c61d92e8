/* SPDX-License-Identifier: GPL-2.0 */
/* Which NUMA nodes there are (libnuma, when the build has it). */
#ifndef PINFORK_NUMA_NODES_H
#define PINFORK_NUMA_NODES_H

#include "pf_case.h"

#define PF_NUMA_UNBUILT "built without libnuma (install libnuma-dev)"

/*
 * Picks the node of addr and another node with memory. PF_PASS, or
 * PF_SKIP when libnuma (PF_NUMA_UNBUILT: not in the build) or a second
 * node is missing.
 */
enum pf_result pf_numa_pick(const void *addr, int *from, int *to);

#endif
