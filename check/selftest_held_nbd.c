// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the nbd held-I/O backend (lib/pin/held_nbd.c) on its own: reads
 * are answered with the file's contents, an armed read is held in flight
 * until released (and the reader really waits), an unarmed range is never
 * held, and closing with a read held neither hangs nor strands the reader.
 * SKIPs where the kernel has no nbd (this machine's 6.18); runs in the VM.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "held_io.h"
#include "model.h"
#include "pattern.h"
#include "pf_case.h"

extern const struct pf_held_backend pf_held_nbd;

#define FILE_LEN (1u << 20)
#define READ_LEN 2048u		/* half a page, as the O_DIRECT/fork cases read */

enum plan { ANSWERED, HELD, NOT_ARMED, CLOSE_RELEASES };

struct reader {
	pthread_t thread;
	int fd;
	size_t off;
	char *buf;
	ssize_t got;
	int err;
	int done;
};

static void *read_once(void *arg)
{
	struct reader *r = arg;

	r->got = pread(r->fd, r->buf, READ_LEN, (off_t)r->off);
	r->err = errno;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int reader_done(struct reader *r)
{
	return __atomic_load_n(&r->done, __ATOMIC_ACQUIRE);
}

static enum pf_result start_reader(struct reader *r, struct pf_held *h, size_t off)
{
	int err;

	r->fd = pf_held_fd(h);
	r->off = off;
	if (posix_memalign((void **)&r->buf, 4096, 4096))
		return pf_error("posix_memalign failed");
	memset(r->buf, 0, 4096);
	err = pthread_create(&r->thread, NULL, read_once, r);
	if (err) {
		free(r->buf);
		r->buf = NULL;
		return pf_error("pthread_create: %s", strerror(err));
	}
	return PF_PASS;
}

/* Joins the reader and checks what it brought against the file's bytes. */
static enum pf_result finish_reader(struct reader *r)
{
	enum pf_result res = PF_PASS;

	pthread_join(r->thread, NULL);
	if (r->got != READ_LEN)
		res = pf_fail("O_DIRECT read of %u bytes at %zu returned %zd (%s)",
			      READ_LEN, r->off, r->got, strerror(r->err));
	for (size_t i = 0; res == PF_PASS && i < READ_LEN; i++)
		if ((uint8_t)r->buf[i] != pf_pattern_byte(PF_HELD_SEED, r->off + i))
			res = pf_fail("byte %zu of the read at %zu is 0x%02x, the file has 0x%02x",
				      i, r->off, (uint8_t)r->buf[i],
				      pf_pattern_byte(PF_HELD_SEED, r->off + i));
	free(r->buf);
	return res;
}

static enum pf_result read_answered(struct pf_held *h)
{
	struct reader r = { .buf = NULL };
	enum pf_result res = start_reader(&r, h, 4096);
	long answered, held;

	if (res != PF_PASS)
		return res;
	res = finish_reader(&r);
	pf_held_stats(h, &answered, &held);
	if (res == PF_PASS && held)
		res = pf_fail("an unarmed read was held (%ld held)", held);
	return res;
}

/* The proof of a hold: the server has the request, the reader is still waiting. */
static enum pf_result read_held(struct pf_held *h)
{
	struct reader r = { .buf = NULL };
	enum pf_result res;
	long answered, held;

	pf_held_arm(h, 8192 + 1024);
	res = start_reader(&r, h, 8192);
	if (res != PF_PASS)
		return res;
	if (pf_held_wait(h, 10)) {
		pf_held_release(h);
		finish_reader(&r);
		return pf_error("the armed read never reached the server");
	}
	usleep(100000);
	if (reader_done(&r)) {
		finish_reader(&r);
		return pf_fail("the read completed while the server held it");
	}
	pf_held_release(h);
	res = finish_reader(&r);
	pf_held_stats(h, &answered, &held);
	if (res == PF_PASS && held != 1)
		res = pf_fail("%ld requests held, expected 1", held);
	return res;
}

static enum pf_result not_armed(struct pf_held *h)
{
	struct reader r = { .buf = NULL };
	enum pf_result res;

	pf_held_arm(h, FILE_LEN - 512);
	res = start_reader(&r, h, 0);
	if (res != PF_PASS)
		return res;
	res = finish_reader(&r);
	if (res == PF_PASS && pf_held_wait(h, 0.2) != -ETIMEDOUT)
		res = pf_fail("a read of another range was held");
	return res;
}

/* Returns with h closed, whatever the result. */
static enum pf_result close_releases(struct pf_held *h)
{
	struct reader r = { .buf = NULL };
	enum pf_result res;
	double start;

	pf_held_arm(h, 0);
	res = start_reader(&r, h, 0);
	if (res != PF_PASS) {
		pf_held_close(h);
		return res;
	}
	if (pf_held_wait(h, 10)) {
		pf_held_close(h);
		pthread_join(r.thread, NULL);
		free(r.buf);
		return pf_error("the armed read never reached the server");
	}
	start = pf_now();
	pf_held_close(h);
	pthread_join(r.thread, NULL);
	free(r.buf);
	pf_diag("close with a read held took %.3f s; the read returned %zd (%s)",
		pf_now() - start, r.got, r.got < 0 ? strerror(r.err) : "data");
	if (pf_now() - start > 20)
		return pf_fail("closing with a read held took %.1f s", pf_now() - start);
	return PF_PASS;
}

static enum pf_result run_plan(struct pf_ctx *ctx)
{
	enum plan p = *(const enum plan *)ctx->arg;
	char why[256] = "";
	struct pf_held *h;
	enum pf_result res;

	if (pf_held_nbd.open(&h, FILE_LEN, why, sizeof(why)))
		return pf_skip("%s", why);
	pf_diag("nbd device open, O_DIRECT alignment %zu", pf_held_align(h));
	switch (p) {
	case ANSWERED:
		res = read_answered(h);
		break;
	case HELD:
		res = read_held(h);
		break;
	case NOT_ARMED:
		res = not_armed(h);
		break;
	case CLOSE_RELEASES:
		return close_releases(h);
	default:
		res = pf_error("unknown plan");
	}
	pf_held_close(h);
	return res;
}

static const enum plan answered = ANSWERED, held = HELD, unarmed = NOT_ARMED,
			 close_held = CLOSE_RELEASES;

#define CASE(name_, plan_, summary_)                                           \
	{                                                                      \
		.name = name_,                                                 \
		.summary = summary_,                                           \
		.run = run_plan,                                               \
		.arg = &plan_,                                                 \
		.needs = PF_NEED_ROOT,                                         \
		.timeout = 60,                                                 \
	}

static const struct pf_template templates[] = {
	CASE("held-nbd-read-answered", answered,
	     "an unarmed O_DIRECT read of the nbd device brings the file's bytes at once"),
	CASE("held-nbd-read-held", held,
	     "an armed read stays in flight until released, then brings the file's bytes"),
	CASE("held-nbd-other-range-not-held", unarmed,
	     "a read of a range that does not contain the armed offset is not held"),
	CASE("held-nbd-close-releases", close_held,
	     "closing with a read held neither hangs nor strands the reader"),
};

PF_MAIN(templates)
