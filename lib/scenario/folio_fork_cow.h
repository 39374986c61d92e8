/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copy-on-write of large folios after fork: whatever the kernel does with
 * the folio (reuse it, copy a page, split it), parent and child keep their
 * own data. What the kernel did is a '#' line (policy), never a verdict.
 *  - 1da190f4d0a6 (v6.15) lets a write fault reuse a whole PTE-mapped
 *    large folio when the faulting process holds every reference; its
 *    sanity checks were wrong twice before v6.15 ("mm/memory: move sanity
 *    checks in do_wp_page() after mapcount vs. refcount stabilization",
 *    "mm/memory: fix mapcount / refcount sanity check for mTHP reuse"):
 *    VM_WARN_ON_ONCE with CONFIG_DEBUG_VM, which the harness's kernel-log
 *    oracle reports. Kernels before v6.15 copy instead; the data must
 *    hold either way.
 *  - fork batches the PTEs of a large folio (f8d937761d65, v6.9); on a Xen
 *    PV guest the batch could run past the folio's end until 7b08b74f3d99.
 */
#ifndef PINFORK_FOLIO_FORK_COW_H
#define PINFORK_FOLIO_FORK_COW_H

#include "backing.h"
#include "pin.h"

/*
 * fork, the child exits; the parent vmsplice()s two pages of r into a pipe
 * (references the folio's mapcount does not count), then writes all of r.
 * The parent reads its new data; the pipe still holds the old (the fault
 * must not reuse a folio someone else references).
 */
enum pf_result pf_cow_reuse_extra_ref(struct pf_region *r);

/* The seeds of the region before the parent's write, and of that write. */
enum { PF_COW_SEED_BEFORE = 91, PF_COW_SEED_PARENT = 92 };

/*
 * The oracle of pf_cow_reuse_extra_ref(): the next n pages in the pipe fd
 * hold the region's pre-write data at region offsets off[]; FAIL when one
 * changed with the parent's write, ERROR when the pipe cannot be read.
 */
enum pf_result pf_cow_pipe_keeps_old(int fd, const size_t *off, int n);

/*
 * The parent unmaps the second half of r, forks; the child writes its half
 * and checks it; the parent, alone again once the child is gone, writes its
 * half (a reuse of the partly mapped folio) and checks it.
 */
enum pf_result pf_cow_reuse_partial_unmap(struct pf_region *r);

/*
 * For seconds: fork a child that exits at once (its exit unmaps the folio)
 * while a thread of the parent writes every page of r; the parent's pages
 * hold its last writes after each round.
 */
enum pf_result pf_cow_reuse_exit_race(struct pf_region *r, double seconds);

/*
 * 7b08b74f3d99's trigger needs a Xen PV guest: SKIP elsewhere, saying so.
 * There: fork, child and parent write alternate halves of each folio of r
 * and check every page around the folio boundaries.
 */
enum pf_result pf_fork_batch_folio_end(struct pf_region *r);

/*
 * Long-term pin p on r, fork (the child stays alive), then the parent
 * mprotect()s half of r read-only and back (the VMA splits; what becomes
 * of the folio is policy) and writes: the pin moves the parent's data both
 * ways, the child keeps its pre-fork copy.
 */
enum pf_result pf_pin_fork_mprotect_half(struct pf_region *r, const struct pf_pin *p);

#endif
