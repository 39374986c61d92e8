// SPDX-License-Identifier: GPL-2.0
#include "held_case.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oracle.h"
#include "pattern.h"

#define FILE_LEN (64u << 12)
#define READ_OFF (8u << 12)		/* file offset of the held read */
#define JOIN_SECONDS 10
#define SEED_PARENT 32

char *pf_held_page_of(struct pf_region *r)
{
	return r->base + (r->len / 2 & ~(pf_page_size() - 1));
}

static void *reader(void *arg)
{
	struct pf_held_run *run = arg;

	run->result = run->path->read(run);
	return NULL;
}

/*
 * Joins the reader. A read that does not come back in time is aborted by
 * closing the backend (the kernel ends what it waits for), then joined.
 */
static int join_reader(struct pf_held_run *run, pthread_t t)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += JOIN_SECONDS;
	if (!pthread_timedjoin_np(t, NULL, &until))
		return 0;
	pf_held_close(run->h);
	run->h = NULL;
	pthread_join(t, NULL);
	return -1;
}

static enum pf_result check_page(struct pf_held_run *run)
{
	char *want = malloc(run->half);
	struct pf_mismatch m;
	int bad;

	if (!want)
		return pf_error("out of memory");
	pf_held_contents(want, run->off, run->half);
	bad = pf_compare(run->page, want, run->half, &m);
	free(want);
	pf_diag("the page was checked %.3f s after the case began", pf_case_elapsed());
	if (bad) {
		pf_mismatch_diag("held O_DIRECT read into the first half", &m);
		return pf_fail("the read's data never arrived in the parent's page");
	}
	if (pf_pattern_check(run->page + run->half, run->half, SEED_PARENT, &m)) {
		pf_mismatch_diag("parent's write to the second half", &m);
		return pf_fail("the parent's write to the other half was lost");
	}
	return PF_PASS;
}

static enum pf_result verdict(struct pf_held_run *run)
{
	if (run->result < 0)
		return pf_error("the %s read failed: %s", run->path->name,
				strerror((int)-run->result));
	if ((size_t)run->result != run->half)
		return pf_fail("the %s read returned %ld of %zu bytes",
			       run->path->name, run->result, run->half);
	return check_page(run);
}

static void report(struct pf_held_run *run, const struct pf_held_scene *sc)
{
	long answered, held;
	size_t off, len;

	pf_held_stats(run->h, &answered, &held);
	pf_held_request(run->h, &off, &len);
	pf_diag("%s: %zu-byte read held at the %s server (request of %zu bytes at %zu) across %s; the server answered %ld requests, held %ld",
		run->path->name, run->half, sc->backend->name, len, off,
		sc->event_name ? sc->event_name : "the event", answered, held);
}

/* Held, proven direct, the event, the parent's write, the release. */
static enum pf_result while_held(struct pf_held_run *run,
				 const struct pf_held_scene *sc)
{
	size_t off, len;
	int err;

	pf_held_request(run->h, &off, &len);
	if (len != run->half || off != run->off)
		return pf_error("the server saw %zu bytes at %zu, not the %zu-byte direct read at %zu: the read was not direct",
				len, off, run->half, run->off);
	err = sc->event(run, sc->event_arg);
	if (err == -ENODATA)
		return pf_skip("%s could not be shown to act (see above)",
			       sc->event_name ? sc->event_name : "the event");
	if (err == -EOPNOTSUPP)
		return pf_skip("%s is refused here (see above)",
			       sc->event_name ? sc->event_name : "the event");
	if (err)
		return pf_error("%s while the read was held: %s",
				sc->event_name ? sc->event_name : "the event",
				strerror(-err));
	pf_pattern_fill(run->page + run->half, run->half, SEED_PARENT);
	return PF_PASS;
}

/* What the reader got instead, so the reason names the path that missed. */
static enum pf_result never_held(struct pf_held_run *run,
				 const struct pf_held_scene *sc, double timeout)
{
	long answered, held;

	pf_held_stats(run->h, &answered, &held);
	pf_diag("the %s read returned %ld (%s); the %s server answered %ld requests",
		run->path->name, run->result,
		run->result < 0 ? strerror((int)-run->result) : "bytes",
		sc->backend->name, answered);
	return pf_error("the read never was held at the %s server (waited %.1f s): not in flight, nothing tested",
			sc->backend->name, timeout);
}

static enum pf_result held_sequence(struct pf_held_run *run,
				    const struct pf_held_scene *sc)
{
	double timeout = sc->hold_timeout > 0 ? sc->hold_timeout : 10.0;
	enum pf_result res = PF_PASS;
	int timed_out = 0;
	pthread_t t;

	pf_held_arm(run->h, run->off + sc->arm_skew);
	if (pthread_create(&t, NULL, reader, run))
		return pf_error("pthread_create failed");
	if (pf_held_wait(run->h, timeout))
		timed_out = 1;
	else
		res = while_held(run, sc);
	if (run->h)
		pf_held_release(run->h);
	if (join_reader(run, t))
		return pf_error("the %s read did not come back in %d s after its release",
				run->path->name, JOIN_SECONDS);
	if (timed_out)
		return never_held(run, sc, timeout);
	if (res != PF_PASS)
		return res;
	report(run, sc);
	return verdict(run);
}

static enum pf_result scene_on(struct pf_held_run *run,
			       const struct pf_held_scene *sc)
{
	size_t align = pf_held_align(run->h);
	enum pf_result res;

	if ((uintptr_t)run->page % align || run->half % align)
		return pf_skip("the %s backend needs %zu-byte aligned reads",
			       sc->backend->name, align);
	/* each half on its own, as the child checks its half */
	pf_pattern_fill(run->page, run->half, PF_HELD_PAGE_SEED);
	pf_pattern_fill(run->page + run->half, run->half, PF_HELD_PAGE_SEED);
	res = run->path->prepare ? run->path->prepare(run) : PF_PASS;
	if (res == PF_PASS)
		res = held_sequence(run, sc);
	pf_uring_exit(&run->u);
	return res;
}

enum pf_result pf_held_scene_run(struct pf_region *r,
				 const struct pf_held_scene *sc)
{
	struct pf_held_run run;
	enum pf_result res;
	char why[256];

	memset(&run, 0, sizeof(run));
	run.path = sc->path;
	run.page = pf_held_page_of(r);
	run.half = pf_page_size() / 2;
	run.off = READ_OFF;
	if (run.page + 2 * run.half > r->base + r->len)
		return pf_skip("the region has no whole page");
	if (sc->backend->open(&run.h, FILE_LEN, why, sizeof(why)))
		return pf_skip("%s: %s", sc->backend->name, why);
	res = scene_on(&run, sc);
	pf_held_close(run.h);
	return res;
}

struct held_event {
	const struct pf_event *ev;
	struct pf_region *r;
	struct pf_event_run run;
	struct pf_child_view view;
	int started;
};

/*
 * The row acts while the read is held: on the region around the page, or
 * as a fork whose child keeps the page's second half.
 */
static int start_event(struct pf_held_run *run, void *arg)
{
	struct held_event *h = arg;
	struct pf_target at = { h->r, run->page, 2 * run->half };

	h->view = (struct pf_child_view){ run->page + run->half, run->half,
					  PF_HELD_PAGE_SEED };
	h->started = 1;
	return pf_event_start(&h->run, h->ev, at, pf_child_keeps, &h->view);
}

enum pf_result pf_held_event_scene(struct pf_region *r,
				   const struct pf_held_backend *b,
				   const struct pf_held_path *p,
				   const struct pf_event *ev)
{
	struct held_event h = { .ev = ev, .r = r };
	struct pf_held_scene sc = {
		.backend = b,
		.path = p,
		.event = start_event,
		.event_arg = &h,
		.event_name = ev->name,
	};
	enum pf_result res = pf_held_scene_run(r, &sc);

	if (!h.started)
		return res;
	/* the event's own verdict: did it fork, did the child keep its copy */
	return pf_worst(res, pf_event_end(&h.run));
}
