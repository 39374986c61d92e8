// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the held-read scene (lib/scenario/held_case.c) on the FUSE
 * backend: the symptom of a lost read is built in userspace and must FAIL;
 * a hold that never comes must be an ERROR, never a pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "held_case.h"
#include "held_io_backend.h"
#include "model.h"

/*
 * While the read is held, fresh memory is mapped over the page: the kernel
 * fills the page it took, which the case no longer sees, as after a wrong
 * COW decision at fork.
 */
static int replace_page(struct pf_held_run *run, void *arg)
{
	void *p = mmap(run->page, 2 * run->half, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	(void)arg;
	return p == MAP_FAILED ? -errno : 0;
}

/* The same read through the page cache: O_DIRECT cleared on the fd. */
static long read_buffered(struct pf_held_run *run)
{
	int fd = pf_held_fd(run->h);
	int flags = fcntl(fd, F_GETFL);
	ssize_t n;

	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_DIRECT))
		return -errno;
	n = pread(fd, run->page, run->half, run->off);
	return n < 0 ? -errno : n;
}

static const struct pf_held_path path_buffered = {
	.name = "buffered",
	.summary = "a pread through the page cache",
	.read = read_buffered,
};

static int do_nothing(struct pf_held_run *run, void *arg)
{
	(void)run, (void)arg;
	return 0;
}

static enum pf_result on_own_page(struct pf_held_scene *sc,
				  enum pf_result want, const char *what)
{
	struct pf_region r = { 0 };
	enum pf_result res = pf_region_map_anon(&r, 4 * pf_page_size(),
						MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	sc->backend = &pf_held_fuse;
	res = pf_held_scene_run(&r, sc);
	pf_unmap_region(&r);
	return res == PF_SKIP ? PF_SKIP : pf_expect(res, want, what);
}

static enum pf_result lost_read(struct pf_ctx *ctx)
{
	struct pf_held_scene sc = {
		.path = ctx->arg,
		.event = replace_page,
		.event_name = "a MAP_FIXED remap of the page",
	};

	return on_own_page(&sc, PF_FAIL, "held-read oracle on a remapped page");
}

/* Armed half the file away from the read: the server never holds it. */
static enum pf_result hold_never_comes(struct pf_ctx *ctx)
{
	struct pf_held_scene sc = {
		.path = ctx->arg,
		.event = do_nothing,
		.event_name = "nothing",
		.arm_skew = 32u << 12,
		.hold_timeout = 0.3,
	};

	return on_own_page(&sc, PF_ERROR, "held-read scene without a hold");
}

/* A read that is not direct reaches the server as page-cache reads. */
static enum pf_result not_direct(struct pf_ctx *ctx)
{
	struct pf_held_scene sc = {
		.path = &path_buffered,
		.event = do_nothing,
		.event_name = "nothing",
	};

	(void)ctx;
	return on_own_page(&sc, PF_ERROR, "held-read scene on a buffered read");
}

/* A memory-event row that does not keep the page: maps fresh memory over it. */
static int replace_page_row(struct pf_event_run *run)
{
	void *p = mmap(run->at.start, run->at.len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

static int refuse_row(struct pf_event_run *run)
{
	(void)run;
	return -EPERM;
}

static const struct pf_event bad_rows[] = {
	{ .name = "replace-page", .summary = "MAP_FIXED over the target page",
	  .flags = PF_EV_MEMORY, .start = replace_page_row },
	{ .name = "refused", .summary = "an event whose call fails",
	  .flags = PF_EV_MEMORY, .start = refuse_row },
};

/* The memory-event scene of odirect_held, with a bad row. */
static enum pf_result mem_row(struct pf_ctx *ctx)
{
	const struct pf_event *ev = ctx->arg;
	enum pf_result want = ev == &bad_rows[0] ? PF_FAIL : PF_ERROR;
	struct pf_region r = { 0 };
	enum pf_result res = pf_region_map_anon(&r, 4 * pf_page_size(),
						MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	res = pf_held_event_scene(&r, &pf_held_fuse, &pf_held_path_pread, ev);
	pf_unmap_region(&r);
	return res == PF_SKIP ? PF_SKIP : pf_expect(res, want, ev->summary);
}

static const struct pf_template templates[] = {
	{
		.name = "held-event-replaces-page",
		.summary = "a memory event that maps over the page under a held read must FAIL",
		.run = mem_row,
		.arg = &bad_rows[0],
	},
	{
		.name = "held-event-refused",
		.summary = "a memory event whose call fails must be an ERROR, not a pass",
		.run = mem_row,
		.arg = &bad_rows[1],
	},
	{
		.name = "held-lost-read-pread",
		.summary = "a held pread whose page is remapped under it must FAIL",
		.run = lost_read,
		.arg = &pf_held_path_pread,
	},
	{
		.name = "held-lost-read-uring-fixed",
		.summary = "a held READ_FIXED whose page is remapped under it must FAIL",
		.run = lost_read,
		.arg = &pf_held_path_fixed,
		.needs = PF_NEED_URING,
	},
	{
		.name = "held-never-held",
		.summary = "a read the server never holds must be an ERROR, not a pass",
		.run = hold_never_comes,
		.arg = &pf_held_path_pread,
	},
	{
		.name = "held-not-direct",
		.summary = "a read through the page cache must be an ERROR (not direct), not a pass",
		.run = not_direct,
	},
};

PF_MAIN(templates)
