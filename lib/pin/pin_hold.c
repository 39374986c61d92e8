// SPDX-License-Identifier: GPL-2.0
#include "pin_hold.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "oracle.h"

#define MIN_FILE_LEN (64u << 10)
#define HOLD_SECONDS 10.0	/* until the server holds the read: a loaded TCG guest */
#define JOIN_SECONDS 10		/* until the reader is back after the release */

struct pf_pin_hold_hooks pf_pin_hold_test_hooks;

static size_t file_len(size_t len)
{
	size_t page = 4096;

	len = (len + page - 1) / page * page;
	return len < MIN_FILE_LEN ? MIN_FILE_LEN : len;
}

static void *reader(void *arg)
{
	struct pf_held_run *run = arg;

	run->result = run->path->read(run);
	return NULL;
}

/*
 * Waits for the reader. One that does not come back in time is cut off by
 * closing the server (the kernel ends the request it waits for).
 */
static int join_reader(struct pf_pin_hold *ho)
{
	struct timespec until;
	int late = 0;

	if (!ho->reading)
		return 0;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += JOIN_SECONDS;
	if (pthread_timedjoin_np(ho->reader, NULL, &until)) {
		late = -1;
		pf_held_close(ho->run.h);
		ho->run.h = NULL;
		pthread_join(ho->reader, NULL);
	}
	ho->reading = 0;
	return late;
}

void pf_pin_hold_drop(struct pf_pin_hold *ho)
{
	if (ho->run.h)
		pf_held_release(ho->run.h);
	join_reader(ho);
	pf_held_close(ho->run.h);
	ho->run.h = NULL;
}

static enum pf_result never_held(struct pf_pin_hold *ho, double waited)
{
	long answered, held;

	pf_held_stats(ho->run.h, &answered, &held);
	pf_pin_hold_drop(ho);
	pf_diag("the %s read returned %ld (%s); the %s server answered %ld requests",
		ho->run.path->name, ho->run.result,
		ho->run.result < 0 ? strerror((int)-ho->run.result) : "bytes",
		ho->backend->name, answered);
	return pf_error("the %s read never was held at the %s server (waited %.1f s): not in flight",
			ho->run.path->name, ho->backend->name, waited);
}

/* The server holds exactly the read that was asked: it went direct. */
static enum pf_result held_as_asked(struct pf_pin_hold *ho)
{
	size_t off, len;

	pf_held_request(ho->run.h, &off, &len);
	if (off == ho->run.off && len == ho->run.half)
		return PF_PASS;
	pf_pin_hold_drop(ho);
	return pf_error("the server holds %zu bytes at %zu, not the %zu-byte direct read at %zu: the read was not direct",
			len, off, ho->run.half, ho->run.off);
}

static enum pf_result hold(struct pf_pin_hold *ho)
{
	double timeout = pf_pin_hold_test_hooks.hold_timeout > 0 ?
			 pf_pin_hold_test_hooks.hold_timeout : HOLD_SECONDS;

	pf_held_serve(ho->run.h, ho->seed);
	pf_held_arm(ho->run.h, ho->run.off + pf_pin_hold_test_hooks.arm_skew);
	if (pthread_create(&ho->reader, NULL, reader, &ho->run)) {
		pf_pin_hold_drop(ho);
		return pf_error("pthread_create failed");
	}
	ho->reading = 1;
	if (pf_held_wait(ho->run.h, timeout))
		return never_held(ho, timeout);
	return held_as_asked(ho);
}

enum pf_result pf_pin_hold_start(struct pf_pin_hold *ho, struct pf_pin_state *st,
				 const struct pf_held_path *path,
				 struct pf_uring *ring, uint32_t seed)
{
	size_t len = st->r->len, align;
	char why[512];

	if (ho->run.h)
		return pf_error("pin %s: a transfer is in flight already", pf_pin_name(st));
	memset(ho, 0, sizeof(*ho));
	if (pf_held_open_first(&ho->run.h, &ho->backend, file_len(len), why,
			       sizeof(why)))
		return pf_skip("no held-I/O backend here: %s", why);
	ho->run = (struct pf_held_run){ .h = ho->run.h, .path = path,
					.page = st->io, .half = len, .ring = ring };
	ho->seed = seed;
	align = pf_held_align(ho->run.h);
	if ((uintptr_t)st->io % align || len % align) {
		pf_pin_hold_drop(ho);
		return pf_skip("the %s backend needs %zu-byte aligned reads",
			       ho->backend->name, align);
	}
	return hold(ho);
}

static void report(const struct pf_pin_hold *ho, const char *how)
{
	long answered, held;
	size_t off, len;

	pf_held_stats(ho->run.h, &answered, &held);
	pf_held_request(ho->run.h, &off, &len);
	pf_diag("%s: %zu-byte read held at the %s server (request of %zu bytes at %zu), then released; the server answered %ld requests, held %ld",
		how, ho->run.half, ho->backend->name, len, off, answered, held);
}

static enum pf_result landed(const struct pf_pin_hold *ho,
			     const struct pf_pin_state *st, const char *how)
{
	char what[160];

	if (ho->run.result < 0)
		return pf_error("the held %s read failed: %s", how,
				strerror((int)-ho->run.result));
	if ((size_t)ho->run.result != ho->run.half)
		return pf_fail("the held %s read returned %ld of %zu bytes", how,
			       ho->run.result, ho->run.half);
	snprintf(what, sizeof(what),
		 "the held %s read's data did not reach the CPU's mapping", how);
	return pf_view_holds(st->r->base, st->r->len, ho->seed, what);
}

enum pf_result pf_pin_hold_finish(struct pf_pin_hold *ho, struct pf_pin_state *st,
				  const char *how)
{
	enum pf_result res;

	if (!ho->run.h)
		return pf_error("pin %s: no transfer in flight to finish", pf_pin_name(st));
	pf_held_release(ho->run.h);
	if (join_reader(ho))
		return pf_error("the held %s read did not come back in %d s after its release",
				how, JOIN_SECONDS);
	report(ho, how);
	res = landed(ho, st, how);
	pf_pin_hold_drop(ho);
	return res;
}
