// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect-all: the whole region PROT_READ, then read-write again; shown
 * to act when maps has it read-only, then read-write. Back to read-write,
 * the kernel may map an exclusive anonymous page writable at once, never a
 * possibly shared one (64fe24a3e05e, PMD c27f479ef542).
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_proof.h"

static int mprotect_all(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	int err = r ? 0 : -EOPNOTSUPP;

	if (!err)
		err = pf_call(mprotect(r->base, r->len, PROT_READ));
	if (!err)
		err = pf_vma_perms_are(r->base, "r-");
	if (!err)
		err = pf_call(mprotect(r->base, r->len, PROT_READ | PROT_WRITE));
	if (!err)
		err = pf_vma_perms_are(r->base, "rw");
	return err == -EPROTO ? -ENODATA : err;
}

const struct pf_event pf_event_mprotect_all = {
	.name = "mprotect-all",
	.summary = "mprotect(PROT_READ) of the whole region, then read-write again",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_HUGETLB_OK,
	.start = mprotect_all,
};
