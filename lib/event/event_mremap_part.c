// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-part: the part of the region after the target moves to another
 * address (a large folio then is mapped by two VMAs). The region shrinks
 * to what stays, the moved part is unmapped when the event ends. Shown to
 * act when the target's VMA ends at the target's end and the moved part
 * holds what was there.
 */
#include <errno.h>
#include <sys/mman.h>

#include "mem_proof.h"

/* An address range of len bytes that nothing else will take meanwhile. */
static char *reserve(size_t len)
{
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int moved(struct pf_event_run *run, char *to, char first)
{
	char *end = pf_target_end(run);
	int err = pf_vma_bounds_are(to, to, to + run->aside_len);
	char p[5], *s, *e;

	/* still the PROT_NONE reservation: nothing moved there */
	if (!err)
		err = pf_vma_perms_are(to, "rw");
	if (!err && *to != first) {
		pf_diag("the moved part begins with %#x, not %#x", *to, first);
		err = -EPROTO;
	}
	if (!err)
		err = pf_vma_of(run->at.start, &s, &e, p);
	if (!err && e != end) {
		pf_diag("the target's VMA ends at %p, not %p", (void *)e, (void *)end);
		err = -EPROTO;
	}
	return err;
}

static int mremap_part(struct pf_event_run *run)
{
	struct pf_region *r = run->at.region;
	char *end = pf_target_end(run), *to, first;
	size_t len = pf_after_target(run);
	int err = pf_room_beside(run, 0, pf_page_size());

	if (err)
		return err;
	if (!r->map || r->map + r->map_len != r->base + r->len) {
		pf_diag("mremap-part: the region is not the end of a mapping of its own");
		return -EOPNOTSUPP;
	}
	to = reserve(len);
	if (!to)
		return -errno;
	first = *end;
	if (mremap(end, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED) {
		err = -errno;
		munmap(to, len);
		return err;
	}
	run->aside = to;
	run->aside_len = len;
	r->len -= len;
	r->map_len -= len;
	err = moved(run, to, first);
	return err == -EPROTO ? -ENODATA : err;
}

const struct pf_event pf_event_mremap_part = {
	.name = "mremap-part",
	.summary = "mremap of the part after the target to another address",
	.flags = PF_EV_MEMORY | PF_EV_KEEPS_PAGES | PF_EV_SPLITS_VMA,
	.start = mremap_part,
};
