// SPDX-License-Identifier: GPL-2.0
#include "folio_fork_cow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "event.h"
#include "full_io.h"
#include "lockstep.h"
#include "oracle.h"
#include "pattern.h"
#include "snapshot.h"

enum {
	SEED_BEFORE = PF_COW_SEED_BEFORE, SEED_PARENT = PF_COW_SEED_PARENT,
	SEED_CHILD = 93, SEED_DEVICE = 94,
};

#define SPLICED 2
#define ROUNDS_MAX 2000

/* [buf, buf + len) holds seed's pattern as at region offset off. */
static int holds_at(const char *buf, size_t len, size_t off, uint32_t seed)
{
	for (size_t i = 0; i < len; i++)
		if ((uint8_t)buf[i] != pf_pattern_byte(seed, off + i))
			return 0;
	return 1;
}

static size_t page_floor(size_t n)
{
	return n / pf_page_size() * pf_page_size();
}

static enum pf_result splice_pages(int fd, struct pf_region *r, const size_t *off)
{
	for (int i = 0; i < SPLICED; i++) {
		struct iovec iov = { r->base + off[i], pf_page_size() };

		if (vmsplice(fd, &iov, 1, 0) != (ssize_t)pf_page_size())
			return pf_error("vmsplice of region offset 0x%zx: %s", off[i], strerror(errno));
	}
	return PF_PASS;
}

enum pf_result pf_cow_pipe_keeps_old(int fd, const size_t *off, int n)
{
	char buf[64 << 10];
	size_t ps = pf_page_size();

	if (ps > sizeof(buf))
		return pf_skip("pages larger than 64 KiB");
	for (int i = 0; i < n; i++) {
		if (pf_read_full(fd, buf, ps))
			return pf_error("reading the pipe: %s", strerror(errno));
		if (!holds_at(buf, ps, off[i], SEED_BEFORE))
			return pf_fail("the pipe's page of region offset 0x%zx changed with the parent's write: the fault reused a folio the pipe references",
				       off[i]);
	}
	return PF_PASS;
}

static enum pf_result extra_ref_write(struct pf_region *r, const int *fds, const size_t *off)
{
	uint64_t pfn = pf_pfn(r->base + off[1]);
	enum pf_result res = splice_pages(fds[1], r, off);

	if (res != PF_PASS)
		return res;
	pf_diag("after fork and the child's exit: %s; two pages spliced into a pipe", pf_mapping_state(r->base, r->len));
	pf_pattern_fill(r->base, r->len, SEED_PARENT);
	pf_diag("policy: the parent's write %s the spliced page (PFN 0x%llx -> 0x%llx), now %s",
		pfn && pfn == pf_pfn(r->base + off[1]) ? "reused" : "copied",
		(unsigned long long)pfn, (unsigned long long)pf_pfn(r->base + off[1]),
		pf_mapping_state(r->base, r->len));
	res = pf_view_holds(r->base, r->len, SEED_PARENT, "the parent's memory after its write");
	return pf_worst(res, pf_cow_pipe_keeps_old(fds[0], off, SPLICED));
}

enum pf_result pf_cow_reuse_extra_ref(struct pf_region *r)
{
	size_t off[SPLICED] = { 0, page_floor(r->folio / 2) };
	enum pf_result res;
	int fds[2], err;

	if (off[1] + pf_page_size() > r->len || off[1] == 0)
		return pf_skip("the region holds no second page to splice");
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	err = pf_fork_exit_now();
	if (err)
		return pf_error("fork of a child that exits at once: %s", strerror(-err));
	if (pipe2(fds, O_CLOEXEC))
		return pf_error("pipe: %s", strerror(errno));
	res = extra_ref_write(r, fds, off);
	close(fds[0]);
	close(fds[1]);
	return res;
}

static int child_writes_half(struct pf_region *r, size_t half)
{
	int bad;

	pf_pattern_fill(r->base, half, SEED_CHILD);
	bad = pf_view_holds(r->base, half, SEED_CHILD, "child: its half after its write") != PF_PASS;
	fflush(stdout);		/* the child leaves by _exit() */
	return bad;
}

static enum pf_result parent_after_child(struct pf_region *r, size_t half, int status)
{
	enum pf_result res;

	if (status < 0 || status > 1)
		return pf_error("the child died or could not write (status %d)", status);
	if (status == 1)
		return pf_fail("the child's own write did not stay in its copy");
	res = pf_view_holds(r->base, half, SEED_BEFORE, "the parent's half after the child wrote its copy");
	if (res != PF_PASS)
		return res;
	pf_diag("parent alone again: %s", pf_mapping_state(r->base, half));
	pf_pattern_fill(r->base, half, SEED_PARENT);
	pf_diag("policy: after the parent's write: %s", pf_mapping_state(r->base, half));
	return pf_view_holds(r->base, half, SEED_PARENT, "the parent's half after its write");
}

enum pf_result pf_cow_reuse_partial_unmap(struct pf_region *r)
{
	size_t half = page_floor(r->len / 2);
	pid_t pid;

	if (!r->map || !half)
		return pf_skip("the region is not a mapping of its own");
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	if (munmap(r->base + half, r->len - half))
		return pf_error("munmap of the second half: %s", strerror(errno));
	pf_diag("second half unmapped: the first half is %s", pf_mapping_state(r->base, half));
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child_writes_half(r, half));
	if (pid < 0)
		return pf_error("fork: %s", strerror(errno));
	return parent_after_child(r, half, pf_reap(pid));
}

struct exit_race {
	struct pf_snap_writer *w;	/* MAP_SHARED: fork does not write-protect it */
	long rounds, fork_errors;
};

static void exit_rounds(struct exit_race *er, double seconds)
{
	double deadline = pf_now() + seconds;

	while (pf_now() < deadline && er->rounds < ROUNDS_MAX &&
	       !__atomic_load_n(&er->w->lost, __ATOMIC_ACQUIRE)) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid < 0 || pf_reap(pid) != 0)
			er->fork_errors++;
		else
			er->rounds++;
	}
}

enum pf_result pf_cow_reuse_exit_race(struct pf_region *r, double seconds)
{
	size_t stride = pf_page_size() / PF_SNAP_LINE;	/* one line a page */
	struct exit_race er = { 0 };
	uint64_t passes;
	int err;

	er.w = mmap(NULL, sizeof(*er.w), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (er.w == MAP_FAILED)
		return pf_error("mmap: %s", strerror(errno));
	pf_snap_prestamp(r->base, r->len, 0, stride);
	err = pf_snap_writer_start(er.w, r->base, r->len, 0, stride, 0, 1);
	if (!err)
		exit_rounds(&er, seconds);
	passes = pf_snap_writer_pass(er.w);
	pf_snap_writer_stop(er.w);
	pf_diag("race: forks=%ld fork_errors=%ld writer_passes=%llu lost=%ld, region now %s",
		er.rounds, er.fork_errors, (unsigned long long)passes, er.w->lost,
		pf_mapping_state(r->base, r->len));
	if (er.w->lost)
		pf_diag("line %zu held 0x%016llx, the writer had stored 0x%016llx",
			er.w->lost_line, (unsigned long long)er.w->lost_found,
			(unsigned long long)er.w->lost_expected);
	err = err ? err : er.w->lost ? 1 : !er.rounds ? 2 : passes < 2 ? 3 : 0;
	munmap(er.w, sizeof(*er.w));
	switch (err) {
	case 0: return PF_PASS;
	case 1: return pf_fail("a write of the parent's thread was lost while children exited");
	case 2: return pf_error("no fork succeeded (%ld errors)", er.fork_errors);
	case 3: return pf_skip("the writer thread did not run during the forks");
	default: return pf_error("pthread_create: %s", strerror(-err));
	}
}

/* "PV", "HVM", "PVH" on a Xen guest; empty elsewhere. */
static void xen_guest_type(char *buf, size_t size)
{
	FILE *f = fopen("/sys/hypervisor/guest_type", "r");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static int child_checks_halves(struct pf_region *r)
{
	size_t f = r->folio, h = page_floor(f / 2);
	int bad = 0;

	for (size_t off = 0; off + f <= r->len; off += f)
		pf_pattern_fill(r->base + off + h, f - h, SEED_CHILD);
	for (size_t off = 0; off + f <= r->len; off += f)
		bad |= !holds_at(r->base + off, h, off, SEED_BEFORE) ||
		       !holds_at(r->base + off + h, f - h, 0, SEED_CHILD);
	return bad;
}

enum pf_result pf_fork_batch_folio_end(struct pf_region *r)
{
	char type[32];
	pid_t pid;

	xen_guest_type(type, sizeof(type));
	if (strcmp(type, "PV"))
		return pf_skip("needs a Xen PV guest (this is %s): only there does pte_advance_pfn() give pte_none() past a ballooned-out PFN, letting folio_pte_batch() run past the folio (7b08b74f3d99); elsewhere the old loop stopped at the folio's last PFN",
			       type[0] ? type : "no Xen guest");
	if (r->folio < 2 * pf_page_size() || r->len < r->folio)
		return pf_skip("the region is not made of large folios");
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child_checks_halves(r));
	if (pid < 0)
		return pf_error("fork: %s", strerror(errno));
	if (pf_reap(pid) != 0)
		return pf_fail("the child's pages around a folio boundary did not hold its data");
	return pf_view_holds(r->base, r->len, SEED_BEFORE, "the parent's memory after the child wrote");
}

static int child_keeps_copy(struct pf_lockstep *ls, struct pf_region *r)
{
	struct pf_child_view view = { r->base, r->len, SEED_BEFORE };

	if (pf_lockstep_wait(ls))
		return 2;
	return pf_child_keeps(&view) ? 1 : 0;
}

static enum pf_result mprotect_half_and_write(struct pf_region *r, struct pf_pin_state *st)
{
	size_t half = page_floor(r->len / 2);

	pf_diag("after fork: %s", pf_mapping_state(r->base, r->len));
	if (mprotect(r->base, half, PROT_READ) ||
	    mprotect(r->base, half, PROT_READ | PROT_WRITE))
		return pf_error("mprotect of the first half: %s", strerror(errno));
	pf_diag("policy: after mprotect of half, R then RW: %s", pf_mapping_state(r->base, r->len));
	pf_pattern_fill(r->base, r->len, SEED_PARENT);
	return pf_pin_coherent(st, SEED_PARENT, SEED_DEVICE);
}

enum pf_result pf_pin_fork_mprotect_half(struct pf_region *r, const struct pf_pin *p)
{
	struct pf_pin_state st;
	struct pf_lockstep ls;
	enum pf_result res;
	pid_t pid;

	if (!r->map || r->len < 2 * pf_page_size())
		return pf_skip("the region is not a mapping of two pages or more");
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	res = pf_pin_take(&st, p, r);
	if (res == PF_PASS) {
		fflush(stdout);
		pid = pf_lockstep_fork(&ls);
		if (pid == 0)
			pf_lockstep_exit(&ls, child_keeps_copy(&ls, r));
		if (pid < 0)
			res = pf_error("fork: %s", strerror((int)-pid));
	}
	if (res == PF_PASS) {
		res = mprotect_half_and_write(r, &st);
		pf_lockstep_give(&ls);
		res = pf_worst(res, pf_isolation_verdict(pf_lockstep_reap(&ls)));
	}
	pf_pin_release(&st);
	return res;
}
