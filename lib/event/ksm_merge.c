// SPDX-License-Identifier: GPL-2.0
/* KSM merging (ksm_merge.h): merged unpinned twins, pinned pages exposed to ksmd. */
#include "ksm_merge.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "daemons.h"
#include "pagemap.h"

#define KSM_WAIT_SECONDS 40

static int twins_merged(void *arg)
{
	const struct pf_twins *t = arg;

	return pf_pages_shared(t->a, t->b, t->len) == t->len / pf_page_size();
}

enum pf_result pf_twins_make(struct pf_twins *t, const void *src, size_t len)
{
	t->len = len;
	t->a = pf_twin_map(src, len);
	t->b = pf_twin_map(src, len);
	if (!t->a || !t->b)
		return pf_error("mmap of the twins: %s", strerror(errno));
	if (madvise(t->a, len, MADV_MERGEABLE) || madvise(t->b, len, MADV_MERGEABLE))
		return pf_skip("MADV_MERGEABLE: %s", strerror(errno));
	return PF_PASS;
}

void pf_twins_unmap(struct pf_twins *t)
{
	pf_twin_unmap(t->a, t->len);
	pf_twin_unmap(t->b, t->len);
}

/* ksmd runs until the two unpinned twins share their pages. */
enum pf_result pf_ksm_merge_twins(struct pf_twins *t)
{
	size_t pages = t->len / pf_page_size(), merged;
	enum pf_result res = pf_ksm_start();
	long scans;

	if (res != PF_PASS)
		return res;
	scans = pf_ksm_wait(twins_merged, t, KSM_WAIT_SECONDS);
	merged = pf_pages_shared(t->a, t->b, t->len);
	pf_diag("ksmd: %ld full scans; unpinned twins merged %zu of %zu pages",
		scans, merged, pages);
	if (!merged)
		return pf_skip("KSM did not merge an unpinned twin (%ld full scans)",
			       scans);
	return PF_PASS;
}

/*
 * The twins are merged first, so the pinned pages, once mergeable, find
 * their match in the stable tree and ksmd tries to map them to the KSM
 * page: write_protect_page() must refuse a page with extra (pin) refs.
 */
enum pf_result pf_ksm_expose(const struct pf_cover *c)
{
	long scans;

	if (madvise(c->start, c->len, MADV_MERGEABLE))
		return pf_skip("MADV_MERGEABLE of the pinned pages: %s", strerror(errno));
	scans = pf_ksm_wait(NULL, NULL, KSM_WAIT_SECONDS);
	pf_diag("ksmd: %ld full scans over the pinned pages", scans);
	pf_ksm_diag();
	if (scans < 2)
		return pf_skip("ksmd did not scan the pinned pages twice in %d s",
			       KSM_WAIT_SECONDS);
	return PF_PASS;
}

