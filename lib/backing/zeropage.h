/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-only private anonymous mappings over the shared zero page or the
 * huge zero page, proven by pagemap and kpageflags (KPF_ZERO_PAGE, and
 * KPF_THP with contiguous PFNs for the huge one). The oracle that it is
 * still zero: lib/oracle/zero_oracle.h.
 */
#ifndef PINFORK_ZEROPAGE_H
#define PINFORK_ZEROPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pf_case.h"

struct pf_zero_map {
	char *base;		/* PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS */
	size_t len;		/* one page, or one PMD-sized huge page */
	int huge;
	uint64_t pfn;		/* of base, when it was verified */
};

/*
 * Makes THP and the huge zero page available when huge (knobs journaled):
 * PF_PASS, or PF_SKIP with why.
 */
enum pf_result pf_zero_allow(int huge);
/* Maps one (huge) page read-only, read-faults it and verifies the (huge)
 * zero page backs it: PF_PASS, PF_SKIP with why, PF_ERROR. */
enum pf_result pf_zero_map(struct pf_zero_map *z, int huge);
void pf_zero_unmap(struct pf_zero_map *z);
/* 0 when the (huge) zero page backs [addr, addr + len); else -1 with why.
 * *pfn (may be NULL) gets the PFN of addr. */
int pf_zero_backed(const void *addr, size_t len, int huge, uint64_t *pfn,
		   char *why, size_t size);

#endif
