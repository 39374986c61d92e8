// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the O_DIRECT proof in pf_scratch_open()
 * (lib/pin/odirect.c): a scratch file whose "direct" fd really goes through
 * the page cache must be refused, whatever filesystem it is on.
 * - The fd the code takes for O_DIRECT is opened without O_DIRECT.
 * - tmpfs, with the filesystem-type filter off: its O_DIRECT (v6.6+) is a
 *   buffered copy, so the probe must refuse it and take the next directory.
 */
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "model.h"
#include "odirect.h"
#include "pf_case.h"

#define LEN (64u << 10)
#define TIMED_OPENS 9
#define SHM_DIR "/dev/shm"

static enum pf_result scratch_opens(struct pf_scratch *s)
{
	char why[256];

	if (pf_scratch_open(s, LEN, why, sizeof(why)))
		return pf_skip("%s", why);
	pf_diag("scratch file accepted in %s", s->path);
	return PF_PASS;
}

static enum pf_result buffered_fd_refused(struct pf_ctx *ctx)
{
	struct pf_scratch s;
	enum pf_result res;

	(void)ctx;
	pf_scratch_test_hooks.buffered = 1;
	res = scratch_opens(&s);
	pf_scratch_close(&s);
	return pf_expect(res, PF_SKIP, "scratch file whose O_DIRECT fd is buffered");
}

static enum pf_result tmpfs_refused(struct pf_ctx *ctx)
{
	struct pf_scratch s;
	struct statfs sfs;
	enum pf_result res;

	(void)ctx;
	if (statfs(SHM_DIR, &sfs) || sfs.f_type != TMPFS_MAGIC)
		return pf_skip(SHM_DIR " is not tmpfs");
	pf_scratch_test_hooks.any_fs = 1;
	setenv("PINFORK_SCRATCH", SHM_DIR, 1);
	res = scratch_opens(&s);
	if (res == PF_PASS && !strncmp(s.path, SHM_DIR "/", strlen(SHM_DIR "/")))
		res = pf_fail("the O_DIRECT probe accepted a tmpfs scratch file");
	pf_scratch_close(&s);
	return res == PF_SKIP ? PF_PASS : res;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The real thing is accepted, and the proof stays cheap (diagnostic). */
static enum pf_result direct_accepted(struct pf_ctx *ctx)
{
	double took[TIMED_OPENS];
	struct pf_scratch s;

	(void)ctx;
	for (int i = 0; i < TIMED_OPENS; i++) {
		double start = pf_now();
		enum pf_result res = scratch_opens(&s);

		took[i] = pf_now() - start;
		pf_scratch_close(&s);
		if (res != PF_PASS)
			return res;
	}
	qsort(took, TIMED_OPENS, sizeof(took[0]), by_value);
	pf_diag("pf_scratch_open: median %.3f ms, max %.3f ms over %d opens",
		took[TIMED_OPENS / 2] * 1e3, took[TIMED_OPENS - 1] * 1e3,
		TIMED_OPENS);
	return PF_PASS;
}

static const struct pf_template templates[] = {
	{ .name = "scratch-buffered-fd-refused", .summary = "a scratch file whose O_DIRECT fd was opened without O_DIRECT fails the page-cache probe", .run = buffered_fd_refused },
	{ .name = "scratch-tmpfs-refused-by-probe", .summary = "with the filesystem-type filter off, the page-cache probe still refuses a tmpfs scratch file", .run = tmpfs_refused },
	{ .name = "scratch-direct-accepted", .summary = "a scratch file on a filesystem doing direct I/O passes the probe (and its cost is shown)", .run = direct_accepted },
};

PF_MAIN(templates)
