// SPDX-License-Identifier: GPL-2.0
/* PMD-mapped THP, and a THP that is PTE-mapped but still one large folio. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"
#include "thp.h"

static enum pf_result thp_pmd_setup(struct pf_region *r, size_t min_len)
{
	size_t thp = pf_thp_size();
	enum pf_result res;

	if (min_len > thp)
		return pf_skip("asked for %zu bytes, more than one THP", min_len);
	res = pf_thp_allow(0);
	if (res == PF_PASS)
		res = pf_thp_populate(r, thp, thp);
	if (res != PF_PASS)
		return res;
	r->folio = thp;
	if (!pf_is_pmd_thp(r->base, thp))
		return pf_skip("no PMD-mapped THP was populated (memory fragmented or THP off)");
	return PF_PASS;
}

/*
 * mprotect() of one page splits the PMD mapping into PTEs; the folio stays
 * large. Protecting it back merges the VMAs again. 1 when it is so.
 */
static int split_pmd_keeping_folio(struct pf_region *r)
{
	size_t ps = pf_page_size();

	if (mprotect(r->base, ps, PROT_READ) ||
	    mprotect(r->base, ps, PROT_READ | PROT_WRITE))
		return -errno;
	return pf_is_large_folio(r->base, r->len) &&
	       pf_smaps_anon_huge_kb(r->base) == 0;
}

/*
 * Tried twice: under load, khugepaged (which collapses the PTEs back into a
 * PMD) or reclaim (which splits the folio) can act between the split and
 * the check; seen in 2 of 880 setups in a loaded TCG guest.
 */
static enum pf_result thp_pte_setup(struct pf_region *r, size_t min_len)
{
	enum pf_result res = PF_PASS;
	int got = 0;

	if (!pf_kpageflags_readable())
		return pf_skip("cannot prove PTE mapping without /proc/kpageflags");
	for (int attempt = 0; attempt < 2 && res == PF_PASS && got != 1; attempt++) {
		if (attempt) {
			pf_diag("THP was not PTE-mapped as one large folio; trying once more");
			pf_unmap_region(r);
		}
		res = thp_pmd_setup(r, min_len);
		if (res == PF_PASS)
			got = split_pmd_keeping_folio(r);
	}
	if (res != PF_PASS)
		return res;
	if (got < 0)
		return pf_error("mprotect: %s", strerror(-got));
	return got ? PF_PASS : pf_skip("THP was not PTE-mapped as one large folio");
}

const struct pf_backing pf_backing_thp_pmd = {
	.name = "thp-pmd",
	.summary = "a PMD-mapped transparent huge page",
	.flags = PF_BK_ANON | PF_BK_LARGE | PF_BK_PMD | PF_BK_PAGE_ALIGNED |
		 PF_BK_MMAP,
	.needs = PF_NEED_THP,
	.setup = thp_pmd_setup,
	.teardown = pf_unmap_region,
};

const struct pf_backing pf_backing_thp_pte = {
	.name = "thp-pte",
	.summary = "a PTE-mapped transparent huge page (one large folio)",
	.flags = PF_BK_ANON | PF_BK_LARGE | PF_BK_PAGE_ALIGNED | PF_BK_MMAP,
	.needs = PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	.setup = thp_pte_setup,
	.teardown = pf_unmap_region,
};
