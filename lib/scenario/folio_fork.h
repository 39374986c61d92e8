/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fork() while other threads of the parent write (lib/oracle/snapshot.h):
 * the child's memory must be one instant of the parent's.
 *  - pinned: the region is an io_uring fixed buffer, so fork copies its
 *    pages at once (copy_present_page(), 70e806e4e645) while a writer
 *    thread goes on stamping them. Upstream never made that copy atomic:
 *    Jann Horn's "mm/memory: ensure fork child sees coherent memory
 *    snapshot" (posted 2025-06-03) write-protects the parent's PTE and
 *    flushes the TLB before the copy, and has not landed.
 *  - faults: no pin; two writer threads first-touch a fresh mapping and
 *    then write-fault on the pages fork made COW, while the main thread
 *    forks. Under per-VMA locks (v6.4) nothing kept those faults out of a
 *    VMA fork was copying until fb49c455323f (v6.5) write-locked each VMA
 *    of the parent: the parent could lose writes, the child see a mix.
 * Both are races, bounded in time, with their statistics on a '#' line.
 */
#ifndef PINFORK_FOLIO_FORK_H
#define PINFORK_FOLIO_FORK_H

#include <stddef.h>

#include "backing.h"

/*
 * Forks again and again (for seconds, at most until a few tears showed)
 * while a writer thread stamps r, pinned as an io_uring fixed buffer. FAIL
 * on a stale or foreign copy or a write the parent lost; the torn copy
 * (the unfixed kernel's symptom) is pf_known_symptom(); SKIP when the
 * writer never ran across a fork.
 */
enum pf_result pf_fork_snapshot_pinned(struct pf_region *r, double seconds);

/* The mapping each attempt of pf_fork_fault_race() forks. */
enum pf_fresh_kind { PF_FRESH_SMALL, PF_FRESH_THP };

/*
 * Forks while two writer threads first-touch, then COW-fault, a fresh
 * mapping of kind, a new one each attempt. FAIL on any copy that is not
 * one instant of each writer, and on any write the parent lost.
 */
enum pf_result pf_fork_fault_race(enum pf_fresh_kind kind, double seconds);

/*
 * pf_model()'s tables with the backings folio_fork needs: small pages, a
 * PMD THP, a PTE-mapped THP, one mTHP size (64 KiB: the other sizes take
 * the same paths) and hugetlb; keeps the full profile's cost down.
 */
const struct pf_tables *pf_folio_fork_tables(void);

#endif
