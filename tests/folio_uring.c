// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring fixed buffers and O_DIRECT on large folios (issue 9):
 * - 3a3c6d61577d: coalesced fixed buffers that start inside a folio
 *   mapped at an address not aligned to its size took the wrong bytes
 *   (broken since a8edbb424b13, v6.12; fixed v6.16 and 6.12.36).
 * - 5afb4bf9fc62: unregistering such a buffer unpinned the folio's head
 *   page, a BUG in mm/gup.c with CONFIG_DEBUG_VM (same versions).
 * - e1c75831f682: a failed registration leaked the pins it had taken when
 *   the io_mapped_ubuf allocation failed (since d8c2237d0aa9, v5.19; fixed
 *   v6.16 and 6.12.36; 6.1.192 still has it). Only fault injection gets
 *   there; the other failures after pinning are checked.
 * - 38b43539d64b: O_DIRECT from hugetlb memory at an offset that is not
 *   page-aligned leaked a reference per bio, so the huge page was never
 *   freed (v6.8 and 6.1.75 to 6.1.83; fixed v6.9 and 6.1.84).
 * Plus the policy lines of the 2023 thread: does a short-term or a
 * long-term pin on part of a large folio split it?
 */
#include "folio_uring.h"
#include "model.h"

static enum pf_result offsets(struct pf_ctx *ctx)
{
	return pf_folio_uring_offsets(ctx->arg);
}

static enum pf_result unpin(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_folio_uring_unpin();
}

static enum pf_result policy(struct pf_ctx *ctx)
{
	return pf_folio_pin_policy(ctx->arg);
}

static enum pf_result hugetlb_dio(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_hugetlb_dio_unaligned();
}

static enum pf_result regfail(struct pf_ctx *ctx)
{
	return pf_folio_uring_regfail(*(const enum pf_regfail *)ctx->arg);
}

static const enum pf_regfail unmapped = PF_REGFAIL_UNMAPPED, hole = PF_REGFAIL_HOLE,
	too_big = PF_REGFAIL_TOO_BIG, memlock = PF_REGFAIL_MEMLOCK,
	imu_alloc = PF_REGFAIL_IMU_ALLOC;

static const struct pf_folio_spec thp = { PF_FOLIO_THP, NULL };
static const struct pf_folio_spec shmem = { PF_FOLIO_SHMEM, NULL };
static const struct pf_folio_spec hugetlb = { PF_FOLIO_HUGETLB, NULL };
static const struct pf_folio_spec mthp_16k = { PF_FOLIO_MTHP, &pf_backing_mthp_16k };
static const struct pf_folio_spec mthp_32k = { PF_FOLIO_MTHP, &pf_backing_mthp_32k };
static const struct pf_folio_spec mthp_64k = { PF_FOLIO_MTHP, &pf_backing_mthp_64k };
static const struct pf_folio_spec mthp_128k = { PF_FOLIO_MTHP, &pf_backing_mthp_128k };
static const struct pf_folio_spec mthp_256k = { PF_FOLIO_MTHP, &pf_backing_mthp_256k };
static const struct pf_folio_spec mthp_512k = { PF_FOLIO_MTHP, &pf_backing_mthp_512k };
static const struct pf_folio_spec mthp_1024k = { PF_FOLIO_MTHP, &pf_backing_mthp_1024k };

#define OFFSETS_SUMMARY(what)                                                  \
	"fixed buffers starting at odd pages and bytes inside " what           \
	", naturally aligned and mremap()ed one page off: READ_FIXED/WRITE_FIXED move exactly the bytes asked for " \
	"(bug in v6.12-v6.15 and 6.12.0-6.12.35)"

#define OFFSETS(stem, spec, what, need)                                        \
	{                                                                      \
		.name = "uring-folio-offset-" stem,                            \
		.summary = OFFSETS_SUMMARY(what),                              \
		.run = offsets, .arg = &spec,                                  \
		.fixes = { "3a3c6d61577d" },                                   \
		.needs = PF_NEED_URING | PF_NEED_ODIRECT | need,               \
	}

#define REGFAIL(stem, how, what, ...)                                             \
	{                                                                      \
		.name = "uring-register-fails-" stem,                          \
		.summary = "a fixed-buffer registration that pinned a coalesced THP buffer fails because " what \
			   ": every pin is released (leaked on an io_mapped_ubuf allocation failure in v5.19-v6.15, 6.12.0-6.12.35, 6.1.y up to 6.1.192 at least)", \
		.run = regfail, .arg = &how,                                   \
		.fixes = { "e1c75831f682", __VA_ARGS__ },                      \
		.needs = PF_NEED_URING | PF_NEED_THP | PF_NEED_KPAGEFLAGS | PF_NEED_ROOT, \
	}

#define POLICY(stem, spec, what, need)                                         \
	{                                                                      \
		.name = "folio-part-pin-policy-" stem,                         \
		.summary = "O_DIRECT and a fixed buffer on 5 pages of " what   \
			   ": the data through each pin is right; whether the folio was split is a '#' line (policy)", \
		.run = policy, .arg = &spec,                                   \
		.needs = PF_NEED_URING | PF_NEED_ODIRECT | need,               \
	}

#define MTHP_NEEDS (PF_NEED_THP | PF_NEED_KPAGEFLAGS | PF_NEED_ROOT)

static const struct pf_template templates[] = {
	OFFSETS("thp", thp, "two PMD THPs", PF_NEED_THP | PF_NEED_KPAGEFLAGS),
	OFFSETS("mthp-16k", mthp_16k, "16 KiB mTHPs", MTHP_NEEDS),
	OFFSETS("mthp-32k", mthp_32k, "32 KiB mTHPs", MTHP_NEEDS),
	OFFSETS("mthp-64k", mthp_64k, "64 KiB mTHPs", MTHP_NEEDS),
	OFFSETS("mthp-128k", mthp_128k, "128 KiB mTHPs", MTHP_NEEDS),
	OFFSETS("mthp-256k", mthp_256k, "256 KiB mTHPs", MTHP_NEEDS),
	OFFSETS("mthp-512k", mthp_512k, "512 KiB mTHPs", MTHP_NEEDS),
	OFFSETS("mthp-1024k", mthp_1024k, "a 1024 KiB mTHP", MTHP_NEEDS),
	OFFSETS("shmem-thp", shmem, "two shmem THPs of a memfd mapped shared", PF_NEED_THP | PF_NEED_KPAGEFLAGS | PF_NEED_ROOT),
	OFFSETS("hugetlb", hugetlb, "a 2 MiB hugetlb page (always aligned: a control)",
		PF_NEED_HUGETLB),
	{
		.name = "uring-folio-unpin-shared-head",
		.summary = "a coalesced fixed buffer on a THP whose head page is shared with a child is used and unregistered: no BUG in mm/gup.c "
			   "(v6.12-v6.15, 6.12.0-6.12.35, seen only with CONFIG_DEBUG_VM)",
		.run = unpin,
		.fixes = { "5afb4bf9fc62" },
		.needs = PF_NEED_URING | PF_NEED_ODIRECT | PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	},
	REGFAIL("second-unmapped", unmapped, "its second iovec is unmapped"),
	REGFAIL("second-half-mapped", hole, "its second iovec is pinned in part (half of it PROT_NONE)"),
	REGFAIL("second-too-big", too_big, "its second iovec is over 1 GiB"),
	REGFAIL("memlock", memlock, "RLIMIT_MEMLOCK refuses the pinned, coalesced THP buffer (ring made without CAP_IPC_LOCK)",
		"5afb4bf9fc62"),
	REGFAIL("imu-alloc", imu_alloc, "the io_mapped_ubuf allocation after the pin fails (needs fault injection)"),
	{
		.name = "hugetlb-dio-unaligned-freed",
		.summary = "O_DIRECT writes and reads from a hugetlb page starting inside a page: after munmap the huge page is free again "
			   "(leaked in v6.8 and 6.1.75-6.1.83)",
		.run = hugetlb_dio,
		.fixes = { "38b43539d64b" },
		.needs = PF_NEED_ODIRECT | PF_NEED_HUGETLB,
	},
	POLICY("thp", thp, "a PMD THP", PF_NEED_THP | PF_NEED_KPAGEFLAGS),
	POLICY("mthp-64k", mthp_64k, "a 64 KiB mTHP", MTHP_NEEDS),
};

PF_MAIN(templates)
