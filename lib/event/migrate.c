// SPDX-License-Identifier: GPL-2.0
/*
 * Moving pages between NUMA nodes and asking where they are (migrate.h),
 * by the raw move_pages and mbind syscalls and the kernel's uapi header: no
 * libnuma needed here.
 */
#include "migrate.h"

#include <errno.h>
#include <linux/mempolicy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backing.h"
#include "pagemap.h"

static long sys_move_pages(unsigned long count, void **pages, const int *nodes,
			   int *status, int flags)
{
	return syscall(SYS_move_pages, 0, count, pages, nodes, status, flags);
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
	rc = sys_move_pages(pages, addr, node < 0 ? NULL : nodes, status,
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
	if (syscall(SYS_mbind, c->start, c->len, MPOL_BIND, mask, 8 * sizeof(mask),
		    MPOL_MF_MOVE | MPOL_MF_STRICT))
		return -errno;
	return 0;
}

int pf_numa_move_all(const struct pf_cover *c, int node)
{
	int *status = calloc(c->len / pf_page_size(), sizeof(int));
	long rc = status ? pf_numa_move(c, node, status) : -ENOMEM;

	free(status);
	return rc < 0 ? (int)rc : 0;
}

/* The node of every page of c into status; PF_SKIP when any is unknown. */
static enum pf_result query_nodes(const struct pf_cover *c, int *status,
				  const char *when)
{
	size_t pages = c->len / pf_page_size(), unknown = 0;
	int err = pf_numa_where(c, status);

	if (err)
		return pf_skip("move_pages query of the unpinned twin %s: %s",
			       when, strerror(-err));
	for (size_t i = 0; i < pages; i++)
		unknown += status[i] < 0;
	if (!unknown)
		return PF_PASS;
	pf_numa_status_diag(when, status, pages);
	return pf_skip("move_pages query of the unpinned twin %s: %zu of %zu pages have no node",
		       when, unknown, pages);
}

static size_t moved_to(const int *before, const int *after, size_t pages, int to)
{
	size_t n = 0;

	for (size_t i = 0; i < pages; i++)
		n += before[i] != to && after[i] == to;
	return n;
}

enum pf_result pf_numa_control(const struct pf_cover *c, int from, int to,
			       int (*move)(const struct pf_cover *, int),
			       const char *what)
{
	size_t pages = c->len / pf_page_size(), moved = 0;
	char *twin = pf_twin_map(c->start, c->len);
	struct pf_cover tc = { twin, c->len };
	int *before = calloc(pages, sizeof(int)), *after = calloc(pages, sizeof(int));
	enum pf_result res = twin && before && after ? PF_PASS :
			     pf_error("out of memory");
	int err;

	/* the twin starts where the region is (it was allocated on the CPU's node) */
	if (res == PF_PASS && (err = pf_numa_move_all(&tc, from)))
		res = pf_skip("move_pages of the unpinned twin to node %d: %s",
			      from, strerror(-err));
	if (res == PF_PASS)
		res = query_nodes(&tc, before, "before");
	if (res == PF_PASS && (err = move(&tc, to)))
		res = pf_skip("%s of an unpinned twin: %s", what, strerror(-err));
	if (res == PF_PASS)
		res = query_nodes(&tc, after, "after");
	if (res == PF_PASS) {
		moved = moved_to(before, after, pages, to);
		pf_diag("%s: unpinned twin pages moved to node %d: %zu of %zu",
			what, to, moved, pages);
		if (!moved)
			res = pf_skip("%s moved no page of the unpinned twin to node %d",
				      what, to);
	}
	free(before);
	free(after);
	pf_twin_unmap(twin, c->len);
	return res;
}

/*
 * A node with memory other than from, from /sys/devices/system/node/has_memory
 * ("0-1,3"): by sysfs rather than libnuma, so every program that links the
 * event table links without it.
 */
static int other_node(int from)
{
	FILE *f = fopen("/sys/devices/system/node/has_memory", "re");
	int lo, hi, to = -1;
	char sep;

	while (f && to < 0 && fscanf(f, "%d", &lo) == 1) {
		hi = lo;
		sep = (char)fgetc(f);
		if (sep == '-' && fscanf(f, "%d", &hi) == 1)
			sep = (char)fgetc(f);
		for (int n = lo; n <= hi && to < 0; n++)
			if (n != from)
				to = n;
		if (sep != ',')
			break;
	}
	if (f)
		fclose(f);
	return to;
}

int pf_numa_pick_sysfs(const struct pf_cover *c, int *from, int *to)
{
	struct pf_cover first = { c->start, pf_page_size() };

	if (pf_numa_where(&first, from) || *from < 0) {
		pf_diag("move_pages cannot tell the node of the region");
		return -EOPNOTSUPP;
	}
	*to = other_node(*from);
	if (*to < 0) {
		pf_diag("no NUMA node with memory besides node %d", *from);
		return -EOPNOTSUPP;
	}
	return 0;
}
