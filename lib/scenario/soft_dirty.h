/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY): `echo 4 > /proc/self/clear_refs`
 * clears the soft-dirty bits and write-protects the pages, the next write
 * faults and sets the bit again (pagemap bit 55, PM_SOFT_DIRTY). Since
 * 64fe24a3e05e mprotect() may map pages writable without a write fault; it
 * must not do so for pages whose soft-dirty bit is clear (76aefad628aa for
 * PTEs; c27f479ef542 carries the same check for PMDs), or the write after
 * mprotect is lost to the tracker.
 * Shared by tests/soft_dirty.c and check/selftest_soft_dirty.c.
 */
#ifndef PINFORK_SOFT_DIRTY_H
#define PINFORK_SOFT_DIRTY_H

#include <stddef.h>

#include "backing.h"

/* clear_refs 4 on the whole process. PF_PASS, or PF_SKIP/PF_ERROR with why. */
enum pf_result pf_soft_dirty_clear(void);

/*
 * Writes [addr, addr+len) and checks the kernel tracks it (the bit is ever
 * set): PF_PASS, or PF_SKIP when soft-dirty is not supported here.
 */
enum pf_result pf_soft_dirty_supported(void *addr, size_t len);

/* Setup check: PF_PASS when no page of the range has the bit, else PF_SKIP. */
enum pf_result pf_soft_dirty_all_clean(const void *addr, size_t len);

/* The oracle: every page of the range has the bit (it was written since the
 * last clear). PF_PASS, or PF_FAIL naming the first page without it. */
enum pf_result pf_soft_dirty_all_set(const void *addr, size_t len,
				     const char *what);

struct pf_soft_dirty_plan {
	int half;		/* mprotect the first half of the first folio only */
	int skip_write;		/* self-test: leave out the write after mprotect */
};

/*
 * write, clear_refs 4, mprotect R then RW, write, pagemap: every written
 * page must be soft-dirty. r must be page aligned and a mapping of its own.
 */
enum pf_result pf_soft_dirty_mprotect_run(struct pf_region *r,
					  const struct pf_soft_dirty_plan *plan);

#endif
