// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT from hugetlb memory at offsets that are not page-aligned.
 * 1b151e2435fc (v6.8; 6.1.75) released one reference per PAGE_SIZE of a
 * bio segment's length, but a segment that starts inside a page spans one
 * page more than that; the block layer took one reference per page, so a
 * reference was left on the folio after every such I/O. For a hugetlb page
 * that means it is never freed: HugePages_Free stays low after munmap.
 * Fixed by 38b43539d64b (v6.9; 6.1.84), which counts the pages spanned.
 *
 * The oracle reads the pool from the case's own process: after munmap the
 * free count must be back, unless somebody else changed the pool or their
 * hugetlb use meanwhile (then it cannot tell whose pages are missing).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "accounting.h"
#include "folio_uring.h"
#include "odirect.h"
#include "pattern.h"

enum { SEED_DIO = 0xd10 };

void pf_huge_watch(struct pf_huge_watch *w)
{
	struct acct_sample s;
	struct acct_others o;

	acct_sample(&s);
	acct_others(&o);
	w->total = s.huge_total;
	w->free = s.huge_free;
	w->others_kb = o.hugetlb_kb;
}

static void pause_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

enum pf_result pf_huge_returned(const struct pf_huge_watch *before, long pages,
				double max_wait)
{
	double until = pf_now() + max_wait;
	struct pf_huge_watch now;

	do {
		pf_huge_watch(&now);
		if (now.total == before->total && now.free == before->free + pages)
			return PF_PASS;
		pause_ms(20);
	} while (pf_now() < until);
	pf_diag("hugetlb pool: total %ld -> %ld, free %ld -> %ld (expected %ld), others' HugetlbPages %ld -> %ld kB",
		before->total, now.total, before->free, now.free, before->free + pages,
		before->others_kb, now.others_kb);
	if (now.total != before->total || now.others_kb != before->others_kb)
		return pf_skip("another process changed the hugetlb pool meanwhile: the missing pages cannot be charged to this case");
	if (now.free < before->free + pages)
		return pf_fail("%ld huge page(s) not freed %.1f s after munmap: a reference was leaked",
			       before->free + pages - now.free, max_wait);
	return pf_skip("more huge pages came free than this case unmapped: the pool is not this case's alone");
}

/* One I/O: buffer at off into the huge page, len bytes, file offset foff. */
struct dio_op {
	size_t off, len, foff;
};

/*
 * Each starts mem_align bytes past a page boundary, or that much before
 * the next, and spans one page more than len / PAGE_SIZE.
 */
static enum pf_result unaligned_io(struct pf_scratch *s, char *huge, size_t align)
{
	const struct dio_op ops[] = {
		{ align, 2 * 4096, 0 },
		{ 4096 - align, 4096, 8192 },
		{ 5 * 4096 + align, 3 * 4096, 16384 },
		{ (2ul << 20) - 3 * 4096 + align, 2 * 4096, 4096 },
	};
	struct pf_mismatch m;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const struct dio_op *op = &ops[i];
		int err;

		pf_pattern_fill(huge + op->off, op->len, SEED_DIO + (uint32_t)i);
		err = pf_dio_write(s, huge + op->off, op->len, op->foff);
		if (!err) {
			memset(huge + op->off, 0, op->len);
			err = pf_dio_read(s, huge + op->off, op->len, op->foff);
		}
		if (err)
			return pf_error("O_DIRECT of %zu bytes at huge page offset %zu: %s",
					op->len, op->off, strerror(-err));
		if (pf_pattern_check(huge + op->off, op->len, SEED_DIO + (uint32_t)i, &m)) {
			pf_mismatch_diag("O_DIRECT write then read back", &m);
			return pf_fail("O_DIRECT at huge page offset %zu did not read back what it wrote",
				       op->off);
		}
	}
	pf_diag("%zu O_DIRECT writes and reads, each starting %zu bytes off a page boundary, read back right",
		sizeof(ops) / sizeof(ops[0]), align);
	return PF_PASS;
}

static enum pf_result open_unaligned_scratch(struct pf_scratch *s)
{
	char why[256];

	if (pf_scratch_open(s, 1 << 20, why, sizeof(why)))
		return pf_skip("%s", why);
	if (s->mem_align >= 4096)
		return pf_skip("the scratch filesystem needs %zu-byte aligned O_DIRECT buffers: I/O that starts inside a page cannot be issued",
			       s->mem_align);
	return PF_PASS;
}

enum pf_result pf_hugetlb_dio_unaligned(void)
{
	struct pf_region r = { .backing = &pf_backing_hugetlb };
	struct pf_huge_watch before;
	struct pf_scratch s = { .fd = -1, .dio_fd = -1 };
	enum pf_result res = pf_backing_hugetlb.setup(&r, 2ul << 20);

	if (res == PF_PASS)
		res = open_unaligned_scratch(&s);
	if (res == PF_PASS) {
		pf_huge_watch(&before);
		res = unaligned_io(&s, r.base, s.mem_align ? s.mem_align : 512);
	}
	pf_scratch_close(&s);
	pf_unmap_region(&r);
	if (res == PF_PASS)
		res = pf_huge_returned(&before, 1, 2.0);
	if (res == PF_PASS)
		pf_diag("the huge page was freed after munmap");
	return res;
}
