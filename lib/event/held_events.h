/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory events while a held read is in flight (lib/scenario/held_case.h): mprotect,
 * MADV_*, munmap of the region around the page under the read. Each keeps
 * that page mapped, so the read's data must arrive. A row acts on the
 * region and proves it acted (the call returned 0, /proc/self/maps shows
 * the split or the protection, pagemap shows the zapped page).
 */
#ifndef PINFORK_HELD_EVENTS_H
#define PINFORK_HELD_EVENTS_H

#include "backing.h"

enum pf_held_mem_flag {
	PF_HEV_BEFORE	= 1u << 0,	/* needs a page before the target */
	PF_HEV_AFTER	= 1u << 1,	/* needs a page after the target */
	PF_HEV_NEIGHBOUR = 1u << 2,	/* needs any page besides the target */
	PF_HEV_MAY_REFUSE = 1u << 3,	/* EINVAL on an old kernel: SKIP */
	PF_HEV_NO_HUGETLB = 1u << 4,	/* cannot act on hugetlb (see the row) */
};

struct pf_held_mem_event {
	const char *name;	/* appended to case names */
	const char *summary;
	/* Acts on r while the read into page is held: 0, or -errno. */
	int (*fn)(struct pf_region *r, char *page);
	unsigned flags;		/* enum pf_held_mem_flag */
};

extern const struct pf_held_mem_event pf_held_mem_events[];
extern const size_t pf_held_mem_events_count;

/*
 * The row acted on a scratch page of plain memory: -EINVAL when this
 * kernel does not know the advice, else the row's result there.
 */
int pf_held_mem_event_refused(const struct pf_held_mem_event *ev);

#endif
