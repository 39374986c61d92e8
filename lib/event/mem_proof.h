/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the memory rows share: where the target sits in the region, and the
 * proofs that a call acted (/proc/self/maps and smaps of the VMA, pagemap
 * of the pages beside the target). Proofs return 0, or -ENODATA / -EPROTO
 * with a diagnostic saying what was seen instead.
 */
#ifndef PINFORK_MEM_PROOF_H
#define PINFORK_MEM_PROOF_H

#include <stddef.h>

#include "event.h"

/* Bytes of the region before and after the target. */
size_t pf_before_target(const struct pf_event_run *run);
size_t pf_after_target(const struct pf_event_run *run);
char *pf_target_end(const struct pf_event_run *run);

/*
 * 0 when the run has a region and a target, and (need_before, need_after)
 * that many bytes beside it; else -EOPNOTSUPP with a diagnostic.
 */
int pf_room_beside(const struct pf_event_run *run, size_t need_before,
		   size_t need_after);

/* The VMA holding addr (/proc/self/maps): 0, or -ENOENT / -errno. */
int pf_vma_of(const void *addr, char **start, char **end, char perms[5]);
/* 0 when addr's VMA has protection perms ("rw", "r-"), else -EPROTO. */
int pf_vma_perms_are(const void *addr, const char *perms);
/* 0 when addr's VMA is [start, end) exactly (end NULL: any end), else -EPROTO. */
int pf_vma_bounds_are(const void *addr, const char *start, const char *end);
/*
 * 1 when smaps' VmFlags of addr's VMA hold flag ("dc" MADV_DONTFORK, "wf"
 * MADV_WIPEONFORK, "lo" mlocked), 0 when not, -errno when unreadable.
 */
int pf_vma_has_flag(const void *addr, const char *flag);

/* Pages of the region, the target's aside, present now (pagemap). */
long pf_present_beside(const struct pf_event_run *run);

/*
 * madvise(addr, len, advice): 0, -EOPNOTSUPP with a diagnostic when the
 * kernel refuses it (EINVAL: an advice older than this kernel, or memory
 * it does not apply to), else -errno.
 */
int pf_advise(void *addr, size_t len, int advice, const char *name);

/* 0 when ret is 0, else -errno. */
int pf_call(int ret);

#endif
