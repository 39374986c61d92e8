/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page migration between NUMA nodes (move_pages, mbind) by the raw
 * syscalls, and where pages are.
 */
#ifndef PINFORK_MIGRATE_H
#define PINFORK_MIGRATE_H

#include <stddef.h>

#include "pagemap.h"
#include "pf_case.h"

/*
 * move_pages(MPOL_MF_MOVE) of every page of c to node: the number of pages
 * not moved, or -errno. status[] per page: the node, -errno for a page it
 * did not take up, or PF_NUMA_QUEUED when the kernel did not report back
 * (a page it tried and failed to move; ask pf_numa_where).
 */
#define PF_NUMA_QUEUED (-100000)
long pf_numa_move(const struct pf_cover *c, int node, int *status);
/* Pages move_pages() could not even look at (-EFAULT, -ENOENT). */
size_t pf_numa_unseen(const int *status, size_t pages);
/* The node of every page of c (or -errno per page) into status. 0 or -errno. */
int pf_numa_where(const struct pf_cover *c, int *status);
/* "N x node X, M x -EFAULT, ..." for diagnostics. */
void pf_numa_status_diag(const char *what, const int *status, size_t pages);
/* mbind(MPOL_BIND node, MPOL_MF_MOVE | MPOL_MF_STRICT); 0 or -errno. */
int pf_numa_mbind_move(const struct pf_cover *c, int node);
/* move_pages(MPOL_MF_MOVE) of every page of c to node; 0 or -errno. */
int pf_numa_move_all(const struct pf_cover *c, int node);
/*
 * Control: an unpinned twin of c, placed on node from, must have pages moved
 * to node to by move(twin, to), as move_pages(nodes=NULL) shows before and after. PF_PASS with the
 * count as a diagnostic; PF_SKIP with the reason when the query fails (an
 * error, or a negative status for any page) or no page moved.
 */
enum pf_result pf_numa_control(const struct pf_cover *c, int from, int to,
			       int (*move)(const struct pf_cover *, int),
			       const char *what);

/*
 * The node of c's first page (move_pages) and another node with memory
 * (sysfs has_memory, no libnuma): 0, or -EOPNOTSUPP with a diagnostic.
 */
int pf_numa_pick_sysfs(const struct pf_cover *c, int *from, int *to);

#endif
