/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The view oracle, for isolation after fork: what a process sees (its own
 * mapping, or pages it reads back through a pipe) must be the data its side
 * owns, never the other process's post-fork writes. Views are checked by
 * region offset, so a chunk taken from the middle of a region is compared
 * with the pattern bytes of the place it came from (pattern.h).
 */
#ifndef PINFORK_VIEW_ORACLE_H
#define PINFORK_VIEW_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/* Ordered from good to bad: the worse of two verdicts is the larger. */
enum pf_view {
	PF_VIEW_OWN,		/* only the data its side owns */
	PF_VIEW_CORRUPT,	/* bytes that are neither side's */
	PF_VIEW_FOREIGN,	/* the other process's post-fork data: a leak */
};

/*
 * Checks the len bytes at buf, which come from offset off of the region,
 * against the pattern of seed own, and names the bytes that are the pattern
 * of seed foreign instead. Unless the verdict is PF_VIEW_OWN, prints one
 * diagnostic line starting with who.
 */
enum pf_view pf_view_check(const char *who, const void *buf, size_t off,
			   size_t len, uint32_t own, uint32_t foreign);

const char *pf_view_name(enum pf_view v);

static inline enum pf_view pf_view_worse(enum pf_view a, enum pf_view b)
{
	return a > b ? a : b;
}

#endif
