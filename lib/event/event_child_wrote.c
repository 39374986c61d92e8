// SPDX-License-Identifier: GPL-2.0
/*
 * child-wrote: a fork()ed child writes all of its copy of the region and
 * exits. The parent's memory must not change; its pages were shared with
 * the child and lost PageAnonExclusive at the fork (6c287605fd56), so a
 * later pin or write meets pages whose history includes a sharer that is
 * gone. Shown to act by the child's exit after it read back its write.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem_child.h"
#include "mem_proof.h"

#define CHILD_BYTE 0xc7

/* In the child: every byte of the region written, and read back. */
static int child_writes(const struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;

	memset(r->base, CHILD_BYTE, r->len);
	for (size_t i = 0; i < r->len; i++)
		if ((unsigned char)r->base[i] != CHILD_BYTE)
			return 2;
	return 0;
}

static int child_wrote(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	char *before;
	int err;

	if (!r)
		return -EOPNOTSUPP;
	before = malloc(r->len);
	if (!before)
		return -ENOMEM;
	memcpy(before, r->base, r->len);
	err = pf_fork_and_check(run, child_writes);
	if (!err && memcmp(before, r->base, r->len)) {
		pf_diag("child-wrote: the parent's region changed when the child wrote its copy");
		run->child_result = 1;
	}
	free(before);
	return err;
}

const struct pf_event pf_event_child_wrote = {
	.name = "child-wrote",
	.summary = "a fork()ed child writes all of its copy of the region and exits",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_FORK,
	.children = 1,
	.start = child_wrote,
};
