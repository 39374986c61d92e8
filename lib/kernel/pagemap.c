// SPDX-License-Identifier: GPL-2.0
#include "pagemap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


size_t pf_page_size(void)
{
	static size_t ps;

	if (!ps)
		ps = (size_t)sysconf(_SC_PAGESIZE);
	return ps;
}

struct proc_file {
	const char *path;
	int fd;
	pid_t owner;	/* the process that opened fd */
};

static struct proc_file pagemap_file = { "/proc/self/pagemap", -1, 0 };
static struct proc_file kpageflags_file = { "/proc/kpageflags", -1, 0 };

/*
 * Opened once per process: checks read one entry per page, thousands per
 * THP. Reopened after fork: through an inherited descriptor a child would
 * read its parent's pagemap.
 */
static uint64_t read_u64(struct proc_file *pf, uint64_t index, uint64_t fail)
{
	pid_t me = getpid();
	uint64_t v;

	if (pf->owner != me) {
		if (pf->fd >= 0)
			close(pf->fd);
		pf->fd = open(pf->path, O_RDONLY | O_CLOEXEC);
		pf->owner = me;
	}
	if (pf->fd < 0 ||
	    pread(pf->fd, &v, sizeof(v), (off_t)(index * sizeof(v))) != sizeof(v))
		return fail;
	return v;
}

uint64_t pf_pagemap(const void *addr)
{
	return read_u64(&pagemap_file, (uintptr_t)addr / pf_page_size(), 0);
}

uint64_t pf_pfn(const void *addr)
{
	uint64_t e = pf_pagemap(addr);

	return (e & PM_PRESENT) ? (e & PM_PFN_MASK) : 0;
}

uint64_t pf_kpageflags(uint64_t pfn)
{
	return read_u64(&kpageflags_file, pfn, ~0ull);
}

int pf_kpageflags_readable(void)
{
	static const char probe[1] = { 1 };
	static int readable = -1;	/* root and the kernel's support do not change */

	if (readable < 0)
		readable = pf_pfn(probe) != 0 && pf_kpageflags(pf_pfn(probe)) != ~0ull;
	return readable;
}

int pf_range_present(const void *addr, size_t len)
{
	size_t ps = pf_page_size();

	for (size_t off = 0; off < len; off += ps)
		if (!(pf_pagemap((const char *)addr + off) & PM_PRESENT))
			return 0;
	return 1;
}

static int has(uint64_t flags, int bit)
{
	return flags != ~0ull && (flags >> bit & 1);
}

int pf_is_large_folio(const void *addr, size_t len)
{
	size_t ps = pf_page_size();
	uint64_t head = pf_pfn(addr);

	if (!head || !has(pf_kpageflags(head), KPF_COMPOUND_HEAD) ||
	    !has(pf_kpageflags(head), KPF_THP))
		return 0;
	for (size_t i = 1; i < len / ps; i++) {
		uint64_t pfn = pf_pfn((const char *)addr + i * ps);

		if (pfn != head + i || !has(pf_kpageflags(pfn), KPF_COMPOUND_TAIL))
			return 0;
	}
	return 1;
}

/*
 * Sums a "Field: N kB" line of /proc/self/smaps over the mappings that
 * overlap [addr, addr+len). -1 when smaps cannot be read; *found says
 * whether any overlapping mapping had the field.
 */
static long smaps_sum_kb(const void *addr, size_t len, const char *field,
			 int *found)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	uintptr_t lo_want = (uintptr_t)addr, hi_want = lo_want + len;
	size_t flen = strlen(field);
	char line[256];
	int inside = 0;
	long sum = 0, kb;

	*found = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		/* mapping header lines start with a lower-case hex address */
		if (!(line[0] >= 'A' && line[0] <= 'Z') &&
		    sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			inside = lo < hi_want && hi > lo_want;
			continue;
		}
		if (inside && !strncmp(line, field, flen) && line[flen] == ':' &&
		    sscanf(line + flen + 1, " %ld kB", &kb) == 1) {
			sum += kb;
			*found = 1;
		}
	}
	fclose(f);
	return sum;
}

long pf_smaps_kb(const void *addr, const char *field)
{
	int found;
	long kb = smaps_sum_kb(addr, 1, field, &found);

	return found ? kb : -1;
}

long pf_smaps_range_kb(const void *addr, size_t len, const char *field)
{
	int found;

	return smaps_sum_kb(addr, len, field, &found);
}

long pf_smaps_anon_huge_kb(const void *addr)
{
	return pf_smaps_kb(addr, "AnonHugePages");
}

int pf_is_pmd_thp(const void *addr, size_t thp_size)
{
	if (pf_kpageflags_readable())
		return pf_is_large_folio(addr, thp_size) &&
		       pf_smaps_anon_huge_kb(addr) >= (long)(thp_size >> 10);
	return pf_smaps_anon_huge_kb(addr) >= (long)(thp_size >> 10);
}

struct pf_cover pf_page_cover(const void *base, size_t len)
{
	uintptr_t mask = pf_page_size() - 1;
	uintptr_t start = (uintptr_t)base & ~mask;
	uintptr_t end = ((uintptr_t)base + len + mask) & ~mask;

	return (struct pf_cover){ (char *)start, end - start };
}

int pf_pfns_take(struct pf_pfns *snap, const struct pf_cover *c)
{
	size_t ps = pf_page_size();

	snap->pages = c->len / ps;
	snap->pfn = calloc(snap->pages, sizeof(*snap->pfn));
	if (!snap->pfn)
		return -ENOMEM;
	for (size_t i = 0; i < snap->pages; i++)
		snap->pfn[i] = pf_pfn(c->start + i * ps);
	return 0;
}

size_t pf_pfns_moved(const struct pf_pfns *snap, const struct pf_cover *c)
{
	size_t ps = pf_page_size(), moved = 0;

	for (size_t i = 0; i < snap->pages && i * ps < c->len; i++)
		moved += pf_pfn(c->start + i * ps) != snap->pfn[i];
	return moved;
}

void pf_pfns_free(struct pf_pfns *snap)
{
	free(snap->pfn);
	snap->pfn = NULL;
}

size_t pf_pages_shared(const void *a, const void *b, size_t len)
{
	size_t ps = pf_page_size(), shared = 0;

	for (size_t off = 0; off < len; off += ps) {
		uint64_t pfn = pf_pfn((const char *)a + off);

		shared += pfn && pfn == pf_pfn((const char *)b + off);
	}
	return shared;
}

size_t pf_pages_ksm(const struct pf_cover *c)
{
	size_t ps = pf_page_size(), ksm = 0;

	for (size_t off = 0; off < c->len; off += ps) {
		uint64_t pfn = pf_pfn(c->start + off);
		uint64_t flags = pfn ? pf_kpageflags(pfn) : 0;

		ksm += flags != ~0ull && (flags >> KPF_KSM & 1);
	}
	return ksm;
}
