// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the pin-invariant scenarios (lib/pin_invariants*.c,
 * lib/scenario/madv_free_dio.c): each builds in userspace what a kernel that broke
 * the invariant would leave behind and sees it reported.
 * - A page "migrated" or "merged" under a pin: the CPU's address gets a
 *   copy of the same bytes (merged by ksmd into a KSM page for the merge)
 *   while the fixed buffer keeps the old page; coherence must fail.
 * - A MADV_FREE'd page "discarded" under a read: the very scenarios of
 *   tests/madv_free_dio.c, with MADV_DONTNEED (which drops pages whatever
 *   holds them) as the reclaim step, must fail with zeros; so must the
 *   zeros oracle on a read buffer that was remapped.
 * - No merge, no verdict: twins ksmd cannot merge make the KSM case SKIP.
 * - No move, no verdict: a compaction or a NUMA move that moves nothing of
 *   the unpinned control, or a node query that fails, makes the case SKIP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "compaction.h"
#include "ksm_merge.h"
#include "madv_free_dio.h"
#include "migrate.h"
#include "model.h"
#include "pagemap.h"
#include "pattern.h"
#include "pin_invariants.h"

#define LEN (64u << 10)
#define SEED 77

/* Maps fresh pages at p holding the same bytes; a pin keeps the old ones. */
static int replace_with_copy(char *p, size_t len)
{
	char *copy = malloc(len);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, p, len);
	if (mmap(p, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p)
		err = -errno;
	else
		memcpy(p, copy, len);
	free(copy);
	return err;
}

/* Pins p's pages, then maps a copy of them at p: the pin keeps the old ones. */
static enum pf_result pin_then_copy(struct pf_pinned *pin, char *p)
{
	enum pf_result res = pf_pinned_setup(pin, p, LEN, SEED);
	int err;

	if (res == PF_PASS && (err = replace_with_copy(p, LEN)))
		res = pf_error("mmap MAP_FIXED: %s", strerror(-err));
	return res;
}

/* A migration that ignored the pin: the CPU maps a copy, the pin the old page. */
static enum pf_result migrated_copy(struct pf_ctx *ctx)
{
	char *p = pf_mmap_anon(LEN, MAP_PRIVATE);
	struct pf_pinned pin;
	enum pf_result res;

	(void)ctx;
	if (!p)
		return pf_error("mmap failed");
	res = pin_then_copy(&pin, p);
	if (res == PF_PASS)
		res = pf_expect(pf_pinned_coherent(&pin), PF_FAIL,
				"coherence after a copy replaced the pinned page");
	pf_pinned_teardown(&pin);
	return res;
}

/*
 * A KSM merge that ignored the pin: the CPU's address now maps a KSM page.
 * (mremap() of a KSM page onto it would unmerge it first, so the address
 * gets fresh pages of the same bytes that ksmd then merges.)
 */
static enum pf_result ksm_merged_under_pin(struct pf_ctx *ctx)
{
	char *p = pf_mmap_anon(LEN, MAP_PRIVATE);
	struct pf_cover c = { p, LEN };
	struct pf_twins t = { 0 };
	struct pf_pinned pin;
	enum pf_result res;

	(void)ctx;
	if (!p)
		return pf_error("mmap failed");
	res = pin_then_copy(&pin, p);
	if (res == PF_PASS)
		res = pf_twins_make(&t, p, LEN);
	if (res == PF_PASS)
		res = pf_ksm_merge_twins(&t);
	if (res == PF_PASS)
		res = pf_ksm_expose(&c);
	if (res == PF_PASS && !pf_pages_ksm(&c))
		res = pf_skip("ksmd merged none of the replacement pages");
	if (res == PF_PASS)
		res = pf_expect(pf_pinned_coherent(&pin), PF_FAIL,
				"coherence after KSM pages replaced the pinned pages");
	pf_twins_unmap(&t);
	pf_pinned_teardown(&pin);
	return res;
}

/* Twins that differ in every page: nothing merges, the case must SKIP. */
static enum pf_result ksm_no_merge_skips(struct pf_ctx *ctx)
{
	char *src = pf_mmap_anon(LEN, MAP_PRIVATE);
	struct pf_twins t = { 0 };
	enum pf_result res;

	(void)ctx;
	if (!src)
		return pf_error("mmap failed");
	pf_pattern_fill(src, LEN, SEED);
	res = pf_twins_make(&t, src, LEN);
	for (size_t off = 0; res == PF_PASS && off < LEN; off += pf_page_size())
		t.b[off] ^= 1;
	if (res == PF_PASS)
		res = pf_expect(pf_ksm_merge_twins(&t), PF_SKIP,
				"KSM control without a merge");
	pf_twins_unmap(&t);
	munmap(src, LEN);
	return res;
}

static int drop_pages(void *addr, size_t len)
{
	return madvise(addr, len, MADV_DONTNEED) ? -errno : 0;
}

static enum pf_result madv_free_fixed_dropped(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = pf_region_map_anon(&r, LEN, MAP_PRIVATE);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	return pf_expect(pf_madv_free_fixed_run(&r, drop_pages), PF_FAIL,
			 "READ_FIXED into MADV_FREE'd pages dropped under the pin");
}

static enum pf_result madv_free_race_dropped(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = pf_region_map_anon(&r, LEN, MAP_PRIVATE);

	(void)ctx;
	if (res != PF_PASS)
		return res;
	return pf_expect(pf_madv_free_race_run(&r, 2.0, drop_pages), PF_FAIL,
			 "O_DIRECT read into MADV_FREE'd pages dropped in flight");
}

/* The read landed, then the buffer was remapped: the owner sees zeros. */
static enum pf_result read_kept_remapped(struct pf_ctx *ctx)
{
	char *p = pf_mmap_anon(LEN, MAP_PRIVATE);

	(void)ctx;
	if (!p)
		return pf_error("mmap failed");
	pf_pattern_fill(p, LEN, SEED);
	if (mmap(p + LEN / 2, LEN / 2, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p + LEN / 2)
		return pf_error("mmap MAP_FIXED: %s", strerror(errno));
	return pf_expect(pf_read_kept(p, LEN, SEED, "remapped read buffer"),
			 PF_FAIL, "zeros oracle on a remapped buffer");
}

static int compact_nothing(void)
{
	return 0;
}

static enum pf_result compact_no_move_skips(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_expect(pf_compact_with_control(compact_nothing), PF_SKIP,
			 "compaction control when nothing was compacted");
}

static int move_nothing(const struct pf_cover *c, int node)
{
	(void)c;
	(void)node;
	return 0;
}

/* The pages are gone by the second query: move_pages reports no node. */
static int drop_instead_of_move(const struct pf_cover *c, int node)
{
	(void)node;
	return madvise(c->start, c->len, MADV_DONTNEED) ? -errno : 0;
}

static enum pf_result numa_control_expect_skip(int (*move)(const struct pf_cover *, int),
					       const char *mover)
{
	char *p = pf_mmap_anon(LEN, MAP_PRIVATE);
	struct pf_cover c = { p, LEN };
	int node = 0, from;
	enum pf_result res;

	if (!p)
		return pf_error("mmap failed");
	pf_pattern_fill(p, LEN, SEED);
	/* to: a node the pages are not on, whether or not it exists */
	if (pf_numa_where(&(struct pf_cover){ p, pf_page_size() }, &node) || node < 0)
		node = 0;
	from = node;
	res = pf_expect(pf_numa_control(&c, from, node + 1, move, mover), PF_SKIP,
			"NUMA control");
	munmap(p, LEN);
	return res;
}

static enum pf_result numa_no_move_skips(struct pf_ctx *ctx)
{
	(void)ctx;
	return numa_control_expect_skip(move_nothing, "a move that does nothing");
}

static enum pf_result numa_query_fails_skips(struct pf_ctx *ctx)
{
	(void)ctx;
	return numa_control_expect_skip(drop_instead_of_move,
					"MADV_DONTNEED instead of a move");
}

#define KSM_NEEDS (PF_NEED_ROOT | PF_NEED_KSM | PF_NEED_KPAGEFLAGS)

static const struct pf_template templates[] = {
	{ .name = "migrated-copy-under-pin-reported", .summary = "the CPU's pages replaced by a copy while the fixed buffer keeps the old ones: coherence fails", .run = migrated_copy, .needs = PF_NEED_URING | PF_NEED_ODIRECT },
	{ .name = "ksm-merged-under-pin-reported", .summary = "the CPU's pages replaced by KSM pages of the same bytes while the fixed buffer keeps the old ones: coherence fails", .run = ksm_merged_under_pin, .needs = PF_NEED_URING | PF_NEED_ODIRECT | KSM_NEEDS, .timeout = 120 },
	{ .name = "ksm-no-merge-skips", .summary = "twins ksmd cannot merge: the KSM control SKIPs instead of letting a case pass", .run = ksm_no_merge_skips, .needs = KSM_NEEDS, .timeout = 120 },
	{ .name = "compact-no-move-skips", .summary = "a compaction that moves no page of the unpinned control: the compaction case SKIPs", .run = compact_no_move_skips, .needs = PF_NEED_ROOT },
	{ .name = "numa-no-move-skips", .summary = "a NUMA move that moves no page of the unpinned twin: the migrate/mbind cases SKIP", .run = numa_no_move_skips },
	{ .name = "numa-query-fails-skips", .summary = "move_pages(nodes=NULL) cannot tell the twin's nodes after the move: the migrate/mbind cases SKIP", .run = numa_query_fails_skips },
	{ .name = "madv-free-fixed-dropped-reported", .summary = "the MADV_FREE fixed-buffer scenario with pages dropped under the pin (MADV_DONTNEED): zeros reported", .run = madv_free_fixed_dropped, .needs = PF_NEED_URING | PF_NEED_ODIRECT },
	{ .name = "madv-free-race-dropped-reported", .summary = "the MADV_FREE O_DIRECT race with pages dropped in flight (MADV_DONTNEED): zeros reported", .run = madv_free_race_dropped, .needs = PF_NEED_URING | PF_NEED_ODIRECT },
	{ .name = "read-kept-remapped-reported", .summary = "zeros oracle fails on a read buffer half remapped after the read", .run = read_kept_remapped },
};

PF_MAIN(templates)
