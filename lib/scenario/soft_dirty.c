// SPDX-License-Identifier: GPL-2.0
#include "soft_dirty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pagemap.h"
#include "pattern.h"

enum { SEED_AFTER = 62 };

enum pf_result pf_soft_dirty_clear(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return pf_skip("cannot open /proc/self/clear_refs: %s", strerror(errno));
	n = write(fd, "4", 1);
	close(fd);
	if (n != 1)
		return pf_skip("clear_refs 4: %s", n < 0 ? strerror(errno) : "short write");
	return PF_PASS;
}

/* Pages of the range without the soft-dirty bit; *first is the first one. */
static size_t pages_clean(const void *addr, size_t len, size_t *first,
			  int *unreadable)
{
	size_t ps = pf_page_size(), clean = 0;

	*unreadable = 0;
	for (size_t off = 0; off < len; off += ps) {
		uint64_t e = pf_pagemap((const char *)addr + off);

		if (!e)
			*unreadable = 1;
		if (e & PM_SOFT_DIRTY)
			continue;
		if (!clean++)
			*first = off;
	}
	return clean;
}

enum pf_result pf_soft_dirty_supported(void *addr, size_t len)
{
	size_t first = 0, pages = len / pf_page_size();
	int unreadable;

	memset(addr, 0x3c, len);
	if (pages_clean(addr, len, &first, &unreadable) < pages)
		return PF_PASS;
	if (unreadable)
		return pf_skip("cannot read /proc/self/pagemap");
	return pf_skip("no page is ever soft-dirty after a write: kernel without CONFIG_MEM_SOFT_DIRTY");
}

enum pf_result pf_soft_dirty_all_clean(const void *addr, size_t len)
{
	size_t first = 0, pages = len / pf_page_size();
	size_t clean;
	int unreadable;

	clean = pages_clean(addr, len, &first, &unreadable);
	if (clean == pages)
		return PF_PASS;
	return pf_skip("clear_refs 4 left %zu of %zu pages soft-dirty", pages - clean,
		       pages);
}

enum pf_result pf_soft_dirty_all_set(const void *addr, size_t len,
				     const char *what)
{
	size_t first = 0, pages = len / pf_page_size();
	size_t clean;
	int unreadable;

	clean = pages_clean(addr, len, &first, &unreadable);
	if (unreadable)
		return pf_error("cannot read /proc/self/pagemap");
	if (!clean)
		return PF_PASS;
	pf_diag("%s: %zu of %zu written pages are not soft-dirty, the first at offset 0x%zx",
		what, clean, pages, first);
	return pf_fail("a write was not tracked by soft-dirty (%s)", what);
}

static size_t protect_len(const struct pf_region *r, int half)
{
	size_t ps = pf_page_size();

	if (!half)
		return r->len;
	return ((r->folio > ps ? r->folio : r->len) / 2 + ps - 1) & ~(ps - 1);
}

enum pf_result pf_soft_dirty_mprotect_run(struct pf_region *r,
					  const struct pf_soft_dirty_plan *plan)
{
	size_t plen = protect_len(r, plan->half);
	enum pf_result res;

	if ((uintptr_t)r->base % pf_page_size() || r->len % pf_page_size())
		return pf_error("the region is not made of whole pages");
	res = pf_soft_dirty_supported(r->base, r->len);
	if (res == PF_PASS)
		res = pf_soft_dirty_clear();
	if (res == PF_PASS)
		res = pf_soft_dirty_all_clean(r->base, r->len);
	if (res != PF_PASS)
		return res;
	pf_diag("after clear_refs: %s", pf_mapping_state(r->base, r->folio));
	if (mprotect(r->base, plen, PROT_READ) ||
	    mprotect(r->base, plen, PROT_READ | PROT_WRITE))
		return pf_error("mprotect: %s", strerror(errno));
	pf_diag("after mprotect of %zu KiB: %s (policy, not checked)", plen >> 10,
		pf_mapping_state(r->base, r->folio));
	if (!plan->skip_write)
		pf_pattern_fill(r->base, r->len, SEED_AFTER);
	return pf_soft_dirty_all_set(r->base, r->len,
				     "written after clear_refs 4 and mprotect R->RW");
}
