// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-test of tests/folio_mm.c's oracles (lib/scenario/folio_mm*.c):
 * each failure symptom built by hand in userspace must be reported, and the
 * healthy state must pass.
 * - lazy free: a page written after MADV_FREE that reads zeros or its old
 *   data (the write discarded), a never-freed page that reads zeros, a freed
 *   page holding neither its data nor zeros;
 * - UFFDIO_MOVE: a destination holding a neighbour's page, or garbage;
 * - Mlocked: a residue when no other process's locked memory moved is a
 *   failure, one while others moved is not charged to the case.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "folio_mm.h"
#include "model.h"
#include "pattern.h"

#define PAGES 4

struct lazy_bufs {
	char *old, *new_data, *mem;
	unsigned char kinds[PAGES];
};

static int lazy_bufs(struct lazy_bufs *b)
{
	size_t len = PAGES * pf_page_size();

	b->old = malloc(len);
	b->new_data = malloc(len);
	b->mem = malloc(len);
	if (!b->old || !b->new_data || !b->mem)
		return -1;
	pf_pattern_fill(b->old, len, 1);
	pf_pattern_fill(b->new_data, len, 2);
	/* page 0 kept, 1 freed, 2 written after MADV_FREE, 3 freed */
	b->kinds[0] = PF_LAZY_KEPT;
	b->kinds[1] = PF_LAZY_FREED;
	b->kinds[2] = PF_LAZY_REDIRTIED;
	b->kinds[3] = PF_LAZY_FREED;
	memcpy(b->mem, b->old, len);
	memcpy(b->mem + 2 * pf_page_size(), b->new_data + 2 * pf_page_size(), pf_page_size());
	memset(b->mem + 3 * pf_page_size(), 0, pf_page_size());	/* discarded: zeros */
	return 0;
}

static void lazy_free_bufs(struct lazy_bufs *b)
{
	free(b->old);
	free(b->new_data);
	free(b->mem);
}

enum lazy_symptom { HEALTHY, REDIRTY_ZEROED, REDIRTY_OLD, KEPT_ZEROED, FREED_GARBAGE };

static void make_symptom(struct lazy_bufs *b, enum lazy_symptom s)
{
	size_t ps = pf_page_size();

	switch (s) {
	case REDIRTY_ZEROED:
		memset(b->mem + 2 * ps, 0, ps);
		break;
	case REDIRTY_OLD:
		memcpy(b->mem + 2 * ps, b->old + 2 * ps, ps);
		break;
	case KEPT_ZEROED:
		memset(b->mem, 0, ps);
		break;
	case FREED_GARBAGE:
		b->mem[ps + 100] ^= 0x5a;
		break;
	default:
		break;
	}
}

static enum pf_result lazy_symptom(struct pf_ctx *ctx)
{
	enum lazy_symptom s = *(const enum lazy_symptom *)ctx->arg;
	struct lazy_bufs b = { 0 };
	enum pf_result res;

	if (lazy_bufs(&b)) {
		lazy_free_bufs(&b);
		return pf_error("out of memory");
	}
	make_symptom(&b, s);
	res = pf_lazy_check(b.mem, PAGES, b.kinds, b.old, b.new_data);
	lazy_free_bufs(&b);
	return pf_expect(res, s == HEALTHY ? PF_PASS : PF_FAIL, "lazy-free oracle");
}

static const enum lazy_symptom healthy = HEALTHY, redirty_zeroed = REDIRTY_ZEROED,
	redirty_old = REDIRTY_OLD, kept_zeroed = KEPT_ZEROED, freed_garbage = FREED_GARBAGE;

enum move_symptom { MOVED_OWN, MOVED_NEIGHBOUR, MOVED_GARBAGE };

static enum pf_result move_symptom(struct pf_ctx *ctx)
{
	enum move_symptom s = *(const enum move_symptom *)ctx->arg;
	const uint32_t others[] = { 11, 12 };
	char *page = malloc(pf_page_size());
	enum pf_result res;

	if (!page)
		return pf_error("out of memory");
	pf_pattern_fill(page, pf_page_size(), s == MOVED_NEIGHBOUR ? 12 : 10);
	if (s == MOVED_GARBAGE)
		page[7] ^= 1;
	res = pf_moved_page_check(page, 10, others, 2);
	free(page);
	return pf_expect(res, s == MOVED_OWN ? PF_PASS : PF_FAIL, "UFFDIO_MOVE oracle");
}

static const enum move_symptom moved_own = MOVED_OWN, moved_neighbour = MOVED_NEIGHBOUR,
	moved_garbage = MOVED_GARBAGE;

enum answer_symptom { ANSWER_MOVED_EEXIST, ANSWER_TRUE_EEXIST, ANSWER_OK };

/* to mapped and from empty, as after a move; ANSWER_TRUE_EEXIST: from still holds the page */
static enum pf_result answer_symptom(struct pf_ctx *ctx)
{
	enum answer_symptom s = *(const enum answer_symptom *)ctx->arg;
	size_t ps = pf_page_size();
	char *pages = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int seen;

	if (pages == MAP_FAILED)
		return pf_error("mmap failed");
	pages[0] = 1;				/* to */
	if (s == ANSWER_TRUE_EEXIST)
		pages[ps] = 1;			/* from still maps its page */
	seen = pf_eexist_but_moved(s == ANSWER_OK ? 0 : -EEXIST, pages, pages + ps);
	munmap(pages, 2 * ps);
	if (seen != (s == ANSWER_MOVED_EEXIST))
		return pf_fail("EEXIST-but-moved %s", seen ? "seen where the answer was true" : "not seen");
	return PF_PASS;
}

static const enum answer_symptom answer_moved_eexist = ANSWER_MOVED_EEXIST,
	answer_true_eexist = ANSWER_TRUE_EEXIST, answer_ok = ANSWER_OK;

struct mlock_symptom {
	long residue_kb, others_moved_kb, idle_drift_kb;
	enum pf_result want;
};

static enum pf_result mlocked_symptom(struct pf_ctx *ctx)
{
	const struct mlock_symptom *s = ctx->arg;
	struct pf_mlock_sample before = { 10000, 500, 0 }, after = before;

	after.meminfo_kb += s->residue_kb;
	after.others_kb += s->others_moved_kb;
	after.drift_kb = s->idle_drift_kb;
	return pf_expect(pf_mlocked_back(&before, &after, "in the self-test"), s->want,
			 "Mlocked oracle");
}

static const struct mlock_symptom mlock_back = { 0, 0, 0, PF_PASS },
	mlock_leak = { 1024, 0, 0, PF_FAIL }, mlock_underflow = { -4, 0, 0, PF_FAIL },
	mlock_busy = { 1024, 2048, 0, PF_PASS }, mlock_drifting = { 8, 0, 4, PF_PASS };

static const struct pf_template templates[] = {
	{ .name = "lazy-healthy-passes", .summary = "kept, freed (old or zeros) and written pages as they must be",
	  .run = lazy_symptom, .arg = &healthy },
	{ .name = "lazy-redirtied-zeroed-is-fail", .summary = "a page written after MADV_FREE reads zeros",
	  .run = lazy_symptom, .arg = &redirty_zeroed },
	{ .name = "lazy-redirtied-old-is-fail", .summary = "a page written after MADV_FREE reads its old data",
	  .run = lazy_symptom, .arg = &redirty_old },
	{ .name = "lazy-kept-zeroed-is-fail", .summary = "a page never freed reads zeros",
	  .run = lazy_symptom, .arg = &kept_zeroed },
	{ .name = "lazy-freed-garbage-is-fail", .summary = "a freed page holds neither its data nor zeros",
	  .run = lazy_symptom, .arg = &freed_garbage },
	{ .name = "move-own-passes", .summary = "the moved page holds its data",
	  .run = move_symptom, .arg = &moved_own },
	{ .name = "move-neighbour-is-fail", .summary = "the moved page holds a neighbour's data",
	  .run = move_symptom, .arg = &moved_neighbour },
	{ .name = "move-garbage-is-fail", .summary = "the moved page holds a changed byte",
	  .run = move_symptom, .arg = &moved_garbage },
	{ .name = "move-eexist-but-moved-is-seen", .summary = "EEXIST while the destination maps the page and the source nothing",
	  .run = answer_symptom, .arg = &answer_moved_eexist },
	{ .name = "move-true-eexist-not-seen", .summary = "EEXIST while the source still maps its page: a true answer",
	  .run = answer_symptom, .arg = &answer_true_eexist },
	{ .name = "move-success-not-seen", .summary = "a move that returned 0",
	  .run = answer_symptom, .arg = &answer_ok },
	{ .name = "mlocked-back-passes", .summary = "Mlocked back at baseline",
	  .run = mlocked_symptom, .arg = &mlock_back },
	{ .name = "mlocked-leak-is-fail", .summary = "Mlocked 1 MiB above baseline, nobody else moved",
	  .run = mlocked_symptom, .arg = &mlock_leak },
	{ .name = "mlocked-underflow-is-fail", .summary = "Mlocked 4 kB below baseline, nobody else moved",
	  .run = mlocked_symptom, .arg = &mlock_underflow },
	{ .name = "mlocked-busy-not-charged", .summary = "Mlocked moved while other processes' VmLck moved: a diagnostic",
	  .run = mlocked_symptom, .arg = &mlock_busy },
	{ .name = "mlocked-drifting-not-charged", .summary = "Mlocked moved while the case was idle: a diagnostic",
	  .run = mlocked_symptom, .arg = &mlock_drifting },
};

PF_MAIN(templates)
