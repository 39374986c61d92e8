/* SPDX-License-Identifier: GPL-2.0 */
/* What the kernel says backs an address: pagemap, kpageflags, smaps. */
#ifndef PINFORK_PAGEMAP_H
#define PINFORK_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>

#define PM_PRESENT	(1ull << 63)
#define PM_SWAP		(1ull << 62)
#define PM_FILE		(1ull << 61)
#define PM_EXCLUSIVE	(1ull << 56)
#define PM_SOFT_DIRTY	(1ull << 55)
#define PM_PFN_MASK	((1ull << 55) - 1)

#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_KSM			21
#define KPF_THP			22

/* The base page size. */
size_t pf_page_size(void);

/* The pagemap entry of addr, or 0 when it cannot be read. */
uint64_t pf_pagemap(const void *addr);
/* The PFN behind addr, or 0 when absent or hidden (not root). */
uint64_t pf_pfn(const void *addr);
/* kpageflags of pfn; -1 (all bits) when unreadable. */
uint64_t pf_kpageflags(uint64_t pfn);
int pf_kpageflags_readable(void);

/* 1 when every page of [addr, addr+len) is present. */
int pf_range_present(const void *addr, size_t len);
/* 1 when addr..addr+len is one large folio: head, tails, contiguous PFNs. */
int pf_is_large_folio(const void *addr, size_t len);
/* Field (kB) of the smaps entry of the mapping that holds addr, e.g.
 * "KernelPageSize"; -1 when not found. */
long pf_smaps_kb(const void *addr, const char *field);
/* Sum of a field (kB) over the mappings overlapping [addr, addr+len): 0 when
 * none has it, -1 when smaps cannot be read. */
long pf_smaps_range_kb(const void *addr, size_t len, const char *field);
/* AnonHugePages (kB) of the mapping that holds addr, -1 when not found. */
long pf_smaps_anon_huge_kb(const void *addr);
/* 1 when the PMD-sized range at addr is mapped by one PMD THP. */
int pf_is_pmd_thp(const void *addr, size_t thp_size);

/* The page-aligned span that covers [base, base+len). */
struct pf_cover {
	char *start;
	size_t len;
};

struct pf_cover pf_page_cover(const void *base, size_t len);

/* PFNs of every page of a cover, to tell which pages moved. */
struct pf_pfns {
	size_t pages;
	uint64_t *pfn;
};

int pf_pfns_take(struct pf_pfns *snap, const struct pf_cover *c);
/* Pages whose PFN now differs from the snapshot (absent pages count). */
size_t pf_pfns_moved(const struct pf_pfns *snap, const struct pf_cover *c);
void pf_pfns_free(struct pf_pfns *snap);
/* Pages of [a, a+len) that share their PFN with the same page of b. */
size_t pf_pages_shared(const void *a, const void *b, size_t len);
/* Pages of the cover that are KSM pages (kpageflags). */
size_t pf_pages_ksm(const struct pf_cover *c);

#endif
