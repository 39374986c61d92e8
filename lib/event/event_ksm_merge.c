// SPDX-License-Identifier: GPL-2.0
/*
 * ksm-merge: the region becomes MADV_MERGEABLE next to two identical
 * unpinned twins, and ksmd scans it twice. Shown to act when ksmd merged
 * the twins (ksm_merge.c); whether the region's own pages became KSM
 * pages is a diagnostic: a pinned page must not (write_protect_page()
 * refuses pages with extra references), an unpinned one may, and a later
 * pin must then unshare it. The region stays mergeable; the knobs are
 * restored after the case.
 */
#include <errno.h>
#include <sys/mman.h>

#include "ksm_merge.h"
#include "mem_proof.h"

static int ksm_merge(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	struct pf_cover c;
	struct pf_twins t = { 0 };
	enum pf_result res;

	if (!r)
		return -EOPNOTSUPP;
	c = pf_page_cover(r->base, r->len);
	res = pf_twins_make(&t, c.start, c.len);
	if (res == PF_PASS)
		res = pf_ksm_merge_twins(&t);
	if (res == PF_PASS)
		res = pf_ksm_expose(&c);
	if (res == PF_PASS)
		pf_diag("ksm-merge: %zu of %zu pages of the region are KSM pages; target: %s",
			pf_pages_ksm(&c), c.len / pf_page_size(),
			pf_mapping_state(run->at.start, run->at.len));
	pf_twins_unmap(&t);
	if (res == PF_ERROR)
		return -EIO;
	return res == PF_PASS ? 0 : -ENODATA;
}

const struct pf_event pf_event_ksm_merge = {
	.name = "ksm-merge",
	.summary = "KSM: ksmd merges identical unpinned twins of the region and scans it",
	.flags = PF_EV_MEMORY | PF_EV_MERGES,
	.needs = PF_NEED_ROOT | PF_NEED_KSM | PF_NEED_KPAGEFLAGS,
	.start = ksm_merge,
};
