/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmsplice COW leak (CVE-2020-29374): a child vmsplice()s pages it
 * shares with its parent after fork into a pipe, then drops its mapping, so
 * only the pipe references them. When the parent writes, the write fault
 * must copy the page (the pipe's reference counts) rather than reuse it;
 * otherwise the child reads the parent's new data from the pipe.
 * Shared by tests/vmsplice_leak.c and check/selftest_vmsplice_leak.c.
 */
#ifndef PINFORK_VMSPLICE_LEAK_H
#define PINFORK_VMSPLICE_LEAK_H

#include "backing.h"
#include "view_oracle.h"

/* The region's data before fork, and the parent's after it. */
enum { PF_VMSPLICE_SEED_BEFORE = 31, PF_VMSPLICE_SEED_AFTER = 32 };

enum pf_vmsplice_drop {
	PF_DROP_MUNMAP,		/* munmap() the whole mapping (PF_BK_MMAP) */
	PF_DROP_DONTNEED,	/* MADV_DONTNEED the whole pages of the region */
};

struct pf_vmsplice_plan {
	enum pf_vmsplice_drop drop;
	/* MADV_PAGEOUT before fork; SKIP unless pagemap says swapped out */
	int swap_out;
};

/*
 * Runs the sequence on r: the parent fills it and forks; the child splices
 * the first whole page, one in the middle of the first large folio (or of
 * the region) and the last whole page, without SPLICE_F_GIFT, then drops
 * its mapping; the parent writes new data; the child reads the pipe, which
 * must hold the pre-fork data. *seen (may be NULL) gets what the child saw.
 * The leak returns PF_XFAIL (see pf_vmsplice_verdict).
 */
enum pf_result pf_vmsplice_leak_run(struct pf_region *r,
				    const struct pf_vmsplice_plan *plan,
				    enum pf_view *seen);

/*
 * The verdict on the child's exit status (a pf_view, -1 when it died, or
 * an error code). The leak, whole pages of the parent's post-fork data,
 * is the known symptom (pf_known_symptom: XFAIL only where the template
 * documents it, FAIL elsewhere); anything else wrong is FAIL or ERROR.
 */
enum pf_result pf_vmsplice_verdict(int status, enum pf_view *seen);

/* What the child read for the probe page at region offset off. */
enum pf_view pf_vmsplice_page_view(const char *page, size_t off, size_t len);

#endif
