/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MADV_DONTNEED of part of a page or a hugetlb page: the zap must leave
 * every byte past the range alone (8ebe0a5eaaeb) and must act where it
 * covers whole pages.
 */
#ifndef PINFORK_DONTNEED_PARTIAL_H
#define PINFORK_DONTNEED_PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "backing.h"

/* The oracle of partial zaps: [from, r->len) still holds the pattern of seed. */
enum pf_result pf_rest_keeps(const struct pf_region *r, size_t from,
			     uint32_t seed);

/*
 * Fills r, MADV_DONTNEEDs [off, off+len), then checks that every byte past
 * the range keeps its data (8ebe0a5eaaeb) and that the zap did something:
 * the whole pages (folios) the range covers read zeros, or, when it covers
 * none, a whole-page MADV_DONTNEED past the range (the control) does. A
 * refusal is judged by pf_dontneed_refusal().
 */
enum pf_result pf_dontneed_partial_run(struct pf_region *r, size_t off,
				       size_t len);

/* [from, to) of r reads zeros after a zap; FAIL naming the first byte. */
enum pf_result pf_zap_reads_zero(const struct pf_region *r, size_t from, size_t to);

/*
 * The partial MADV_DONTNEED was refused with err; whole_page_err is what a
 * whole-page MADV_DONTNEED of the same mapping got (0: accepted). SKIP when
 * the mapping takes no MADV_DONTNEED at all, FAIL when only the partial
 * range is refused.
 */
enum pf_result pf_dontneed_refusal(int err, int whole_page_err);

#endif
