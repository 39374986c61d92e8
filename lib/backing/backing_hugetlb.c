// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_PRIVATE anonymous hugetlb memory in 2 MiB pages. Pinned hugetlb pages
 * are copied at fork since 4eae4efa2c29; gup-fast against fork on hugetlb
 * since 623a1ddfeb23. The pool is grown through nr_hugepages (journaled)
 * when it lacks free pages and we are root. The pool keeps spare pages
 * beyond the mapping: fork copies pinned pages, and a COW that finds the
 * pool empty takes the page away from the child of a MAP_PRIVATE owner
 * (SIGBUS there), which would be the backing failing, not the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "knob.h"
#include "pagemap.h"

#define HUGE_SIZE (2ul << 20)
#define HUGE_DIR "/sys/kernel/mm/hugepages/hugepages-2048kB"
#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#define MAP_HUGE_2M (21 << MAP_HUGE_SHIFT)
#define SPARE_FACTOR 3	/* free pages wanted per page of the mapping */
#define POOL_TRIES 40	/* 50 ms each */

/*
 * Grows the persistent pool by what is missing. Pages of the case before
 * may still be held for a moment (an io_uring ring is torn down
 * asynchronously), so the pool is topped up again until it holds or time
 * runs out.
 */
static enum pf_result grow_pool(long need, long free_pages)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	long total = knob_read_long(NR_HUGEPAGES), first = total;
	char v[32];
	int err;

	if (total < 0)
		return pf_skip("cannot read %s", NR_HUGEPAGES);
	if (geteuid())
		return pf_skip("needs %ld free 2 MiB huge pages (mapping and copies), %ld free; raising %s needs root",
			       need, free_pages, NR_HUGEPAGES);
	for (int tries = 0; free_pages < need && tries < POOL_TRIES; tries++) {
		snprintf(v, sizeof(v), "%ld", total + need - free_pages);
		err = knob_set(NR_HUGEPAGES, v);
		if (err)
			return pf_skip("cannot set %s to %s: %s", NR_HUGEPAGES, v,
				       strerror(-err));
		nanosleep(&pause, NULL);
		free_pages = knob_read_long(HUGE_DIR "/free_hugepages");
		total = knob_read_long(NR_HUGEPAGES);
	}
	pf_diag("raised %s from %ld to %ld (restored after the case)", NR_HUGEPAGES,
		first, total);
	if (free_pages < need)
		return pf_skip("the kernel reserved only %ld of %ld free 2 MiB huge pages (memory fragmented?)",
			       free_pages, need);
	return PF_PASS;
}

static enum pf_result hugetlb_setup(struct pf_region *r, size_t min_len)
{
	size_t len = min_len ? (min_len + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1) : HUGE_SIZE;
	long need = (long)(len / HUGE_SIZE) * SPARE_FACTOR;
	long free_pages = knob_read_long(HUGE_DIR "/free_hugepages");
	enum pf_result res;
	char *p;

	if (free_pages < 0)
		return pf_skip("no 2 MiB hugetlb pages (%s missing)", HUGE_DIR);
	if (free_pages < need && (res = grow_pool(need, free_pages)) != PF_PASS)
		return res;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2M, -1, 0);
	if (p == MAP_FAILED)
		return pf_skip("mmap MAP_HUGETLB of %zu bytes: %s", len, strerror(errno));
	r->map = r->base = p;
	r->map_len = r->len = len;
	r->folio = HUGE_SIZE;
	memset(p, 0x5a, len);
	if (pf_smaps_kb(p, "KernelPageSize") != (long)(HUGE_SIZE >> 10))
		return pf_skip("the mapping is not backed by 2 MiB pages (smaps KernelPageSize %ld kB)",
			       pf_smaps_kb(p, "KernelPageSize"));
	if (!pf_range_present(p, len))
		return pf_skip("hugetlb pages not present after touching them");
	return PF_PASS;
}

const struct pf_backing pf_backing_hugetlb = {
	.name = "hugetlb",
	.summary = "MAP_PRIVATE anonymous hugetlb memory in 2 MiB pages",
	.flags = PF_BK_ANON | PF_BK_HUGETLB | PF_BK_PAGE_ALIGNED | PF_BK_MMAP,
	.needs = PF_NEED_HUGETLB,
	.setup = hugetlb_setup,
	.teardown = pf_unmap_region,
};
