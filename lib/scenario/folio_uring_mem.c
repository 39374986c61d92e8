// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios for the folio_uring cases: two adjacent PMD THPs, the mTHP
 * rows' two folios, or two hugetlb pages; and the same folios moved by
 * mremap() to an address that is not a multiple of their size. Anonymous
 * folios are always faulted in at an address aligned to their size; only
 * moving them (or partial mappings) breaks that, which is the layout
 * io_uring's coalescing got wrong before 3a3c6d61577d. hugetlb pages
 * cannot be moved to such an address (mremap keeps the huge alignment).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "folio_uring.h"
#include "pagemap.h"
#include "thp.h"

#define THP_FOLIOS 2

static enum pf_result make_thp(struct pf_folios *f)
{
	size_t thp = pf_thp_size();
	enum pf_result res = pf_thp_allow(0);

	if (res == PF_PASS)
		res = pf_thp_populate(&f->r, THP_FOLIOS * thp, thp);
	if (res != PF_PASS)
		return res;
	f->folio = thp;
	while (f->count < THP_FOLIOS && pf_is_pmd_thp(f->r.base + f->count * thp, thp))
		f->count++;
	if (!f->count)
		return pf_skip("no PMD-mapped THP was populated (memory fragmented or THP off)");
	return PF_PASS;
}

static enum pf_result make_row(struct pf_folios *f, const struct pf_backing *b,
			       size_t min_len)
{
	enum pf_result res;

	f->r.backing = b;
	res = b->setup(&f->r, min_len);
	if (res != PF_PASS)
		return res;
	f->folio = f->r.folio;
	f->count = f->r.len / f->folio;
	return f->count ? PF_PASS : pf_skip("the region holds no whole folio");
}

enum pf_result pf_folios_make(struct pf_folios *f, const struct pf_folio_spec *spec)
{
	enum pf_result res;

	memset(f, 0, sizeof(*f));
	switch (spec->kind) {
	case PF_FOLIO_THP:
		res = make_thp(f);
		break;
	case PF_FOLIO_MTHP:
		res = make_row(f, spec->mthp, 0);
		break;
	default:
		res = make_row(f, &pf_backing_hugetlb, 2ul << 20);
		break;
	}
	f->base = f->r.base;
	return res;
}

/* A PROT_NONE range with room for len bytes at shift past an aligned address. */
static char *reserve(struct pf_folios *f, size_t len, size_t shift)
{
	f->resv_len = len + 2 * f->folio;
	f->resv = mmap(NULL, f->resv_len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->resv == MAP_FAILED) {
		f->resv = NULL;
		return NULL;
	}
	return (char *)(((uintptr_t)f->resv + f->folio - 1) & ~(uintptr_t)(f->folio - 1)) + shift;
}

enum pf_result pf_folios_move(struct pf_folios *f, size_t shift)
{
	size_t len = f->count * f->folio;
	char *dest = reserve(f, len, shift), *moved;

	if (!dest)
		return pf_error("mmap of %zu bytes to move into: %s", f->resv_len,
				strerror(errno));
	moved = mremap(f->base, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
	if (moved == MAP_FAILED)
		return pf_error("mremap to an unaligned address: %s", strerror(errno));
	/* the old range is gone; the reservation is unmapped as a whole */
	f->r.map = NULL;
	f->base = moved;
	f->shift = shift;
	/* khugepaged must not collapse the PTE-mapped folios into new THPs */
	madvise(moved, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < f->count; i++)
		if (!pf_is_large_folio(moved + i * f->folio, f->folio))
			return pf_skip("after mremap folio %zu is no longer one %zu KiB folio (%s)",
				       i, f->folio >> 10, pf_folio_state(f, i));
	pf_diag("%zu folios of %zu KiB moved to %p, %zu bytes past a multiple of their size, still whole",
		f->count, f->folio >> 10, (void *)moved, shift);
	return PF_PASS;
}

void pf_folios_free(struct pf_folios *f)
{
	if (f->resv)
		munmap(f->resv, f->resv_len);
	f->resv = NULL;
	if (f->r.backing && f->r.backing->teardown)
		f->r.backing->teardown(&f->r);
	else
		pf_unmap_region(&f->r);
}

const char *pf_folio_state(const struct pf_folios *f, size_t i)
{
	const char *at = f->base + i * f->folio;

	if (f->r.backing == &pf_backing_hugetlb)
		return "hugetlb page";
	if (!pf_kpageflags_readable())
		return "unknown (no kpageflags)";
	if (pf_is_pmd_thp(at, f->folio))
		return "PMD-mapped THP";
	if (pf_is_large_folio(at, f->folio))
		return "one large folio, PTE-mapped";
	return "not one large folio (split or replaced)";
}
