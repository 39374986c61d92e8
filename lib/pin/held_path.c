// SPDX-License-Identifier: GPL-2.0
/* How a held read is issued: the rows of pf_held_paths[]. */
#include "held_path.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static struct pf_uring *ring_of(struct pf_held_run *run)
{
	return run->ring ? run->ring : &run->u;
}

static long read_pread(struct pf_held_run *run)
{
	ssize_t n = pread(pf_held_fd(run->h), run->page, run->half, run->off);

	return n < 0 ? -errno : n;
}

static enum pf_result ring_up(struct pf_held_run *run)
{
	int err = pf_uring_init(&run->u);

	return err ? pf_skip("io_uring_queue_init: %s", strerror(-err)) : PF_PASS;
}

/*
 * The read is held for as long as the case's event takes (compacting all
 * memory in a TCG guest: 10 s and more); the case's own timeout bounds it.
 */
#define HELD_WAIT_SECONDS 600.0

/* io_uring READ of a plain user buffer: the kernel takes the pages per I/O. */
static long read_uring(struct pf_held_run *run)
{
	ring_of(run)->wait_seconds = HELD_WAIT_SECONDS;
	return pf_uring_read(ring_of(run), pf_held_fd(run->h), run->page, run->half,
			     run->off);
}

/* The page as fixed buffer 0: a long-term pin taken before the read. */
static enum pf_result ring_up_fixed(struct pf_held_run *run)
{
	enum pf_result res = ring_up(run);
	int err;

	if (res != PF_PASS)
		return res;
	err = pf_uring_register(&run->u, run->page, 2 * run->half);
	if (err == -ENOMEM || err == -EPERM)
		return pf_skip("cannot register a fixed buffer: %s (RLIMIT_MEMLOCK?)",
			       strerror(-err));
	return err ? pf_error("io_uring_register_buffers: %s", strerror(-err))
		   : PF_PASS;
}

static long read_fixed(struct pf_held_run *run)
{
	ring_of(run)->wait_seconds = HELD_WAIT_SECONDS;
	return pf_uring_read_fixed(ring_of(run), pf_held_fd(run->h), run->page,
				   run->half, run->off);
}

const struct pf_held_path pf_held_path_pread = {
	.name = "pread",
	.summary = "a synchronous O_DIRECT pread() from a thread",
	.read = read_pread,
};

const struct pf_held_path pf_held_path_uring = {
	.name = "uring",
	.summary = "an io_uring READ (plain buffer) of the O_DIRECT file",
	.needs = PF_NEED_URING,
	.prepare = ring_up,
	.read = read_uring,
};

const struct pf_held_path pf_held_path_fixed = {
	.name = "uring-fixed",
	.summary = "an io_uring READ_FIXED into a registered (long-term pinned) buffer",
	.needs = PF_NEED_URING,
	.prepare = ring_up_fixed,
	.read = read_fixed,
};

const struct pf_held_path *const pf_held_paths[] = {
	&pf_held_path_pread, &pf_held_path_uring, &pf_held_path_fixed,
};
const size_t pf_held_paths_count =
	sizeof(pf_held_paths) / sizeof(pf_held_paths[0]);
