// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the memory rows (lib/event/event_*.c) and of
 * tests/pin_mm's scenes (lib/scenario/pin_mm.c).
 *
 * A row that did not act must SKIP, never pass: this program defines
 * madvise, mprotect, mlock, munlock, mremap, munmap and open itself, so the
 * rows linked into it call these, which (while a row runs "as a no-op")
 * return success and do nothing; open() of /proc/sys/vm/compact_memory
 * opens /dev/null. Each row's proof must then say it could not be shown to
 * act (-ENODATA). The controls run every row for real: it acts.
 *
 * pin_mm's oracles on symptoms built here: a row that maps fresh memory
 * over the pinned target (MAP_FIXED) decouples a long-term pin:
 * parent-writes and movers FAIL; a row that scribbles on the target FAILs
 * the "event kept the target" check; a row that turns the target into
 * shared memory lets the forked child see the parent's write:
 * history-then-fork FAILs; child-wrote on MAP_SHARED memory FAILs.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "event.h"
#include "model.h"
#include "pattern.h"
#include "pin_mm.h"

#define REGION_PAGES 16

static int as_noop;	/* the calls below succeed without acting */
static int mergeable_calls;

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

/*
 * As a no-op, the first MADV_MERGEABLE still acts: with no mergeable page
 * ksmd does not scan at all and the KSM row would wait its whole 40 s;
 * with one twin mergeable it scans, and stops waiting after six scans.
 */
int madvise(void *addr, size_t len, int advice)
{
	if (as_noop && advice == MADV_MERGEABLE && !mergeable_calls++)
		return REAL(madvise)(addr, len, advice);
	return as_noop ? 0 : REAL(madvise)(addr, len, advice);
}

int mprotect(void *addr, size_t len, int prot)
{
	return as_noop ? 0 : REAL(mprotect)(addr, len, prot);
}

int mlock(const void *addr, size_t len)
{
	return as_noop ? 0 : REAL(mlock)(addr, len);
}

int munlock(const void *addr, size_t len)
{
	return as_noop ? 0 : REAL(munlock)(addr, len);
}

int munmap(void *addr, size_t len)
{
	return as_noop ? 0 : REAL(munmap)(addr, len);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *to = NULL;
	va_list ap;

	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		to = va_arg(ap, void *);
		va_end(ap);
	}
	if (as_noop)
		return to ? to : old;
	return REAL(mremap)(old, old_len, new_len, flags, to);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (as_noop && !strcmp(path, "/proc/sys/vm/compact_memory"))
		path = "/dev/null";
	return REAL(open)(path, flags, mode);
}

/* A private (or shared) anonymous region of small pages, filled. */
static enum pf_result region(struct pf_region *r, int flags)
{
	enum pf_result res = pf_region_map_anon(r, REGION_PAGES * pf_page_size(),
						flags);

	if (res == PF_PASS)
		pf_pattern_fill(r->base, r->len, 7);
	return res;
}

/* The row on a fresh region, its calls made no-ops or not: start's result. */
static int row_on_region(const struct pf_event *ev, int noop)
{
	struct pf_event_run run;
	struct pf_region r;
	int err;

	if (region(&r, MAP_PRIVATE) != PF_PASS)
		return -ENOMEM;
	as_noop = noop;
	mergeable_calls = 0;
	err = pf_event_start(&run, ev, pf_target_middle_page(&r), NULL, NULL);
	as_noop = 0;
	pf_event_finish(&run);
	pf_unmap_region(&r);
	return err;
}

static enum pf_result noop_row_skips(struct pf_ctx *ctx)
{
	int err;

	if (ctx->event == &pf_event_child_wrote)
		return pf_skip("child-wrote makes no call to void: its symptom is child-wrote-on-shared-is-fail");
	err = row_on_region(ctx->event, 1);
	if (err == -ENODATA)
		return pf_expect(pf_event_failed(ctx->event, err), PF_SKIP,
				 "a row whose call did nothing");
	return pf_fail("%s with its call made a no-op: start returned %d (%s), not -ENODATA",
		       ctx->event->name, err, err ? strerror(-err) : "acted");
}

static enum pf_result row_acts(struct pf_ctx *ctx)
{
	int err = row_on_region(ctx->event, 0);

	return err ? pf_event_failed(ctx->event, err) : PF_PASS;
}

/* ---- symptoms for pin_mm's scenes ---- */

/* Fresh memory (flags: private or shared) over the target, holding what it held. */
static int remap_target(struct pf_event_run *run, int flags)
{
	char keep[64 << 10];
	void *p;

	if (run->at.len > sizeof(keep))
		return -EINVAL;
	memcpy(keep, run->at.start, run->at.len);
	p = mmap(run->at.start, run->at.len, PROT_READ | PROT_WRITE,
		 flags | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	memcpy(run->at.start, keep, run->at.len);
	return 0;
}

/* Private: the pin is decoupled from what the CPU now maps. */
static int replace_target(struct pf_event_run *run)
{
	return remap_target(run, MAP_PRIVATE);
}

/* Shared: a forked child then shares the target. */
static int share_target(struct pf_event_run *run)
{
	return remap_target(run, MAP_SHARED);
}

static int scribble_target(struct pf_event_run *run)
{
	run->at.start[run->at.len / 2] ^= 0x55;
	return 0;
}

static const struct pf_event replace_row = {
	.name = "replace-target", .summary = "MAP_FIXED over the target, data copied",
	.flags = PF_EV_MEMORY, .start = replace_target,
};
static const struct pf_event share_row = {
	.name = "share-target", .summary = "MAP_SHARED|MAP_FIXED over the target, data copied",
	.flags = PF_EV_MEMORY, .start = share_target,
};
static const struct pf_event scribble_row = {
	.name = "scribble-target", .summary = "one byte of the target changed",
	.flags = PF_EV_MEMORY, .start = scribble_target,
};

struct symptom {
	enum pf_mm_scene scene;
	const struct pf_event *row;
};

static enum pf_result scene_symptom(struct pf_ctx *ctx)
{
	const struct symptom *s = ctx->arg;
	struct pf_region r;
	enum pf_result res = region(&r, MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	res = pf_mm_run(s->scene, &r, ctx->pin, s->row);
	pf_unmap_region(&r);
	if (res == PF_SKIP)
		return res;
	return pf_expect(res, PF_FAIL, s->row->summary);
}

/* Control: the same scene with a row that acts honestly passes. */
static enum pf_result scene_healthy(struct pf_ctx *ctx)
{
	const struct symptom *s = ctx->arg;
	struct pf_region r;
	enum pf_result res = region(&r, MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	res = pf_mm_run(s->scene, &r, ctx->pin, s->row);
	pf_unmap_region(&r);
	return res;
}

/* child-wrote on shared memory: the child's write reaches the parent. */
static enum pf_result child_wrote_on_shared(struct pf_ctx *ctx)
{
	struct pf_event_run run;
	struct pf_region r;
	enum pf_result res = region(&r, MAP_SHARED);
	int err;

	(void)ctx;
	if (res != PF_PASS)
		return res;
	err = pf_event_start(&run, &pf_event_child_wrote, pf_target_whole(&r),
			     NULL, NULL);
	res = err ? pf_event_failed(&pf_event_child_wrote, err) : pf_event_end(&run);
	pf_unmap_region(&r);
	return pf_expect(res, PF_FAIL, "child-wrote on MAP_SHARED memory");
}

static const struct symptom decoupled_parent = { PF_MM_PARENT_WRITES, &replace_row };
static const struct symptom decoupled_movers = { PF_MM_MOVERS, &replace_row };
static const struct symptom scribbled = { PF_MM_PARENT_WRITES, &scribble_row };
static const struct symptom shared_history = { PF_MM_HISTORY_THEN_FORK, &share_row };
static const struct symptom healthy_history = { PF_MM_HISTORY_THEN_FORK,
						 &pf_event_mprotect_all };

#define PINS(needs_) .use_pin = 1, .pin_needs = needs_, .pin_excludes = PF_PIN_REFS

static const struct pf_template templates[] = {
	{
		.name = "acts",
		.summary = "control: the memory row acts on a private region of small pages and proves it",
		.run = row_acts,
		.use_event = 1, .event_needs = PF_EV_MEMORY, .timeout = 60,
	},
	{
		.name = "noop-is-skip",
		.summary = "the row's call returns 0 and does nothing: its proof says it could not be shown to act (SKIP)",
		.run = noop_row_skips,
		.use_event = 1, .event_needs = PF_EV_MEMORY, .timeout = 60,
	},
	{
		.name = "decoupled-parent-writes-is-fail",
		.summary = "pin_mm parent-writes with the long-term pinned target replaced by MAP_FIXED: FAIL",
		.run = scene_symptom, .arg = &decoupled_parent,
		PINS(PF_PIN_LONGTERM), .timeout = 60,
	},
	{
		.name = "decoupled-movers-is-fail",
		.summary = "pin_mm movers with the long-term pinned target replaced by MAP_FIXED: FAIL",
		.run = scene_symptom, .arg = &decoupled_movers,
		PINS(PF_PIN_LONGTERM), .timeout = 60,
	},
	{
		.name = "scribbled-target-is-fail",
		.summary = "pin_mm parent-writes with an event that changes the target's data: FAIL",
		.run = scene_symptom, .arg = &scribbled,
		PINS(0), .timeout = 60,
	},
	{
		.name = "shared-history-is-fail",
		.summary = "pin_mm history-then-fork over a target made MAP_SHARED: the child sees the parent's write, FAIL",
		.run = scene_symptom, .arg = &shared_history,
		PINS(0), .timeout = 60,
	},
	{
		.name = "healthy-history",
		.summary = "control: pin_mm history-then-fork after mprotect-all passes",
		.run = scene_healthy, .arg = &healthy_history,
		PINS(0), .timeout = 60,
	},
	{
		.name = "child-wrote-on-shared-is-fail",
		.summary = "child-wrote on MAP_SHARED memory: the parent's region changes, FAIL",
		.run = child_wrote_on_shared,
	},
};

PF_MAIN(templates)
