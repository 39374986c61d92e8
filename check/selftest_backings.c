// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the backing rows' proofs (lib/backing/) and of the
 * oracles of tests/pin_unwritten.c: each proof is shown a region that is
 * not what its row claims and must refuse it (SKIP with what it found);
 * each oracle is shown its failure symptom, built in userspace, and must
 * FAIL. And the held undo of the knob journal (harness/knob.c), which the
 * temporary swap file relies on: another process's restore must leave it,
 * the holder's own restore must undo it. A case here passes when the
 * symptom was reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backing.h"
#include "knob.h"
#include "model.h"
#include "pagemap.h"
#include "zero_oracle.h"

#define LEN (256u << 10)

/* Written anonymous small pages: what none of the special rows is. */
static enum pf_result small_pages(struct pf_region *r)
{
	enum pf_result res = pf_region_map_anon(r, LEN, MAP_PRIVATE);

	if (res != PF_PASS)
		return res;
	madvise(r->base, LEN, MADV_NOHUGEPAGE);
	memset(r->base, 0x5a, LEN);
	return PF_PASS;
}

static enum pf_result on_small_pages(enum pf_result (*proof)(struct pf_region *),
				     const char *what)
{
	struct pf_region r;
	enum pf_result res = small_pages(&r);

	if (res == PF_PASS)
		res = pf_expect(proof(&r), PF_SKIP, what);
	pf_unmap_region(&r);
	return res;
}

static enum pf_result mthp_proof(struct pf_region *r)
{
	return pf_mthp_verify(r, 64u << 10);
}

static enum pf_result swapped_proof(struct pf_region *r)
{
	return pf_swapped_verify(r->base, r->len);
}

static enum pf_result large_folio_proof(struct pf_region *r)
{
	return pf_in_large_folio_verify(r->base, pf_page_size());
}

static enum pf_result untouched_proof(struct pf_region *r)
{
	return pf_untouched_verify(r->base, r->len);
}

static enum pf_result zero_proof(struct pf_region *r)
{
	return pf_zero_verify(r->base, r->len, 0);
}

static enum pf_result file_proof(struct pf_region *r)
{
	return pf_file_pages_verify(r->base, r->len);
}

static enum pf_result mthp_small(struct pf_ctx *ctx)
{
	(void)ctx;
	return on_small_pages(mthp_proof, "mTHP proof on small pages");
}

static enum pf_result swapped_resident(struct pf_ctx *ctx)
{
	(void)ctx;
	return on_small_pages(swapped_proof, "swapped proof on resident pages");
}

static enum pf_result large_folio_small(struct pf_ctx *ctx)
{
	(void)ctx;
	return on_small_pages(large_folio_proof, "one-pte/mremap proof on a small page");
}

static enum pf_result untouched_written(struct pf_ctx *ctx)
{
	(void)ctx;
	return on_small_pages(untouched_proof, "untouched proof on written pages");
}

static enum pf_result zero_written(struct pf_ctx *ctx)
{
	(void)ctx;
	return on_small_pages(zero_proof, "zero-page proof on written pages");
}

static enum pf_result file_anon(struct pf_ctx *ctx)
{
	(void)ctx;
	return on_small_pages(file_proof, "file-page proof on anonymous pages");
}

/* The huge zero page proof on a region of small zero pages. */
static enum pf_result huge_zero_small(struct pf_ctx *ctx)
{
	size_t thp = pf_thp_size();
	char *p = pf_map_aligned_prot(thp, thp, PROT_READ);
	enum pf_result res;

	(void)ctx;
	if (!p)
		return pf_error("mmap: %s", strerror(errno));
	madvise(p, thp, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < thp; off += pf_page_size())
		(void)*(volatile char *)(p + off);
	res = pf_zero_verify(p, pf_page_size(), 0);
	if (res == PF_PASS)	/* the control: small zero pages are there */
		res = pf_expect(pf_zero_verify(p, thp, 1), PF_SKIP,
				"huge zero page proof on small zero pages");
	munmap(p, thp);
	return res;
}

/* A child shares every page, or none: the half-shared proof refuses both. */
static enum pf_result shared_wrong(struct pf_ctx *ctx)
{
	struct pf_region r;
	enum pf_result res = small_pages(&r);
	pid_t pid;

	(void)ctx;
	if (res != PF_PASS)
		return res;
	pid = fork();
	if (pid < 0)
		return pf_error("fork: %s", strerror(errno));
	if (!pid) {
		pause();
		_exit(0);
	}
	res = pf_expect(pf_shared_from_verify(r.base, LEN, LEN / 2, pid), PF_SKIP,
			"half-shared proof when the child shares every page");
	memset(r.base, 0xa5, LEN);
	if (res == PF_PASS)
		res = pf_expect(pf_shared_from_verify(r.base, LEN, LEN / 2, pid),
				PF_SKIP, "half-shared proof when the child shares no page");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pf_unmap_region(&r);
	return res;
}

/* What a fresh zero mapping would read had a pin written the zero page. */
static enum pf_result zero_oracle_written(struct pf_ctx *ctx)
{
	char *p = pf_mmap_anon(pf_page_size(), MAP_PRIVATE);
	enum pf_result res;

	(void)ctx;
	if (!p)
		return pf_error("mmap: %s", strerror(errno));
	p[123] = 0x42;
	res = pf_expect(pf_reads_zeros(p, pf_page_size(), "a written \"zero\" page", NULL),
			PF_FAIL, "zero oracle on a written page");
	munmap(p, pf_page_size());
	return res;
}

/* Changes a byte of the file under r, through /proc/self/map_files. */
static int change_file(const struct pf_region *r)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)(uintptr_t)r->map,
		 (unsigned long)(uintptr_t)(r->map + r->map_len));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pwrite(fd, "!", 1, 77) != 1)
		err = -errno;
	close(fd);
	return err;
}

static enum pf_result file_changed(const struct pf_backing *b)
{
	struct pf_region r = { .backing = b };
	enum pf_result res = b->setup(&r, 0);
	int err;

	if (res == PF_PASS)
		res = pf_file_backing_intact(&r);	/* the control */
	if (res == PF_PASS) {
		err = change_file(&r);
		res = err ? pf_error("changing the file: %s", strerror(-err)) :
			    pf_expect(pf_file_backing_intact(&r), PF_FAIL,
				      "file oracle after the file changed");
	}
	b->teardown(&r);
	return res;
}

static enum pf_result memfd_changed(struct pf_ctx *ctx)
{
	(void)ctx;
	return file_changed(&pf_backing_memfd_unwritten);
}

static enum pf_result file_file_changed(struct pf_ctx *ctx)
{
	(void)ctx;
	return file_changed(&pf_backing_file_unwritten);
}

/* 1 when path exists. */
static int exists(const char *path)
{
	return !access(path, F_OK);
}

/* Runs restore in a child process: its exit code, or -1. */
static int restore_elsewhere(int (*restore)(void))
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(restore());
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* A child journals a held undo and exits: the holder is gone. */
static int held_by_dead_child(const char *cmd)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(knob_undo_cmd_held(cmd) ? 1 : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static enum pf_result held_undo_steps(const char *cmd, const char *mark)
{
	if (knob_undo_cmd_held(cmd))
		return pf_error("journaling the held undo failed");
	if (restore_elsewhere(knob_restore_all) || restore_elsewhere(knob_restore_final) ||
	    exists(mark))
		return pf_fail("another process's restore undid a held change");
	if (knob_restore_all() || exists(mark))
		return pf_fail("the holder's restore after a case undid its held change");
	if (knob_restore_final() || !exists(mark))
		return pf_fail("the holder's final restore did not undo its held change");
	unlink(mark);
	if (held_by_dead_child(cmd))
		return pf_error("journaling the held undo in a child failed");
	if (knob_restore_all() || !exists(mark))
		return pf_fail("a restore kept the held change of a process that is gone");
	return PF_PASS;
}

/*
 * A held undo survives every restore while its holder lives (a case's, at
 * its exit; the holder's own after each case) but the holder's final one,
 * and any restore once the holder is gone. Journal and marker in a private
 * state dir.
 */
static enum pf_result held_undo(struct pf_ctx *ctx)
{
	char dir[] = "/tmp/pinfork-held.XXXXXX", mark[128], cmd[256];
	enum pf_result res;

	(void)ctx;
	if (!mkdtemp(dir))
		return pf_error("mkdtemp: %s", strerror(errno));
	setenv("PINFORK_STATE_DIR", dir, 1);
	snprintf(mark, sizeof(mark), "%s/undone", dir);
	snprintf(cmd, sizeof(cmd), "touch '%s'", mark);
	res = held_undo_steps(cmd, mark);
	knob_restore_forced();
	unlink(mark);
	rmdir(dir);
	unsetenv("PINFORK_STATE_DIR");
	return res;
}

#define PROOF(n, fn, what) { .name = n, .summary = what, .run = fn }
#define ROOT_PROOF(n, fn, what)						\
	{ .name = n, .summary = what, .run = fn,			\
	  .needs = PF_NEED_KPAGEFLAGS | PF_NEED_ROOT }

static const struct pf_template templates[] = {
	ROOT_PROOF("mthp-proof-small-pages", mthp_small,
		   "the mTHP rows' proof refuses small pages"),
	PROOF("swapped-proof-resident", swapped_resident,
	      "the swapped rows' proof refuses resident pages"),
	ROOT_PROOF("large-folio-proof-small-page", large_folio_small,
		   "the thp-one-pte/thp-mremap proof refuses a small page"),
	PROOF("untouched-proof-written", untouched_written,
	      "the untouched row's proof refuses written pages"),
	ROOT_PROOF("zero-proof-written", zero_written,
		   "the zero-page row's proof refuses written pages"),
	ROOT_PROOF("huge-zero-proof-small-zero-pages", huge_zero_small,
		   "the huge-zero-page row's proof refuses small zero pages"),
	PROOF("file-proof-anon", file_anon,
	      "the file rows' proof refuses anonymous pages"),
	ROOT_PROOF("shared-half-proof-all-or-none", shared_wrong,
		   "the thp-shared-half proof refuses all pages shared, and none"),
	PROOF("zero-oracle-written", zero_oracle_written,
	      "pin_unwritten's zero oracle fails on a written page"),
	{ .name = "file-oracle-memfd-changed", .run = memfd_changed,
	  .summary = "pin_unwritten's file oracle fails when the memfd changed",
	  .needs = PF_NEED_ROOT },
	{ .name = "file-oracle-file-changed", .run = file_file_changed,
	  .summary = "pin_unwritten's file oracle fails when the file changed",
	  .needs = PF_NEED_ROOT },
	PROOF("knob-held-undo", held_undo,
	      "a held undo survives every restore but its holder's final one while the holder lives"),
};

PF_MAIN(templates)
