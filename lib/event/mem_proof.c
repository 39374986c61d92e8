// SPDX-License-Identifier: GPL-2.0
/* The memory rows' shared proofs (mem_proof.h). */
#include "mem_proof.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "pagemap.h"

size_t pf_before_target(const struct pf_event_run *run)
{
	return run->at.region ? (size_t)(run->at.start - run->at.region->base) : 0;
}

char *pf_target_end(const struct pf_event_run *run)
{
	return run->at.start + run->at.len;
}

size_t pf_after_target(const struct pf_event_run *run)
{
	const struct pf_region *r = run->at.region;

	return r ? (size_t)(r->base + r->len - pf_target_end(run)) : 0;
}

int pf_room_beside(const struct pf_event_run *run, size_t need_before,
		   size_t need_after)
{
	if (!run->at.region || !run->at.len) {
		pf_diag("%s: no region or no target to act around", run->ev->name);
		return -EOPNOTSUPP;
	}
	if (pf_before_target(run) < need_before || pf_after_target(run) < need_after) {
		pf_diag("%s: needs %zu bytes before and %zu after the target, the region has %zu and %zu",
			run->ev->name, need_before, need_after,
			pf_before_target(run), pf_after_target(run));
		return -EOPNOTSUPP;
	}
	return 0;
}

int pf_call(int ret)
{
	return ret ? -errno : 0;
}

int pf_vma_of(const void *addr, char **start, char **end, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long s, e, a = (unsigned long)addr;
	char line[512];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 &&
		    s <= a && a < e) {
			*start = (char *)s;
			*end = (char *)e;
			err = 0;
		}
	fclose(f);
	return err;
}

int pf_vma_perms_are(const void *addr, const char *perms)
{
	char p[5], *s, *e;
	int err = pf_vma_of(addr, &s, &e, p);

	if (err)
		return err;
	if (strncmp(p, perms, 2)) {
		pf_diag("the VMA at %p is %s, not %s", addr, p, perms);
		return -EPROTO;
	}
	return 0;
}

int pf_vma_bounds_are(const void *addr, const char *start, const char *end)
{
	char p[5], *s, *e;
	int err = pf_vma_of(addr, &s, &e, p);

	if (err)
		return err;
	if (s != start || (end && e != end)) {
		pf_diag("the VMA at %p is %p-%p, not %p-%p", addr, (void *)s,
			(void *)e, (const void *)start, (const void *)end);
		return -EPROTO;
	}
	return 0;
}

/* Whether the VmFlags line holds the two-letter flag as a word. */
static int flags_line_has(const char *line, const char *flag)
{
	for (const char *p = line + strlen("VmFlags:"); (p = strstr(p, flag)); p++)
		if (p[-1] == ' ' && (p[2] == ' ' || p[2] == '\n' || !p[2]))
			return 1;
	return 0;
}

int pf_vma_has_flag(const void *addr, const char *flag)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	unsigned long s, e, a = (unsigned long)addr;
	char line[512];
	int inside = 0, found = -ENOENT;

	if (!f)
		return -errno;
	while (found == -ENOENT && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2)
			inside = s <= a && a < e;
		else if (inside && !strncmp(line, "VmFlags:", 8))
			found = flags_line_has(line, flag);
	}
	fclose(f);
	return found;
}

long pf_present_beside(const struct pf_event_run *run)
{
	const struct pf_region *r = run->at.region;
	char *t = run->at.start, *t_end = pf_target_end(run);
	size_t ps = pf_page_size();
	long n = 0;

	for (char *p = r->base; p + ps <= r->base + r->len; p += ps)
		if ((p < t || p >= t_end) && pf_pagemap(p) & PM_PRESENT)
			n++;
	return n;
}

int pf_advise(void *addr, size_t len, int advice, const char *name)
{
	if (!madvise(addr, len, advice))
		return 0;
	if (errno != EINVAL)
		return -errno;
	pf_diag("%s: EINVAL: this kernel does not know the advice, or it does not apply to this memory",
		name);
	return -EOPNOTSUPP;
}
