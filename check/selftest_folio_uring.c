// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of the folio_uring oracles (lib/scenario/folio_uring*):
 * - the byte image oracle reports a READ_FIXED whose data landed one page
 *   late, as a kernel without 3a3c6d61577d put it, and passes an exact one;
 * - the whole offsets scenario fails when its I/O is misplaced by a page
 *   (done by hand through the scenario's test hook);
 * - the hugetlb pool oracle fails when a huge page is not given back, says
 *   it cannot charge the case when the pool changed under it, and passes
 *   when the page comes back.
 * A case here passes when the oracle gave the verdict its symptom calls for.
 */
#include <string.h>
#include <sys/mman.h>

#include "folio_uring.h"
#include "model.h"
#include "pattern.h"

#define LEN (64u << 10)
#define AT 4099			/* where the buffer starts: odd page, odd byte */
#define IO (5 * 4096 + 17)

enum { SEED_MEM = 1, SEED_FILE = 2 };

/* A region and its image; the "file" data is seed SEED_FILE's pattern. */
static void fill(char *mem, char *img, char *file)
{
	pf_pattern_fill(mem, LEN, SEED_MEM);
	memcpy(img, mem, LEN);
	pf_pattern_fill(file, IO, SEED_FILE);
	memcpy(img + AT, file, IO);	/* what the read must leave */
}

static enum pf_result image_case(size_t misplace, enum pf_result want, const char *what)
{
	char *mem = pf_mmap_anon(LEN, MAP_PRIVATE), *img = pf_mmap_anon(LEN, MAP_PRIVATE);
	char *file = pf_mmap_anon(LEN, MAP_PRIVATE);
	enum pf_result res = PF_ERROR;

	if (mem && img && file) {
		fill(mem, img, file);
		memcpy(mem + AT + misplace, file, IO);
		res = pf_expect(pf_image_holds(mem, img, LEN, what), want, what);
	}
	munmap(mem, LEN);
	munmap(img, LEN);
	munmap(file, LEN);
	return res;
}

static enum pf_result image_misplaced(struct pf_ctx *ctx)
{
	(void)ctx;
	return image_case(4096, PF_FAIL, "READ_FIXED data one page late");
}

static enum pf_result image_exact(struct pf_ctx *ctx)
{
	(void)ctx;
	return image_case(0, PF_PASS, "READ_FIXED data where asked");
}

static enum pf_result offsets_misplaced(struct pf_ctx *ctx)
{
	static const struct pf_folio_spec thp = { PF_FOLIO_THP, NULL };
	enum pf_result got;

	(void)ctx;
	pf_folio_uring_test_hooks.misplace = 4096;
	got = pf_folio_uring_offsets(&thp);
	pf_folio_uring_test_hooks.misplace = 0;
	if (got == PF_SKIP || got == PF_ERROR)
		return got;
	return pf_expect(got, PF_FAIL, "the offsets scenario with its I/O misplaced by a page");
}

/* A hugetlb page mapped by this process: it stays in use as a leaked one would. */
static enum pf_result huge_case(int unmap, long fake_total_change, enum pf_result want,
				const char *what)
{
	struct pf_region r = { .backing = &pf_backing_hugetlb };
	struct pf_huge_watch before;
	enum pf_result res = pf_backing_hugetlb.setup(&r, 2ul << 20);

	if (res != PF_PASS) {
		pf_unmap_region(&r);
		return res;
	}
	pf_huge_watch(&before);
	before.total += fake_total_change;
	if (unmap)
		pf_unmap_region(&r);
	res = pf_expect(pf_huge_returned(&before, 1, 0.3), want, what);
	pf_unmap_region(&r);
	return res;
}

static enum pf_result huge_kept(struct pf_ctx *ctx)
{
	(void)ctx;
	return huge_case(0, 0, PF_FAIL, "a huge page still in use after the case let go of it");
}

static enum pf_result huge_pool_changed(struct pf_ctx *ctx)
{
	(void)ctx;
	return huge_case(0, -1, PF_SKIP, "a huge page missing while the pool changed size");
}

static enum pf_result huge_freed(struct pf_ctx *ctx)
{
	(void)ctx;
	return huge_case(1, 0, PF_PASS, "a huge page freed by munmap");
}

static const struct pf_template templates[] = {
	{ .name = "image-misplaced-read", .run = image_misplaced,
	  .summary = "the image oracle fails a read that landed one page late" },
	{ .name = "image-exact-read", .run = image_exact,
	  .summary = "the image oracle passes a read that landed where asked" },
	{ .name = "offsets-misplaced-io", .run = offsets_misplaced,
	  .summary = "the offsets scenario fails when its data moves a page off (by hand)",
	  .needs = PF_NEED_URING | PF_NEED_ODIRECT | PF_NEED_THP | PF_NEED_KPAGEFLAGS },
	{ .name = "huge-page-kept", .run = huge_kept,
	  .summary = "the hugetlb pool oracle fails when a huge page does not come back",
	  .needs = PF_NEED_HUGETLB },
	{ .name = "huge-pool-changed", .run = huge_pool_changed,
	  .summary = "the hugetlb pool oracle does not charge the case when the pool changed",
	  .needs = PF_NEED_HUGETLB },
	{ .name = "huge-page-freed", .run = huge_freed,
	  .summary = "the hugetlb pool oracle passes a huge page freed by munmap",
	  .needs = PF_NEED_HUGETLB },
};

PF_MAIN(templates)
