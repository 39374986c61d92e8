// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty COW and its descendants: writes through /proc/self/mem (FOLL_FORCE)
 * into read-only private mappings must copy, never reach what is mapped.
 * - Dirty COW, CVE-2016-5195: a read-only file; the race against
 *   MADV_DONTNEED let the write land in the page cache. Fixed by
 *   19be0eaffa3a (FOLL_COW instead of dropping FOLL_WRITE).
 * - Huge Dirty COW, CVE-2017-1000405: FOLL_COW trusted a dirty PMD, and
 *   touch_pmd() dirtied the huge zero page's PMD, so the write landed in the
 *   huge zero page. Fixed by a8f97366452e.
 * - shmem Dirty COW, CVE-2022-2590: UFFDIO_CONTINUE mapped a shmem page
 *   dirty into a private mapping, and FOLL_COW trusted it. Fixed by
 *   5535be309971 (no more FOLL_COW: PageAnonExclusive decides).
 * Every race has a deterministic sibling: one write, then the same oracles.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "dirty_cow.h"
#include "model.h"
#include "zero_oracle.h"
#include "zeropage.h"

enum { SEED_FILE = 0xc0f };

#define FILE_PAGES 4

struct file_kind {
	enum pf_rofile_kind kind;
	int uffd_minor;		/* minor faults resolved by UFFDIO_CONTINUE */
};

static const struct file_kind block_file = { PF_ROFILE_BLOCK, 0 };
static const struct file_kind memfd_file = { PF_ROFILE_MEMFD, 0 };
static const struct file_kind memfd_uffd = { PF_ROFILE_MEMFD, 1 };

struct cow_file {
	struct pf_rofile f;
	char *map;		/* PROT_READ, MAP_PRIVATE of all of f */
	struct pf_uffd_minor u;
};

/* Every page faulted once through the handler proves minor faults work. */
static enum pf_result start_minor_faults(struct cow_file *c)
{
	enum pf_result res = pf_uffd_minor_start(&c->u, c->map, c->f.len);

	if (res != PF_PASS)
		return res;
	for (size_t off = 0; off < c->f.len; off += pf_page_size())
		(void)*(volatile char *)(c->map + off);
	if (!c->u.continues)
		return pf_skip("no minor fault reached the userfaultfd handler");
	pf_diag("uffd minor faults work: %ld resolved by UFFDIO_CONTINUE so far", c->u.continues);
	return PF_PASS;
}

static enum pf_result cow_file_setup(struct cow_file *c, const struct file_kind *k)
{
	enum pf_result res;

	memset(c, 0, sizeof(*c));
	c->u.fd = -1;
	res = pf_rofile_create(&c->f, k->kind, FILE_PAGES * pf_page_size(), SEED_FILE);
	if (res != PF_PASS)
		return res;
	c->map = mmap(NULL, c->f.len, PROT_READ, MAP_PRIVATE, c->f.fd, 0);
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		return pf_error("mmap of the read-only file: %s", strerror(errno));
	}
	pf_diag("%s, mapped PROT_READ MAP_PRIVATE", c->f.where);
	return k->uffd_minor ? start_minor_faults(c) : PF_PASS;
}

static void cow_file_teardown(struct cow_file *c)
{
	pf_uffd_minor_stop(&c->u);	/* nothing faults on the map any more */
	if (c->map)
		munmap(c->map, c->f.len);
	pf_rofile_close(&c->f);
}

static enum pf_result cow_file_once(struct pf_ctx *ctx)
{
	struct cow_file c;
	enum pf_result res = cow_file_setup(&c, ctx->arg);

	if (res == PF_PASS)
		res = pf_cow_file_once(&c.f, c.map);
	cow_file_teardown(&c);
	return res;
}

static enum pf_result cow_file_race(struct pf_ctx *ctx)
{
	const struct file_kind *k = ctx->arg;
	struct cow_file c;
	enum pf_result res = cow_file_setup(&c, k);

	if (res == PF_PASS)
		res = pf_cow_file_race(&c.f, c.map, ctx->race_seconds,
				       k->uffd_minor ? &c.u : NULL);
	cow_file_teardown(&c);
	return res;
}

static const int small_zero = 0, huge_zero = 1;

/* The region to write and a witness, both on the same (huge) zero page. */
static enum pf_result zero_setup(struct pf_zero_map *region,
				 struct pf_zero_map *witness, int huge)
{
	enum pf_result res = pf_zero_allow(huge);

	if (res == PF_PASS)
		res = pf_zero_map(region, huge);
	if (res == PF_PASS)
		res = pf_zero_map(witness, huge);
	if (res == PF_PASS && region->pfn != witness->pfn)
		return pf_skip("two mappings got different zero pages (PFN 0x%llx, 0x%llx)",
			       (unsigned long long)region->pfn,
			       (unsigned long long)witness->pfn);
	if (res == PF_PASS)
		pf_diag("two read-only mappings of the %szero page, PFN 0x%llx",
			huge ? "huge " : "", (unsigned long long)region->pfn);
	return res;
}

static enum pf_result zero_case(struct pf_ctx *ctx, int race)
{
	int huge = *(const int *)ctx->arg;
	struct pf_zero_map region = { 0 }, witness = { 0 };
	enum pf_result res = zero_setup(&region, &witness, huge);

	if (res == PF_PASS)
		res = race ? pf_cow_zero_race(region.base, witness.base, region.len,
					      huge, ctx->race_seconds)
			   : pf_cow_zero_once(region.base, witness.base, region.len);
	if (res == PF_PASS)
		res = pf_zero_page_intact(huge, "at the end");
	pf_zero_unmap(&region);
	pf_zero_unmap(&witness);
	return res;
}

static enum pf_result cow_zero_once(struct pf_ctx *ctx)
{
	return zero_case(ctx, 0);
}

static enum pf_result cow_zero_race(struct pf_ctx *ctx)
{
	return zero_case(ctx, 1);
}

#define DIRTY_COW .fixes = { "19be0eaffa3a" }, .cves = { "CVE-2016-5195" }
#define HUGE_DIRTY_COW .fixes = { "a8f97366452e" }, .cves = { "CVE-2017-1000405" }
#define SHMEM_DIRTY_COW .fixes = { "5535be309971" }, .cves = { "CVE-2022-2590" }

static const struct pf_template templates[] = {
	{
		.name = "foll-force-cow-file",
		.summary = "a /proc/self/mem write into a read-only private mapping of a read-only block-fs file copies: the writer sees it, the file does not change",
		.run = cow_file_once, .arg = &block_file, DIRTY_COW,
	},
	{
		.name = "foll-force-cow-memfd",
		.summary = "a /proc/self/mem write into a read-only private mapping of a sealed memfd copies: the memfd does not change",
		.run = cow_file_once, .arg = &memfd_file, DIRTY_COW,
	},
	{
		.name = "foll-force-cow-memfd-uffd-minor",
		.summary = "as foll-force-cow-memfd with the pages mapped by uffd minor faults (UFFDIO_CONTINUE): the memfd does not change",
		.run = cow_file_once, .arg = &memfd_uffd, SHMEM_DIRTY_COW,
		.needs = PF_NEED_UFFD,
	},
	{
		.name = "foll-force-cow-zero-page",
		.summary = "a /proc/self/mem write into a read-only private mapping of the zero page copies: the zero page stays zero",
		.run = cow_zero_once, .arg = &small_zero, DIRTY_COW,
		.needs = PF_NEED_KPAGEFLAGS,
	},
	{
		.name = "foll-force-cow-huge-zero-page",
		.summary = "a /proc/self/mem write into a read-only THP region over the huge zero page copies: the huge zero page stays zero",
		.run = cow_zero_once, .arg = &huge_zero, HUGE_DIRTY_COW,
		.needs = PF_NEED_KPAGEFLAGS | PF_NEED_THP,
	},
	{
		.name = "dirty-cow-race-file",
		.summary = "Dirty COW: /proc/self/mem writes racing MADV_DONTNEED on a read-only private mapping of a read-only file: the file does not change",
		.run = cow_file_race, .arg = &block_file, DIRTY_COW,
		.groups = PF_GROUP_RACE,
	},
	{
		.name = "dirty-cow-race-memfd",
		.summary = "Dirty COW on a sealed memfd: /proc/self/mem writes racing MADV_DONTNEED: the memfd does not change",
		.run = cow_file_race, .arg = &memfd_file, DIRTY_COW,
		.groups = PF_GROUP_RACE,
	},
	{
		.name = "shmem-dirty-cow-race",
		.summary = "shmem Dirty COW: sealed memfd mapped private read-only, uffd minor faults + UFFDIO_CONTINUE, /proc/self/mem writes racing MADV_DONTNEED: the memfd does not change",
		.run = cow_file_race, .arg = &memfd_uffd, SHMEM_DIRTY_COW,
		.needs = PF_NEED_UFFD, .groups = PF_GROUP_RACE,
	},
	{
		.name = "dirty-cow-race-zero-page",
		.summary = "/proc/self/mem writes and GUP reads racing MADV_DONTNEED over the zero page: the zero page stays zero",
		.run = cow_zero_race, .arg = &small_zero, DIRTY_COW,
		.needs = PF_NEED_KPAGEFLAGS, .groups = PF_GROUP_RACE,
	},
	{
		.name = "huge-dirty-cow-race",
		.summary = "Huge Dirty COW: /proc/self/mem writes and GUP reads racing MADV_DONTNEED on a read-only THP region over the huge zero page: it stays zero",
		.run = cow_zero_race, .arg = &huge_zero, HUGE_DIRTY_COW,
		.needs = PF_NEED_KPAGEFLAGS | PF_NEED_THP, .groups = PF_GROUP_RACE,
	},
};

PF_MAIN(templates)
