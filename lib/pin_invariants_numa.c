// SPDX-License-Identifier: GPL-2.0
/* Moving pages between NUMA nodes with libnuma (pin_invariants.h). */
#include "pin_invariants.h"

#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
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

/* move_pages() of every page of c: to node, or (node < 0) only asking. */
static long move_or_query(const struct pf_cover *c, int node, int *status)
{
	size_t ps = pf_page_size(), pages = c->len / ps;
	void **addr = calloc(pages, sizeof(*addr));
	int *nodes = calloc(pages, sizeof(*nodes));
	long rc;

	if (!addr || !nodes) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < pages; i++) {
		addr[i] = c->start + i * ps;
		nodes[i] = node;
	}
	rc = move_pages(0, pages, addr, node < 0 ? NULL : nodes, status,
			MPOL_MF_MOVE);
	if (rc < 0)
		rc = -errno;
out:
	free(addr);
	free(nodes);
	return rc;
}

long pf_numa_move(const struct pf_cover *c, int node, int *status)
{
	for (size_t i = 0; i < c->len / pf_page_size(); i++)
		status[i] = PF_NUMA_QUEUED;
	return move_or_query(c, node, status);
}

size_t pf_numa_unseen(const int *status, size_t pages)
{
	size_t n = 0;

	for (size_t i = 0; i < pages; i++)
		n += status[i] == -EFAULT || status[i] == -ENOENT;
	return n;
}

int pf_numa_where(const struct pf_cover *c, int *status)
{
	return (int)move_or_query(c, -1, status);
}

size_t pf_numa_count(const int *status, size_t pages, int node)
{
	size_t n = 0;

	for (size_t i = 0; i < pages; i++)
		n += status[i] == node;
	return n;
}

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "?";
}

void pf_numa_status_diag(const char *what, const int *status, size_t pages)
{
	char line[256];
	size_t used = 0;

	line[0] = '\0';
	for (size_t i = 0; i < pages && used < sizeof(line) - 32; i++) {
		size_t same = 1;

		while (i + same < pages && status[i + same] == status[i])
			same++;
		if (status[i] == PF_NUMA_QUEUED)
			used += snprintf(line + used, sizeof(line) - used,
					 " %zu x queued", same);
		else if (status[i] < 0)
			used += snprintf(line + used, sizeof(line) - used,
					 " %zu x -%s", same,
					 errno_name(-status[i]));
		else
			used += snprintf(line + used, sizeof(line) - used,
					 " %zu x node %d", same, status[i]);
		i += same - 1;
	}
	pf_diag("%s: pages per node (or -errno):%s",
		what, line);
}

int pf_numa_mbind_move(const struct pf_cover *c, int node)
{
	unsigned long mask[4] = { 0 };

	if (node >= (int)(8 * sizeof(mask)))
		return -EINVAL;
	mask[node / (8 * sizeof(long))] |= 1ul << (node % (8 * sizeof(long)));
	if (mbind(c->start, c->len, MPOL_BIND, mask, 8 * sizeof(mask),
		  MPOL_MF_MOVE | MPOL_MF_STRICT))
		return -errno;
	return 0;
}
