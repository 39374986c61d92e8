// SPDX-License-Identifier: GPL-2.0
/*
 * MADV_DONTNEED of part of a hugetlb page. Before 8ebe0a5eaaeb the range
 * was rounded up to whole huge pages, zapping data past its end; since
 * then the end is rounded down: a range inside one huge page zaps nothing
 * and returns 0. A pass also needs proof that the zap works on the mapping.
 */
#include "dontneed_partial.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

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

enum pf_result pf_zap_reads_zero(const struct pf_region *r, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (!r->base[i])
			continue;
		pf_diag("the %zu KiB MADV_DONTNEED covered whole pages of: byte at offset 0x%zx is 0x%02x, not zero",
			(to - from) >> 10, i, (uint8_t)r->base[i]);
		return pf_fail("MADV_DONTNEED returned success but did not zap the whole pages it covered");
	}
	pf_diag("the %zu KiB of whole pages zapped read as zeros", (to - from) >> 10);
	return PF_PASS;
}

/*
 * hugetlb MADV_DONTNEED exists since 90e7e7f5ef3f (v5.18); before it, and
 * for every range, EINVAL. Since 8ebe0a5eaaeb a range that ends inside a
 * huge page is rounded down, never refused: refusing it while whole pages
 * of the same mapping are accepted is the kernel's error.
 */
enum pf_result pf_dontneed_refusal(int err, int whole_page_err)
{
	if (whole_page_err)
		return pf_skip("MADV_DONTNEED refused on this mapping, even of whole pages (%s); on hugetlb it exists since 90e7e7f5ef3f (v5.18)",
			       strerror(whole_page_err));
	return pf_fail("MADV_DONTNEED of a partial range refused (%s) while whole pages are accepted (8ebe0a5eaaeb rounds the end down instead)",
		       strerror(err));
}

/* The last whole folio of the region at or after from, as [*lo, *hi). */
static int last_whole_folio(const struct pf_region *r, size_t from,
			    size_t *lo, size_t *hi)
{
	uintptr_t base = (uintptr_t)r->base, f = r->folio;
	uintptr_t end = (base + r->len) & ~(f - 1);

	if (end < base + f || end - f < base + from)
		return -1;
	*lo = end - f - base;
	*hi = end - base;
	return 0;
}

/* Whole folios inside [off, off+len), as [*lo, *hi); empty when lo == hi. */
static void covered_folios(const struct pf_region *r, size_t off, size_t len,
			   size_t *lo, size_t *hi)
{
	uintptr_t base = (uintptr_t)r->base, f = r->folio;
	uintptr_t a = (base + off + f - 1) & ~(f - 1);
	uintptr_t b = (base + off + len) & ~(f - 1);

	*lo = *hi = 0;
	if (b > a) {
		*lo = a - base;
		*hi = b - base;
	}
}

/* Proves MADV_DONTNEED zaps on this mapping: whole folios it covered, or a
 * whole-folio control past the checked range, read zeros. */
static enum pf_result zap_proof(struct pf_region *r, size_t off, size_t len)
{
	size_t lo, hi;

	covered_folios(r, off, len, &lo, &hi);
	if (hi > lo)
		return pf_zap_reads_zero(r, lo, hi);
	if (last_whole_folio(r, off + len, &lo, &hi))
		return pf_error("no whole %zu KiB page past the range for the control zap",
				r->folio >> 10);
	if (madvise(r->base + lo, hi - lo, MADV_DONTNEED))
		return pf_error("control: MADV_DONTNEED of the whole page at 0x%zx: %s",
				lo, strerror(errno));
	return pf_zap_reads_zero(r, lo, hi);
}

static int whole_folio_refused(struct pf_region *r, size_t from)
{
	size_t lo, hi;

	if (last_whole_folio(r, from, &lo, &hi))
		return EINVAL;
	return madvise(r->base + lo, hi - lo, MADV_DONTNEED) ? errno : 0;
}

enum pf_result pf_dontneed_partial_run(struct pf_region *r, size_t off,
				       size_t len)
{
	enum pf_result res;
	int err;

	if (off + len >= r->len)
		return pf_error("the range [%zu, %zu) leaves nothing of the region after it",
				off, off + len);
	pf_pattern_fill(r->base, r->len, SEED_DATA);
	if (madvise(r->base + off, len, MADV_DONTNEED)) {
		err = errno;
		pf_diag("MADV_DONTNEED of [0x%zx, 0x%zx) in %zu KiB pages: %s",
			off, off + len, r->folio >> 10, strerror(err));
		return pf_dontneed_refusal(err, whole_folio_refused(r, off + len));
	}
	zapped_diag(r, off, len);
	res = pf_rest_keeps(r, off + len, SEED_DATA);
	if (res != PF_PASS)
		return res;
	return zap_proof(r, off, len);
}
