// SPDX-License-Identifier: GPL-2.0
#include "held_events.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "pagemap.h"

/* The VMA holding addr (/proc/self/maps): 0, or -ENOENT. */
static int vma_of(const void *addr, char **start, char **end, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long s, e, a = (unsigned long)addr;
	char line[512];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 &&
		    s <= a && a < e) {
			*start = (char *)s;
			*end = (char *)e;
			err = 0;
		}
	fclose(f);
	return err;
}

/* 0 when addr's VMA has protection perms ("rw", "r-"), else -EPROTO. */
static int vma_perms_are(const void *addr, const char *perms)
{
	char p[5], *s, *e;
	int err = vma_of(addr, &s, &e, p);

	if (err)
		return err;
	if (strncmp(p, perms, 2)) {
		pf_diag("the VMA at %p is %s, not %s", addr, p, perms);
		return -EPROTO;
	}
	return 0;
}

static int call(int ret)
{
	return ret ? -errno : 0;
}

static int mprotect_ro_rw(struct pf_region *r, char *page)
{
	int err = call(mprotect(r->base, r->len, PROT_READ));

	if (!err)
		err = vma_perms_are(page, "r-");
	if (!err)
		err = call(mprotect(r->base, r->len, PROT_READ | PROT_WRITE));
	return err ? err : vma_perms_are(page, "rw");
}

/* [base, page) read-only: the target's VMA must now begin at page. */
static int mprotect_half(struct pf_region *r, char *page)
{
	char p[5], *s, *e;
	int err = call(mprotect(r->base, page - r->base, PROT_READ));

	if (!err)
		err = vma_perms_are(r->base, "r-");
	if (!err)
		err = vma_of(page, &s, &e, p);
	if (!err && (s != page || strncmp(p, "rw", 2))) {
		pf_diag("the target's VMA is %p-%p %s, not split at %p", s, e, p, page);
		err = -EPROTO;
	}
	return err;
}

/* Set while refused() tries a row on a scratch page: its proofs stay quiet. */
static int probing;

#define proof_diag(...) do { if (!probing) pf_diag(__VA_ARGS__); } while (0)

/*
 * MADV_COLD clears the young bits and PG_referenced of what it covers
 * (madvise_cold_or_pageout_pte_range()), and smaps' Referenced sums
 * exactly those: the call is shown to act when it drops to 0.
 */
static int madv_cold(struct pf_region *r, char *page)
{
	long before = pf_smaps_range_kb(r->base, r->len, "Referenced"), after;
	int err;

	(void)page;
	if (before <= 0) {
		proof_diag("smaps shows no referenced page in the region before MADV_COLD: nothing to age");
		return -ENODATA;
	}
	err = call(madvise(r->base, r->len, MADV_COLD));
	if (err)
		return err;
	after = pf_smaps_range_kb(r->base, r->len, "Referenced");
	if (after) {
		proof_diag("smaps Referenced: %ld kB before MADV_COLD, %ld kB after: it did not age the region",
			before, after);
		return -ENODATA;
	}
	return 0;
}

/* Pages of the region, the target's aside, that are present now. */
static long present_beside(struct pf_region *r, char *page)
{
	long n = 0;

	for (char *p = r->base; p < r->base + r->len; p += pf_page_size())
		if (p != page && pf_pagemap(p) & PM_PRESENT)
			n++;
	return n;
}

/*
 * Shown to act when pages beside the target left the page tables
 * (swapped out): with no swap, or every page in the pinned target's folio,
 * MADV_PAGEOUT returns 0 and reclaims nothing.
 */
static int madv_pageout(struct pf_region *r, char *page)
{
	long before = present_beside(r, page), after;
	int err;

	if (!before) {
		proof_diag("no page beside the target for MADV_PAGEOUT to reclaim");
		return -ENODATA;
	}
	err = call(madvise(r->base, r->len, MADV_PAGEOUT));
	if (err)
		return err;
	after = present_beside(r, page);
	if (after >= before) {
		proof_diag("MADV_PAGEOUT reclaimed none of the %ld pages beside the target (no swap, or they share the pinned folio)",
			before);
		return -ENODATA;
	}
	proof_diag("MADV_PAGEOUT reclaimed %ld of the %ld pages beside the target",
		before - after, before);
	return 0;
}

/* Zaps [addr, addr+len) and checks that its first page is gone. */
static int zap(char *addr, size_t len)
{
	if (!len)
		return 0;
	if (madvise(addr, len, MADV_DONTNEED))
		return -errno;
	if (pf_range_present(addr, pf_page_size())) {
		pf_diag("%p is still present after MADV_DONTNEED", (void *)addr);
		return -EPROTO;
	}
	return 0;
}

static int dontneed_neighbour(struct pf_region *r, char *page)
{
	char *after = page + pf_page_size();
	int err = zap(r->base, page - r->base);

	return err ? err : zap(after, r->base + r->len - after);
}

/*
 * Unmaps the region's pages after the target and shrinks the region to
 * what is left, so the backing's teardown unmaps only that (the hole may
 * hold someone else's mapping by then).
 */
static int munmap_neighbour(struct pf_region *r, char *page)
{
	char *after = page + pf_page_size(), *end = r->base + r->len;
	char p[5], *s, *e;
	int err;

	if (!r->map || r->map + r->map_len != end)
		return -EINVAL;
	err = call(munmap(after, end - after));
	if (err)
		return err;
	r->len = after - r->base;
	r->map_len = after - r->map;
	err = vma_of(page, &s, &e, p);
	if (!err && e != after) {
		pf_diag("the target's VMA ends at %p, not %p", e, after);
		err = -EPROTO;
	}
	return err;
}

/* hugetlb: no partial mprotect/munmap/DONTNEED of a huge page (DONTNEED
 * rounds the range up to whole huge pages, which would zap the target), and
 * MADV_COLD/PAGEOUT refuse hugetlb VMAs with EINVAL. */
const struct pf_held_mem_event pf_held_mem_events[] = {
	{ "mprotect-ro-rw", "mprotect(PROT_READ) of the whole region, then back to read-write",
	  mprotect_ro_rw, 0 },
	{ "mprotect-half", "mprotect(PROT_READ) of the half without the target page (splits the VMA and a THP's PMD)",
	  mprotect_half, PF_HEV_BEFORE | PF_HEV_NO_HUGETLB },
	{ "madv-cold", "MADV_COLD of the whole region",
	  madv_cold, PF_HEV_MAY_REFUSE | PF_HEV_NO_HUGETLB },
	{ "madv-pageout", "MADV_PAGEOUT of the whole region",
	  madv_pageout, PF_HEV_MAY_REFUSE | PF_HEV_NO_HUGETLB },
	{ "dontneed-neighbour", "MADV_DONTNEED of every page of the region but the target",
	  dontneed_neighbour, PF_HEV_NEIGHBOUR | PF_HEV_NO_HUGETLB },
	{ "munmap-neighbour", "munmap of the region's pages after the target (splits the VMA)",
	  munmap_neighbour, PF_HEV_AFTER | PF_HEV_NO_HUGETLB },
};
const size_t pf_held_mem_events_count =
	sizeof(pf_held_mem_events) / sizeof(pf_held_mem_events[0]);

int pf_held_mem_event_refused(const struct pf_held_mem_event *ev)
{
	struct pf_region r;
	int err;

	if (pf_region_map_anon(&r, 2 * pf_page_size(), MAP_PRIVATE) != PF_PASS)
		return -ENOMEM;
	memset(r.base, 1, r.len);	/* referenced and present, for the proofs */
	probing = 1;
	err = ev->fn(&r, r.base + pf_page_size());
	probing = 0;
	pf_unmap_region(&r);
	return err;
}
