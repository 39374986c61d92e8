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
 */
enum pf_result pf_vmsplice_leak_run(struct pf_region *r,
				    const struct pf_vmsplice_plan *plan,
				    enum pf_view *seen);

#endif
