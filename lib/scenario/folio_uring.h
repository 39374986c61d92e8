/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_uring fixed buffers and O_DIRECT on large folios (THP, mTHP, hugetlb):
 * the bugs of the coalesced-buffer era (io_uring/rsrc.c since a8edbb424b13,
 * v6.12) and the hugetlb O_DIRECT reference leak (38b43539d64b).
 * tests/folio_uring.c runs them; check/selftest_folio_uring.c proves the
 * oracles fail on their symptoms.
 */
#ifndef PINFORK_FOLIO_URING_H
#define PINFORK_FOLIO_URING_H

#include <stddef.h>
#include <stdint.h>

#include "backing.h"
#include "pf_case.h"

/* The memory a case asks for: PMD THPs, mTHPs of one size, hugetlb, shmem THPs. */
enum pf_folio_kind { PF_FOLIO_THP, PF_FOLIO_MTHP, PF_FOLIO_HUGETLB, PF_FOLIO_SHMEM };

struct pf_folio_spec {
	enum pf_folio_kind kind;
	const struct pf_backing *mthp;	/* the mTHP row of that size */
};

/* Up to two large folios, adjacent, mapped at base. */
struct pf_folios {
	struct pf_region r;	/* as the backing made it */
	char *base;		/* the first folio, where it is mapped now */
	size_t folio;		/* folio size */
	size_t count;		/* folios from base */
	char *resv;		/* the range it was moved into, or NULL */
	size_t resv_len;
	size_t shift;		/* base modulo folio (0: naturally aligned) */
	int fd;			/* the shmem file (memfd), or -1 */
};

/* Sets up and verifies the folios: PF_PASS, or SKIP/ERROR with why. */
enum pf_result pf_folios_make(struct pf_folios *f, const struct pf_folio_spec *spec);
/*
 * mremap()s the folios to an address that is shift bytes past a multiple
 * of the folio size (the PMD mapping is split; the folios stay whole),
 * and proves they are still large folios.
 */
enum pf_result pf_folios_move(struct pf_folios *f, size_t shift);
void pf_folios_free(struct pf_folios *f);
/* "PMD-mapped THP", "large folio", "split" ...: the state of folio i now. */
const char *pf_folio_state(const struct pf_folios *f, size_t i);

/*
 * The byte oracle: mem holds exactly img (what every I/O so far should
 * have left there). FAIL naming what and the first wrong offset.
 */
enum pf_result pf_image_holds(const void *mem, const void *img, size_t len,
			      const char *what);

/*
 * 3a3c6d61577d: a fixed buffer that starts inside a folio whose address
 * is not aligned to its size; READ_FIXED and WRITE_FIXED at several
 * offsets must touch exactly the bytes asked for, in memory and in the
 * file. Runs the naturally aligned layout, and a moved one for THP/mTHP.
 */
enum pf_result pf_folio_uring_offsets(const struct pf_folio_spec *spec);

/*
 * For check/selftest_folio_uring.c only: move each I/O's data by hand
 * (pread/pwrite) misplaced by this many bytes, as a kernel without
 * 3a3c6d61577d does for a folio one page off its alignment.
 */
struct pf_folio_uring_hooks {
	size_t misplace;
};
extern struct pf_folio_uring_hooks pf_folio_uring_test_hooks;

/*
 * 5afb4bf9fc62: a coalesced buffer whose first folio's head page is not
 * AnonExclusive (shared with a child) is unregistered; a kernel without
 * the fix unpins the head page and, with CONFIG_DEBUG_VM, BUGs in
 * sanity_check_pinned_pages() (the kernel-log oracle). SKIP when the
 * kernel lacks CONFIG_DEBUG_VM: the wrong unpin has no other symptom.
 */
enum pf_result pf_folio_uring_unpin(void);

/* The ways a buffer registration fails after it pinned pages. */
enum pf_regfail {
	PF_REGFAIL_UNMAPPED,	/* second iovec unmapped */
	PF_REGFAIL_HOLE,	/* second iovec half mapped: a partial pin */
	PF_REGFAIL_TOO_BIG,	/* second iovec over 1 GiB */
	PF_REGFAIL_MEMLOCK,	/* RLIMIT_MEMLOCK refuses the pinned pages */
	PF_REGFAIL_IMU_ALLOC,	/* the io_mapped_ubuf allocation fails */
};

/*
 * e1c75831f682: registration fails after pages were pinned (proven by
 * nr_foll_pin_acquired); the pins must come back (the harness's pin
 * accounting oracle judges).
 */
enum pf_result pf_folio_uring_regfail(enum pf_regfail how);

/* The hugetlb pool seen from a case, to tell its own pages from others'. */
struct pf_huge_watch {
	long total;		/* HugePages_Total */
	long free;		/* HugePages_Free */
	long others_kb;		/* HugetlbPages of processes outside the case */
};

void pf_huge_watch(struct pf_huge_watch *w);
/*
 * Oracle: within max_wait seconds the free count is back to before.free
 * + pages (the pages the case unmapped). FAIL when it is not and nobody
 * else changed the pool or their hugetlb use; SKIP when someone did.
 */
enum pf_result pf_huge_returned(const struct pf_huge_watch *before, long pages,
				double max_wait);

/*
 * 38b43539d64b: O_DIRECT reads and writes from hugetlb memory at offsets
 * that are not page-aligned; after munmap the huge page is free again.
 */
enum pf_result pf_hugetlb_dio_unaligned(void);

/*
 * Policy, never pass/fail: does an O_DIRECT (short-term) pin, or a fixed
 * buffer (long-term) on part of a large folio, split it? '#' lines; the
 * data through both pins is checked.
 */
enum pf_result pf_folio_pin_policy(const struct pf_folio_spec *spec);

#endif
