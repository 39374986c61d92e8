// SPDX-License-Identifier: GPL-2.0
/* Which NUMA nodes have memory, through libnuma (numa_nodes.h). */
#include "numa_nodes.h"

#if HAVE_NUMA
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <string.h>

static int node_of(const void *addr)
{
	void *page = (void *)addr;
	int status = -1;

	if (move_pages(0, 1, &page, NULL, &status, 0))
		return -errno;
	return status;
}

enum pf_result pf_numa_pick(const void *addr, int *from, int *to)
{
	if (numa_available() < 0)
		return pf_skip("NUMA unavailable (libnuma: numa_available() < 0)");
	*from = node_of(addr);
	if (*from < 0)
		return pf_skip("move_pages cannot tell the node of the region: %s",
			       strerror(-*from));
	for (int n = 0; n <= numa_max_node(); n++) {
		long long free_bytes = 0;

		if (n == *from || !numa_bitmask_isbitset(numa_all_nodes_ptr, n))
			continue;
		if (numa_node_size64(n, &free_bytes) > 0 && free_bytes > 0) {
			*to = n;
			return PF_PASS;
		}
	}
	return pf_skip("only one NUMA node with memory: nowhere to migrate to");
}

#else

enum pf_result pf_numa_pick(const void *addr, int *from, int *to)
{
	(void)addr, (void)from, (void)to;
	return pf_skip(PF_NUMA_UNBUILT);
}

#endif
