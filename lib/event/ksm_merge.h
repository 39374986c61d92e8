/* SPDX-License-Identifier: GPL-2.0 */
/* KSM merging, proven on unpinned twins, and pinned pages exposed to ksmd. */
#ifndef PINFORK_KSM_MERGE_H
#define PINFORK_KSM_MERGE_H

#include <stddef.h>

#include "pagemap.h"
#include "pf_case.h"

/* Two identical unpinned MADV_MERGEABLE copies of the same bytes. */
struct pf_twins {
	char *a, *b;
	size_t len;
};

enum pf_result pf_twins_make(struct pf_twins *t, const void *src, size_t len);
void pf_twins_unmap(struct pf_twins *t);
/* Runs ksmd until the twins share their pages; PF_SKIP when none merged. */
enum pf_result pf_ksm_merge_twins(struct pf_twins *t);
/*
 * Makes the cover mergeable and lets ksmd scan it twice (after the twins
 * of its pages merged, so it meets a stable-tree match). PF_PASS or PF_SKIP.
 */
enum pf_result pf_ksm_expose(const struct pf_cover *c);

#endif
