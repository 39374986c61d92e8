// SPDX-License-Identifier: GPL-2.0
#include "pagemap.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backing.h"

static uint64_t read_u64(const char *path, uint64_t index, uint64_t fail)
{
	uint64_t v;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return fail;
	n = pread(fd, &v, sizeof(v), (off_t)(index * sizeof(v)));
	close(fd);
	return n == sizeof(v) ? v : fail;
}

uint64_t pf_pagemap(const void *addr)
{
	return read_u64("/proc/self/pagemap",
			(uintptr_t)addr / pf_page_size(), 0);
}

uint64_t pf_pfn(const void *addr)
{
	uint64_t e = pf_pagemap(addr);

	return (e & PM_PRESENT) ? (e & PM_PFN_MASK) : 0;
}

uint64_t pf_kpageflags(uint64_t pfn)
{
	return read_u64("/proc/kpageflags", pfn, ~0ull);
}

int pf_kpageflags_readable(void)
{
	static const char probe[1] = { 1 };

	return pf_pfn(probe) != 0 && pf_kpageflags(pf_pfn(probe)) != ~0ull;
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

long pf_smaps_kb(const void *addr, const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	size_t flen = strlen(field);
	char line[256];
	int inside = 0;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		/* mapping header lines start with a lower-case hex address */
		if (!(line[0] >= 'A' && line[0] <= 'Z') &&
		    sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			inside = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (inside && !strncmp(line, field, flen) && line[flen] == ':' &&
		    sscanf(line + flen + 1, " %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
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
