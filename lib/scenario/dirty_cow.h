/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirty COW scenarios: FOLL_FORCE writes through /proc/self/mem into a
 * read-only private mapping must copy (the writer sees its write, the file
 * or zero page under the mapping does not change), once, or racing
 * MADV_DONTNEED. Shared by tests/dirty_cow.c and check/selftest_file_integrity.c
 * (which hands them a shared writable mapping, where the write does land in
 * the file, to see the oracles report it).
 */
#ifndef PINFORK_DIRTY_COW_H
#define PINFORK_DIRTY_COW_H

#include <stddef.h>

#include "rofile.h"
#include "uffd_minor.h"

/*
 * One FOLL_FORCE write into map, a mapping of all of f (at least two
 * pages): map shows the write, the rest of map still the file, f is
 * unchanged, and after MADV_DONTNEED map reads the file again.
 */
enum pf_result pf_cow_file_once(const struct pf_rofile *f, char *map);

/*
 * The race on map (a mapping of all of f) for seconds: FOLL_FORCE writes
 * against MADV_DONTNEED; f is checked all along and at the end. u (may be
 * NULL) is a running minor-fault handler on map: its count is reported.
 */
enum pf_result pf_cow_file_race(const struct pf_rofile *f, char *map,
				double seconds, const struct pf_uffd_minor *u);

/*
 * The same over zero pages: region (len bytes) is written, witness is
 * another mapping of the same (huge) zero page, which must keep reading
 * zeros. huge: the region is a huge zero page, remapped now and then so
 * that the race keeps meeting it PMD-mapped.
 */
enum pf_result pf_cow_zero_once(char *region, const char *witness, size_t len);
enum pf_result pf_cow_zero_race(char *region, const char *witness, size_t len,
				int huge, double seconds);

#endif
