/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events that must not decouple a pin: KSM merging, THP collapse, page
 * migration, compaction and reclaim all replace or drop the page behind a
 * virtual address, and each must leave alone a page someone holds a pin on
 * (the pinned page would keep the I/O while the CPU maps another one).
 * This module holds what those cases share: a region with an io_uring
 * fixed buffer over (part of) it, unpinned twins as controls that prove the
 * event really acts here, per-page PFN snapshots for diagnostics, and the
 * kernel daemons (ksmd, khugepaged) driven through journaled knobs.
 */
#ifndef PINFORK_PIN_INVARIANTS_H
#define PINFORK_PIN_INVARIANTS_H

#include <stddef.h>
#include <stdint.h>

#include "backing.h"
#include "odirect.h"
#include "uring.h"

/* The page-aligned span that covers [base, base+len). */
struct pf_cover {
	char *start;
	size_t len;
};

struct pf_cover pf_page_cover(const void *base, size_t len);

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

/* An unpinned private anonymous copy of len bytes in small pages. */
char *pf_twin_map(const void *src, size_t len);
void pf_twin_unmap(char *twin, size_t len);

/* PFNs of every page of a cover, to tell which pages moved. */
struct pf_pfns {
	size_t pages;
	uint64_t *pfn;
};

int pf_pfns_take(struct pf_pfns *snap, const struct pf_cover *c);
/* Pages whose PFN now differs from the snapshot (absent pages count). */
size_t pf_pfns_moved(const struct pf_pfns *snap, const struct pf_cover *c);
void pf_pfns_free(struct pf_pfns *snap);
/* Pages of [a, a+len) that share their PFN with the same page of b. */
size_t pf_pages_shared(const void *a, const void *b, size_t len);
/* Pages of the cover that are KSM pages (kpageflags). */
size_t pf_pages_ksm(const struct pf_cover *c);

/*
 * ksmd: run=1, many pages per scan, no sleep (journaled, restored after
 * the case). PF_PASS or PF_SKIP.
 */
enum pf_result pf_ksm_start(void);
/*
 * Waits until ksmd has completed at least two full scans since the call
 * and done(arg) holds, or six full scans, or seconds passed. Returns the
 * number of full scans seen.
 */
long pf_ksm_wait(int (*done)(void *arg), void *arg, double seconds);
/* /proc/self/ksm_stat and the global pages_sharing, as '#' lines. */
void pf_ksm_diag(void);

/* khugepaged: scan without sleeping (journaled). PF_PASS or PF_SKIP. */
enum pf_result pf_khugepaged_start(void);
/* As pf_ksm_wait, for khugepaged's full_scans. */
long pf_khugepaged_wait(int (*done)(void *arg), void *arg, double seconds);

/* Two identical unpinned MADV_MERGEABLE copies of the same bytes. */
struct pf_twins {
	char *a, *b;
	size_t len;
};

enum pf_result pf_twins_make(struct pf_twins *t, const void *src, size_t len);
void pf_twins_unmap(struct pf_twins *t);
/* Runs ksmd until the twins share their pages; PF_SKIP when none merged. */
enum pf_result pf_ksm_merge_twins(struct pf_twins *t);
/*
 * Makes the cover mergeable and lets ksmd scan it twice (after the twins
 * of its pages merged, so it meets a stable-tree match). PF_PASS or PF_SKIP.
 */
enum pf_result pf_ksm_expose(const struct pf_cover *c);

/* NUMA (libnuma; programs that use these link -lnuma). */
/*
 * Picks the node of addr and another node with memory. PF_PASS, or
 * PF_SKIP when libnuma or a second node is missing.
 */
enum pf_result pf_numa_pick(const void *addr, int *from, int *to);
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

/* Compaction (lib/event/compaction.c). */
/* Writes /proc/sys/vm/compact_memory: 0 or -errno. */
int pf_compact_all(void);
/*
 * Runs compact() until it moves pages of an unpinned control (small pages
 * spread out between freed ones), a few attempts. PF_PASS with the count
 * as a diagnostic; PF_SKIP when no control page moved or PFNs are hidden.
 */
enum pf_result pf_compact_with_control(int (*compact)(void));

#endif
