// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios for the folio_uring cases: two adjacent PMD THPs, the mTHP
 * rows' two folios, or two hugetlb pages; and the same folios moved by
 * mremap() to an address that is not a multiple of their size. Anonymous
 * folios are always faulted in at an address aligned to their size; only
 * moving them (or partial mappings) breaks that, which is the layout
 * io_uring's coalescing got wrong before 3a3c6d61577d. hugetlb pages
 * cannot be moved to such an address (mremap keeps the huge alignment).
 * shmem THPs (a memfd mapped shared, shmem_enabled "advise") are file
 * folios: moved, their PMD mapping is dropped and the pages fault back in
 * as PTEs of the same folios.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "folio_uring.h"
#include "knob.h"
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

#define SHMEM_ENABLED PF_THP_SYSFS "/shmem_enabled"

/* shmem THPs for MADV_HUGEPAGE mappings: shmem_enabled advise (journaled). */
static enum pf_result allow_shmem_thp(void)
{
	char v[64];
	int err;

	if (knob_read(SHMEM_ENABLED, v, sizeof(v)))
		return pf_skip("no shmem THP (%s unreadable)", SHMEM_ENABLED);
	if (!strcmp(v, "always") || !strcmp(v, "advise") || !strcmp(v, "within_size") ||
	    !strcmp(v, "force"))
		return PF_PASS;
	err = geteuid() ? -EPERM : knob_set(SHMEM_ENABLED, "advise");
	if (err)
		return pf_skip("%s is %s and cannot be set to advise: %s", SHMEM_ENABLED, v,
			       strerror(-err));
	pf_diag("set %s from %s to advise (restored after the case)", SHMEM_ENABLED, v);
	return PF_PASS;
}

/* A memfd of two THPs mapped shared at a THP-aligned address, written. */
static enum pf_result make_shmem(struct pf_folios *f)
{
	size_t thp = pf_thp_size(), len = THP_FOLIOS * thp;
	enum pf_result res = allow_shmem_thp();
	char *at;

	if (res != PF_PASS)
		return res;
	f->fd = memfd_create("pinfork-folio-uring", MFD_CLOEXEC);
	if (f->fd < 0 || ftruncate(f->fd, (off_t)len))
		return pf_error("memfd of %zu bytes: %s", len, strerror(errno));
	at = pf_map_aligned_prot(len, thp, PROT_NONE);
	if (!at || mmap(at, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, f->fd, 0) == MAP_FAILED)
		return pf_error("mmap of the memfd: %s", strerror(errno));
	f->r.map = f->r.base = at;
	f->r.map_len = f->r.len = len;
	if (madvise(at, len, MADV_HUGEPAGE))
		return pf_skip("MADV_HUGEPAGE on shmem: %s", strerror(errno));
	memset(at, 0x5a, len);
	f->folio = thp;
	while (f->count < THP_FOLIOS && pf_is_large_folio(at + f->count * thp, thp))
		f->count++;
	if (!f->count)
		return pf_skip("no shmem THP was allocated (%s)", pf_mapping_state(at, thp));
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
	f->fd = -1;
	switch (spec->kind) {
	case PF_FOLIO_THP:
		res = make_thp(f);
		break;
	case PF_FOLIO_MTHP:
		res = make_row(f, spec->mthp, 0);
		break;
	case PF_FOLIO_SHMEM:
		res = make_shmem(f);
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
	/* file folios lost their PMD mapping: fault their pages back in */
	for (size_t off = 0; off < len; off += 4096)
		(void)*(volatile char *)(moved + off);
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
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
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
