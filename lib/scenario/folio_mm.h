/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Large folios under three mm paths of the large-folio era (tests/folio_mm.c):
 * batched lazy-free unmap in reclaim (MADV_FREE), UFFDIO_MOVE of a page
 * sitting in the swap cache, and mlock of part of a large folio.
 */
#ifndef PINFORK_FOLIO_MM_H
#define PINFORK_FOLIO_MM_H

#include <stddef.h>
#include <stdint.h>

#include "backing.h"

/*
 * Active swap for this case: the program's runner sets a swap file up once,
 * but its restore after each case takes it down again, so a case that
 * swaps makes sure itself (held for its life). PF_PASS or PF_SKIP.
 */
enum pf_result pf_fmm_swap_ready(void);

/* ---- lazy free (folio_mm_lazyfree.c) ---- */

/* What a page of a lazy-free case went through, and so what it may hold. */
enum pf_lazy_kind {
	PF_LAZY_KEPT,		/* never MADV_FREE'd: its data */
	PF_LAZY_FREED,		/* MADV_FREE'd, untouched: its data or zeros */
	PF_LAZY_REDIRTIED,	/* written after MADV_FREE: the new data */
};

/*
 * The lazy-free oracle: page i of [base, base + pages * page size) holds
 * what kinds[i] allows, against the references old (the data before
 * MADV_FREE) and new (what was written after it). PF_PASS or PF_FAIL naming
 * the first bad page.
 */
enum pf_result pf_lazy_check(const char *base, size_t pages,
			     const unsigned char *kinds, const char *old,
			     const char *new_data);

enum pf_lazy_layout {
	PF_LAZY_ALL,		/* every page freed, none written again */
	PF_LAZY_REDIRTY,	/* every page freed; pages of the last folio written again */
	PF_LAZY_PART,		/* the middle of each folio freed, one page of it written again */
};

/* MADV_FREE of a backing's large folios in a layout, then MADV_PAGEOUT. */
enum pf_result pf_lazyfree_run(struct pf_region *r, enum pf_lazy_layout layout);

enum pf_lazy_cross {
	PF_CROSS_PMD,	/* the folio's PTEs straddle a page-table (PMD) boundary */
	PF_CROSS_VMA,	/* the folio's PTEs straddle a VMA boundary */
};

/*
 * A 64 KiB mTHP MADV_FREE'd whole, then moved (mremap) across a PMD
 * boundary or cut by a VMA boundary, one page written again, then reclaimed
 * by its memory cgroup when one can be made (else MADV_PAGEOUT, which
 * splits it first). The layouts of ddd05742b45b.
 */
enum pf_result pf_lazyfree_cross_run(enum pf_lazy_cross cross);

/* ---- memory cgroup reclaim (folio_mm_reclaim.c) ---- */

struct pf_memcg {
	char dir[256];		/* the cgroup this process moved into */
	char home[256];		/* the cgroup.procs to move back to */
	char mnt[200];		/* a cgroup2 mount of our own, when mounted */
	char enabled[240];	/* the subtree_control we wrote +memory to */
	int v2, mounted;
};

/*
 * Moves this process into a memory cgroup of its own (v2 when the root
 * hands out the memory controller, else v1), so that memory it touches from
 * now on is charged there. PF_PASS, or PF_SKIP with why not.
 */
enum pf_result pf_memcg_enter(struct pf_memcg *m);
/* Reclaims what the cgroup holds (memory.reclaim, v1 memory.force_empty). 0 or -errno. */
int pf_memcg_reclaim(struct pf_memcg *m);
/* Moves back and removes the cgroup. */
void pf_memcg_leave(struct pf_memcg *m);

/* ---- UFFDIO_MOVE (folio_mm_uffd_move.c) ---- */

/*
 * A page swapped out, then read back into the swap cache (MADV_WILLNEED)
 * with its PTE still a swap entry, moved by UFFDIO_MOVE: the destination
 * reads the page's data, not a neighbour's, and keeps it through another
 * swap-out. race_seconds > 0: the same while another thread swaps the page
 * in and out and a third churns swap slots (0ea148a79919's race); then
 * *eexist_moved (may be NULL) counts the moves UFFDIO_MOVE reported as
 * EEXIST although it had moved the page.
 */
enum pf_result pf_uffd_move_swapcache_run(double race_seconds, long *eexist_moved);

/*
 * UFFDIO_MOVE's answer against what happened: 1 when it said EEXIST (err
 * -EEXIST) for a move into a destination the caller had emptied, yet to maps
 * the page now and from maps nothing: the move happened. The batched MOVE's
 * move_pages() (6.18) keeps a first try's -EAGAIN after the retry moved the
 * page, goes round again and finds the destination full.
 */
int pf_eexist_but_moved(int err, const char *to, const char *from);

/*
 * The UFFDIO_MOVE oracle: dst holds seed's page pattern (want), not
 * another page's (each seed of others). PF_PASS or PF_FAIL saying whose.
 */
enum pf_result pf_moved_page_check(const char *dst, uint32_t want,
				   const uint32_t *others, size_t n_others);

/* ---- mlock of part of a large folio (folio_mm_mlock.c) ---- */

enum pf_mlock_end {
	PF_MLOCK_END_MUNLOCK,	/* the parent mlocks part, forks, munlocks */
	PF_MLOCK_END_MUNMAP,	/* the parent mlocks part, forks, munmaps that part */
	PF_MLOCK_END_CHILD_EXIT,	/* the child mlocks part and exits locked */
};

enum pf_result pf_mlock_part_run(struct pf_region *r, enum pf_mlock_end end);

/* System-wide Mlocked, and what other processes hold locked, at one time. */
struct pf_mlock_sample {
	long meminfo_kb;	/* /proc/meminfo Mlocked */
	long others_kb;		/* VmLck summed over processes outside this group */
	long drift_kb;		/* how far Mlocked moved in an idle window around
				   the sample (pf_mlock_sample_idle); 0: quiet */
};

void pf_mlock_sample(struct pf_mlock_sample *s);
/* The same, with Mlocked also watched over ms idle milliseconds (drift_kb). */
void pf_mlock_sample_idle(struct pf_mlock_sample *s, int ms);
/*
 * The attributed Mlocked oracle: after is back at before, or the residue
 * is not this case's: others' VmLck moved meanwhile, or Mlocked moved
 * while the case was idle before or after (someone else faults into a
 * locked range: MLOCK_ONFAULT, mlockall); those are diagnostics.
 */
enum pf_result pf_mlocked_back(const struct pf_mlock_sample *before,
			       const struct pf_mlock_sample *after,
			       const char *when);

#endif
