// SPDX-License-Identifier: GPL-2.0
#include "zeropage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backing.h"
#include "knob.h"
#include "pagemap.h"
#include "thp.h"

#ifndef KPF_ZERO_PAGE
#define KPF_ZERO_PAGE 24
#endif

#define USE_ZERO_PAGE PF_THP_SYSFS "/use_zero_page"

static int has(uint64_t flags, int bit)
{
	return flags != ~0ull && (flags >> bit & 1);
}

static enum pf_result allow_huge_zero_page(void)
{
	char v[16];
	int err;

	if (knob_read(USE_ZERO_PAGE, v, sizeof(v)))
		return pf_skip("kernel without the huge zero page (%s missing)", USE_ZERO_PAGE);
	if (!strcmp(v, "1"))
		return PF_PASS;
	if (geteuid())
		return pf_skip("%s is %s and changing it needs root", USE_ZERO_PAGE, v);
	err = knob_set(USE_ZERO_PAGE, "1");
	if (err)
		return pf_skip("cannot set %s to 1: %s", USE_ZERO_PAGE, strerror(-err));
	pf_diag("set %s from %s to 1 (restored after the case)", USE_ZERO_PAGE, v);
	return PF_PASS;
}

enum pf_result pf_zero_allow(int huge)
{
	enum pf_result r;

	if (!huge)
		return PF_PASS;
	r = pf_thp_allow(0);
	return r == PF_PASS ? allow_huge_zero_page() : r;
}

static int verify_huge(const void *addr, size_t len, uint64_t head,
		       char *why, size_t size)
{
	size_t ps = pf_page_size();
	uint64_t flags = pf_kpageflags(head);

	if (!has(flags, KPF_THP) || !has(flags, KPF_COMPOUND_HEAD)) {
		snprintf(why, size, "the zero page is mapped, not the huge zero page (kpageflags 0x%llx)",
			 (unsigned long long)flags);
		return -1;
	}
	for (size_t off = ps; off < len; off += ps) {
		if (pf_pfn((const char *)addr + off) != head + off / ps) {
			snprintf(why, size, "PFNs not contiguous at offset 0x%zx: not one huge zero page",
				 off);
			return -1;
		}
	}
	return 0;
}

int pf_zero_backed(const void *addr, size_t len, int huge, uint64_t *pfn,
		   char *why, size_t size)
{
	uint64_t head = pf_pfn(addr), flags;

	if (pfn)
		*pfn = head;
	if (!head) {
		snprintf(why, size, "no PFN in pagemap (not present, or not root)");
		return -1;
	}
	flags = pf_kpageflags(head);
	if (!has(flags, KPF_ZERO_PAGE)) {
		snprintf(why, size, "PFN 0x%llx is not a zero page (kpageflags 0x%llx)",
			 (unsigned long long)head, (unsigned long long)flags);
		return -1;
	}
	return huge ? verify_huge(addr, len, head, why, size) : 0;
}

enum pf_result pf_zero_map(struct pf_zero_map *z, int huge)
{
	size_t len = huge ? pf_thp_size() : pf_page_size();
	char why[160];

	memset(z, 0, sizeof(*z));
	z->huge = huge;
	z->len = len;
	z->base = pf_map_aligned_prot(len, len, PROT_READ);
	if (!z->base)
		return pf_error("mmap %zu bytes: %s", len, strerror(errno));
	if (madvise(z->base, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) && huge)
		return pf_skip("MADV_HUGEPAGE: %s", strerror(errno));
	for (size_t off = 0; off < len; off += pf_page_size())
		(void)*(volatile char *)(z->base + off);	/* read faults */
	if (pf_zero_backed(z->base, len, huge, &z->pfn, why, sizeof(why)))
		return pf_skip("a read fault did not map the %szero page: %s",
			       huge ? "huge " : "", why);
	return PF_PASS;
}

void pf_zero_unmap(struct pf_zero_map *z)
{
	if (z->base)
		munmap(z->base, z->len);
	z->base = NULL;
}
