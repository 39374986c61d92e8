/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backings: what the memory under test is. Each backing sets up a region,
 * proves it got what it asked for (pagemap, kpageflags, smaps) or SKIPs,
 * and tears it down. Adding a backing = one file + one row in backing.c.
 */
#ifndef PINFORK_BACKING_H
#define PINFORK_BACKING_H

#include <stddef.h>

#include "pagemap.h"
#include "pf_case.h"
#include "thp.h"

enum pf_backing_flag {
	PF_BK_ANON	= 1u << 0,	/* private anonymous memory */
	PF_BK_LARGE	= 1u << 1,	/* a large folio (THP or mTHP) */
	PF_BK_PMD	= 1u << 2,	/* mapped by a PMD */
	PF_BK_PAGE_ALIGNED = 1u << 3,	/* region starts on a page boundary */
	PF_BK_MMAP	= 1u << 4,	/* a whole mapping of its own (mprotect/munmap ok) */
	PF_BK_STACK	= 1u << 5,	/* lives in the case's stack frame */
	PF_BK_HUGETLB	= 1u << 6,	/* hugetlb pages (not THP: no split, no
					 * partial mprotect/munmap of a page) */
	PF_BK_FILE	= 1u << 7,	/* MAP_PRIVATE of a file or memfd: page
					 * cache pages until the case writes */
	PF_BK_SWAPPED	= 1u << 8,	/* swapped out: the first access swaps in */
	PF_BK_SHARED	= 1u << 9,	/* part of it still shared with a live child */
	PF_BK_UNWRITTEN	= 1u << 10,	/* nobody wrote it (pf_backings_unwritten) */
	PF_BK_FOLIO_PART = 1u << 11,	/* pages of a large folio that the region
					 * does not wholly cover */
};

struct pf_region {
	char *base;		/* first byte of the memory under test */
	size_t len;		/* bytes usable from base */
	size_t folio;		/* size of the large folio, or the page size */
	const struct pf_backing *backing;
	char *map;		/* whole mapping, when the backing made one */
	size_t map_len;
	void *priv;
};

struct pf_backing {
	const char *name;	/* appended to case names */
	const char *summary;
	unsigned flags;		/* enum pf_backing_flag */
	unsigned needs;		/* enum pf_need */
	size_t size;		/* the folio size a sized row asks for (mTHP) */
	/* Sets r->base/len (at least min_len) and verifies; PF_PASS or PF_SKIP. */
	enum pf_result (*setup)(struct pf_region *r, size_t min_len);
	void (*teardown)(struct pf_region *r);
};

extern const struct pf_backing *const pf_backings[];
extern const size_t pf_backings_count;
/*
 * The states memory is in before anyone wrote it (never touched, only read,
 * a private file page): a table of its own, for the programs that pin such
 * memory (tests/pin_unwritten.c). The templates of pf_backings fill the
 * region first, which would make them anonymous memory like any other.
 */
extern const struct pf_backing *const pf_backings_unwritten[];
extern const size_t pf_backings_unwritten_count;

/* Maps len bytes aligned to align (anonymous, private); NULL on failure. */
char *pf_map_aligned(size_t len, size_t align, struct pf_region *r);
/* The same with protection prot, a mapping of its own that no region owns. */
char *pf_map_aligned_prot(size_t len, size_t align, int prot);
void pf_unmap_region(struct pf_region *r);

/* An anonymous read-write mapping (flags: MAP_PRIVATE or MAP_SHARED); NULL on failure. */
char *pf_mmap_anon(size_t len, int flags);
/*
 * Maps len bytes of anonymous memory (flags: MAP_PRIVATE or MAP_SHARED) as
 * the whole of r, in small pages; PF_PASS, or PF_ERROR if mmap fails.
 */
enum pf_result pf_region_map_anon(struct pf_region *r, size_t len, int flags);
/*
 * Maps at least min_len bytes (16 KiB when less is asked), rounded up to
 * pages, as private anonymous small pages THP leaves alone (MADV_NOHUGEPAGE),
 * untouched, as the whole of r; PF_PASS, or PF_ERROR if mmap fails.
 */
enum pf_result pf_region_map_small(struct pf_region *r, size_t min_len);
/* Maps and populates len bytes aligned to align with MADV_HUGEPAGE. */
enum pf_result pf_thp_populate(struct pf_region *r, size_t len, size_t align);

/* An unpinned private anonymous copy of len bytes in small pages: a control. */
char *pf_twin_map(const void *src, size_t len);
void pf_twin_unmap(char *twin, size_t len);

/*
 * How [addr, addr+len) is mapped now, for diagnostics (policy, not
 * correctness): "PMD-mapped THP", "PTE-mapped large folio", "small pages",
 * "not present", or "unknown (no kpageflags)".
 */
const char *pf_mapping_state(const void *addr, size_t len);

/* Sets up a region of backing b, runs fn on it, tears it down. */
enum pf_result pf_backing_run(const struct pf_backing *b, size_t min_len,
			      struct pf_ctx *ctx, pf_test_fn fn);

/*
 * Proofs the rows run at setup, public for their negative self-tests
 * (check/selftest_backings.c): PF_PASS, or PF_SKIP with what was found.
 */
/* Every size-aligned chunk of r is one large folio of that size. */
enum pf_result pf_mthp_verify(const struct pf_region *r, size_t size);
/* Every page of [addr, addr+len) is swapped out (pagemap bit 62). */
enum pf_result pf_swapped_verify(const void *addr, size_t len);
/* The page at addr is mapped, and is a page of a large folio. */
enum pf_result pf_in_large_folio_verify(const void *addr, size_t len);
/* No page of [addr, addr+len) is present or swapped: never touched. */
enum pf_result pf_untouched_verify(const void *addr, size_t len);
/* Every page of [addr, addr+len) maps the (huge) zero page. */
enum pf_result pf_zero_verify(const void *addr, size_t len, int huge);
/* Every page of [addr, addr+len) maps a page cache page (pagemap bit 61). */
enum pf_result pf_file_pages_verify(const void *addr, size_t len);
/*
 * [addr, addr+len) of this process and of process pid: pages below half
 * are not shared with pid, pages from half on are the same PFNs there.
 */
enum pf_result pf_shared_from_verify(const void *addr, size_t len, size_t half,
				     int pid);
/*
 * Oracle of the file rows: the file under r still holds what setup wrote.
 * PF_PASS, PF_FAIL with the first bad offset, PF_ERROR when unreadable.
 */
enum pf_result pf_file_backing_intact(const struct pf_region *r);

/* Backing rows, one file each (the mTHP sizes share backing_mthp.c). */
extern const struct pf_backing pf_backing_anon;
extern const struct pf_backing pf_backing_thp_pmd;
extern const struct pf_backing pf_backing_thp_pte;
extern const struct pf_backing pf_backing_thp_one_pte;
extern const struct pf_backing pf_backing_thp_mremap;
extern const struct pf_backing pf_backing_thp_shared_half;
extern const struct pf_backing pf_backing_mthp_16k;
extern const struct pf_backing pf_backing_mthp_32k;
extern const struct pf_backing pf_backing_mthp_64k;
extern const struct pf_backing pf_backing_mthp_128k;
extern const struct pf_backing pf_backing_mthp_256k;
extern const struct pf_backing pf_backing_mthp_512k;
extern const struct pf_backing pf_backing_mthp_1024k;
extern const struct pf_backing pf_backing_swapped;
extern const struct pf_backing pf_backing_swapped_thp;
extern const struct pf_backing pf_backing_memfd_private;
extern const struct pf_backing pf_backing_file_private;
extern const struct pf_backing pf_backing_untouched;
extern const struct pf_backing pf_backing_zero_page;
extern const struct pf_backing pf_backing_huge_zero_page;
extern const struct pf_backing pf_backing_memfd_unwritten;
extern const struct pf_backing pf_backing_file_unwritten;
extern const struct pf_backing pf_backing_heap_odd;
extern const struct pf_backing pf_backing_stack;
extern const struct pf_backing pf_backing_hugetlb;

#endif
