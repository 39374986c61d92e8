// SPDX-License-Identifier: GPL-2.0
/*
 * ksm-merge: the region becomes MADV_MERGEABLE next to two identical
 * unpinned twins, and ksmd scans it twice. Shown to act when ksmd merged
 * the twins (ksm_merge.c). It acts on the pages around the target (at most
 * KSM_WINDOW of them: ksmd merges 512-page twins of a THP in seconds, 16
 * pages at once). Whether the region's own pages became KSM
 * pages is a diagnostic: a pinned page must not (write_protect_page()
 * refuses pages with extra references), an unpinned one may, and a later
 * pin must then unshare it. The region stays mergeable; the knobs are
 * restored after the case.
 */
#include <errno.h>
#include <sys/mman.h>

#include "ksm_merge.h"
#include "mem_proof.h"

#define KSM_WINDOW 16	/* pages */

/* Up to KSM_WINDOW pages of the region centred on the target. */
static struct pf_cover window(const struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	size_t ps = pf_page_size(), half = KSM_WINDOW / 2 * ps;
	struct pf_cover all = pf_page_cover(r->base, r->len);
	char *start = (size_t)(run->at.start - all.start) > half ? run->at.start - half :
							   all.start;
	char *end = start + KSM_WINDOW * ps;

	if (end > all.start + all.len)
		end = all.start + all.len;
	return (struct pf_cover){ start, end - start };
}

static int ksm_merge(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	struct pf_cover c;
	struct pf_twins t = { 0 };
	enum pf_result res;

	if (!r)
		return -EOPNOTSUPP;
	c = run->at.len ? window(run) : pf_page_cover(r->base, r->len);
	res = pf_twins_make(&t, c.start, c.len);
	if (res == PF_PASS)
		res = pf_ksm_merge_twins(&t);
	if (res == PF_PASS)
		res = pf_ksm_expose(&c);
	if (res == PF_PASS)
		pf_diag("ksm-merge: %zu of %zu pages around the target are KSM pages; target: %s",
			pf_pages_ksm(&c), c.len / pf_page_size(),
			pf_mapping_state(run->at.start, run->at.len));
	pf_twins_unmap(&t);
	if (res == PF_ERROR)
		return -EIO;
	return res == PF_PASS ? 0 : -ENODATA;
}

const struct pf_event pf_event_ksm_merge = {
	.name = "ksm-merge",
	.summary = "KSM: ksmd merges unpinned twins of the pages around the target, scans them",
	.flags = PF_EV_MEMORY | PF_EV_MERGES,
	.needs = PF_NEED_ROOT | PF_NEED_KSM | PF_NEED_KPAGEFLAGS,
	.start = ksm_merge,
};
