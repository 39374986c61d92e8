// SPDX-License-Identifier: GPL-2.0
/*
 * A THP partly shared with a child: a PMD THP, then fork() (the child keeps
 * its copy, and lives for the whole case), then the parent writes the first
 * half, COWing those pages away (a write fault on a shared THP splits the
 * PMD mapping and copies only the page written). The region is the whole
 * former THP: the first half the parent's own small pages, the second half
 * still the pages of the large folio the child maps too. Teardown kills and
 * reaps the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "pagemap.h"
#include "thp.h"

#define REAP_SECONDS 5.0
#define READY_MS 5000

/* The PFN behind addr in process pid (root), 0 when absent or unreadable. */
static uint64_t pid_pfn(int fd, const void *addr)
{
	uint64_t e;
	off_t at = (off_t)((uintptr_t)addr / pf_page_size() * sizeof(e));

	if (pread(fd, &e, sizeof(e), at) != sizeof(e) || !(e & PM_PRESENT))
		return 0;
	return e & PM_PFN_MASK;
}

static enum pf_result compare_pfns(int fd, const char *base, size_t len,
				   size_t half)
{
	size_t ps = pf_page_size();

	for (size_t off = 0; off < len; off += ps) {
		uint64_t mine = pf_pfn(base + off), its = pid_pfn(fd, base + off);

		if (!mine || !its)
			return pf_skip("page at offset 0x%zx not present in %s", off,
				       mine ? "the child" : "the parent");
		if ((off < half) != (mine != its))
			return pf_skip("page at offset 0x%zx is %s with the child",
				       off, mine == its ? "shared" : "not shared");
	}
	return PF_PASS;
}

enum pf_result pf_shared_from_verify(const void *addr, size_t len, size_t half,
				     int pid)
{
	char path[64];
	enum pf_result res;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pf_skip("%s: %s", path, strerror(errno));
	res = compare_pfns(fd, addr, len, half);
	close(fd);
	return res;
}

/* The child holds its copy until teardown kills it (or the parent dies). */
static void keep_copy(pid_t parent, int ready)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	for (;;)
		pause();
}

/* A holder that died before it said so shares nothing: the setup did not happen. */
static enum pf_result holder_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, READY_MS) != 1)
		return pf_skip("the child holding the shared half did not start within %d ms", READY_MS);
	if (read(fd, &c, 1) != 1)
		return pf_skip("the child holding the shared half died before it was ready");
	return PF_PASS;
}

static enum pf_result fork_holder(struct pf_region *r)
{
	pid_t parent = getpid(), pid;
	enum pf_result res;
	int ready[2];

	if (pipe2(ready, O_CLOEXEC))
		return pf_error("pipe2: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		return pf_error("fork: %s", strerror(errno));
	}
	if (!pid) {
		close(ready[0]);
		keep_copy(parent, ready[1]);
	}
	close(ready[1]);
	r->priv = (void *)(intptr_t)pid;
	res = holder_ready(ready[0]);
	close(ready[0]);
	return res;
}

static enum pf_result shared_half_setup(struct pf_region *r, size_t min_len)
{
	size_t thp = pf_thp_size();
	enum pf_result res = pf_backing_thp_pmd.setup(r, min_len);

	if (res == PF_PASS)
		res = fork_holder(r);
	if (res != PF_PASS)
		return res;
	memset(r->base, 0xa5, thp / 2);
	r->folio = pf_page_size();
	res = pf_shared_from_verify(r->base, thp, thp / 2, (int)(intptr_t)r->priv);
	return res == PF_PASS ? pf_in_large_folio_verify(r->base + thp / 2, thp / 2) : res;
}

static void reap(pid_t pid)
{
	double deadline = pf_now() + REAP_SECONDS;
	struct timespec tick = { 0, 1000000 };

	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, WNOHANG) == 0 && pf_now() < deadline)
		nanosleep(&tick, NULL);
}

static void shared_half_teardown(struct pf_region *r)
{
	if (r->priv)
		reap((pid_t)(intptr_t)r->priv);
	r->priv = NULL;
	pf_unmap_region(r);
}

const struct pf_backing pf_backing_thp_shared_half = {
	.name = "thp-shared-half",
	.summary = "a THP shared with a live child, whose first half the parent wrote (COW)",
	.flags = PF_BK_ANON | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_SHARED |
		 PF_BK_FOLIO_PART,
	.needs = PF_NEED_THP | PF_NEED_KPAGEFLAGS,
	.setup = shared_half_setup,
	.teardown = shared_half_teardown,
};
