// SPDX-License-Identifier: GPL-2.0
/*
 * MADV_DONTNEED of part of a hugetlb page. Before 8ebe0a5eaaeb the range
 * was rounded up to whole huge pages, zapping data past its end; since
 * then the end is rounded down (a partial first page is left alone).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "madvise_events.h"
#include "pattern.h"

enum { SEED_DATA = 71 };

/* Compares [from, to) of the region with the pattern at the same offsets. */
static int range_holds(const struct pf_region *r, size_t from, size_t to,
		       uint32_t seed, struct pf_mismatch *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = from; i < to; i++) {
		uint8_t want = pf_pattern_byte(seed, i);

		if ((uint8_t)r->base[i] == want)
			continue;
		if (!m->bad_bytes++) {
			m->offset = i;
			m->expected = want;
			m->found = (uint8_t)r->base[i];
		}
	}
	return m->bad_bytes ? -1 : 0;
}

enum pf_result pf_rest_keeps(const struct pf_region *r, size_t from,
			     uint32_t seed)
{
	struct pf_mismatch m;

	if (from >= r->len)
		return pf_error("nothing past the zapped range to check");
	if (!range_holds(r, from, r->len, seed, &m)) {
		pf_diag("the %zu KiB past the zapped range keep their data",
			(r->len - from) >> 10);
		return PF_PASS;
	}
	pf_mismatch_diag("memory past the MADV_DONTNEED range", &m);
	return pf_fail("MADV_DONTNEED zapped data past the end of its range");
}

/* What became of the range itself: policy, reported only. */
static void zapped_diag(const struct pf_region *r, size_t off, size_t len)
{
	size_t zeros = 0, kept = 0;

	for (size_t i = off; i < off + len; i++) {
		if ((uint8_t)r->base[i] == pf_pattern_byte(SEED_DATA, i))
			kept++;
		else
			zeros += !r->base[i];
	}
	pf_diag("the range itself: %zu bytes kept their data, %zu read as zeros, %zu other (policy, not checked)",
		kept, zeros, len - zeros - kept);
}

enum pf_result pf_dontneed_partial_run(struct pf_region *r, size_t off,
				       size_t len)
{
	int rc, err;

	if (off + len >= r->len)
		return pf_error("the range [%zu, %zu) leaves nothing of the region after it",
				off, off + len);
	pf_pattern_fill(r->base, r->len, SEED_DATA);
	rc = madvise(r->base + off, len, MADV_DONTNEED);
	err = errno;
	pf_diag("MADV_DONTNEED of [0x%zx, 0x%zx) in %zu KiB pages: %s (policy, not checked)",
		off, off + len, r->folio >> 10, rc ? strerror(err) : "success");
	zapped_diag(r, off, len);
	return pf_rest_keeps(r, off + len, SEED_DATA);
}
