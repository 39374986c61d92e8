/* SPDX-License-Identifier: GPL-2.0 */
/* The unpinned control of the collapse rows: small pages that may collapse. */
#ifndef PINFORK_COLLAPSE_CONTROL_H
#define PINFORK_COLLAPSE_CONTROL_H

#include "backing.h"

/*
 * Maps a THP-sized, THP-aligned run of small pages, written, then
 * MADV_HUGEPAGE: 0, -ENODATA when it is not small pages to begin with (a
 * diagnostic says what), or -errno. c->map is set once mapped
 * (pf_unmap_region() it).
 */
int pf_collapse_control_map(struct pf_region *c);

#endif
