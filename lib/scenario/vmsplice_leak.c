// SPDX-License-Identifier: GPL-2.0
#include "vmsplice_leak.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "full_io.h"
#include "lockstep.h"
#include "pagemap.h"
#include "pattern.h"

enum { SEED_BEFORE = PF_VMSPLICE_SEED_BEFORE, SEED_AFTER = PF_VMSPLICE_SEED_AFTER };

#define MAX_PROBES 3
#define CHILD_ERROR 10

/*
 * Whole pages only: in the heap and stack backings the pages at the edges
 * of the region also hold live data of the process, which MADV_DONTNEED
 * would wipe in the child.
 */
struct probes {
	char *span;		/* the whole pages inside the region */
	size_t span_len;
	size_t off[MAX_PROBES];	/* region offsets of the pages to splice */
	size_t n;
};

struct leak {
	struct pf_region *r;
	const struct pf_vmsplice_plan *plan;
	struct probes p;
	struct pf_lockstep ls;
	int pipe_rd, pipe_wr;
};

static void add_probe(struct probes *p, size_t off)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->off[i] == off)
			return;
	p->off[p->n++] = off;
}

static int pick_probes(struct probes *p, const struct pf_region *r)
{
	size_t ps = pf_page_size();
	uintptr_t lo = ((uintptr_t)r->base + ps - 1) & ~(uintptr_t)(ps - 1);
	uintptr_t hi = ((uintptr_t)r->base + r->len) & ~(uintptr_t)(ps - 1);
	size_t first = lo - (uintptr_t)r->base;

	if (hi <= lo)
		return -1;
	p->span = (char *)lo;
	p->span_len = hi - lo;
	p->n = 0;
	add_probe(p, first);
	if (r->folio > ps && r->folio / 2 < p->span_len)
		add_probe(p, first + r->folio / 2);
	else
		add_probe(p, first + p->span_len / ps / 2 * ps);
	add_probe(p, hi - ps - (uintptr_t)r->base);
	return 0;
}

static const char *state_of(const struct leak *l)
{
	size_t len = l->r->folio < l->p.span_len ? l->r->folio : l->p.span_len;

	return pf_mapping_state(l->p.span, len);
}

/*
 * c145e0b47c77: with the page swapped out at fork, the child's vmsplice
 * swaps it in and the parent's write fault finds it in the swap cache.
 */
static enum pf_result swap_out(const struct leak *l)
{
	madvise(l->p.span, l->p.span_len, MADV_PAGEOUT); /* pagemap tells */
	for (size_t i = 0; i < l->p.n; i++) {
		uint64_t pm = pf_pagemap(l->r->base + l->p.off[i]);

		if (!(pm & PM_SWAP))
			return pf_skip("no swap / not paged out: page at region offset 0x%zx is %s after MADV_PAGEOUT",
				       l->p.off[i], pm & PM_PRESENT ? "still present" : "not in swap");
	}
	return PF_PASS;
}

/* No SPLICE_F_GIFT: the pipe takes plain page references (FOLL_GET). */
static int splice_probes(const struct leak *l)
{
	size_t ps = pf_page_size();

	for (size_t i = 0; i < l->p.n; i++) {
		struct iovec iov = { l->r->base + l->p.off[i], ps };
		ssize_t n = vmsplice(l->pipe_wr, &iov, 1, 0);

		if (n != (ssize_t)ps) {
			pf_diag("child: vmsplice of region offset 0x%zx: %s", l->p.off[i],
				n < 0 ? strerror(errno) : "short");
			return -1;
		}
	}
	return 0;
}

static int drop_mapping(const struct leak *l)
{
	if (l->plan->drop == PF_DROP_DONTNEED)
		return madvise(l->p.span, l->p.span_len, MADV_DONTNEED);
	if (!l->r->map) {
		errno = EINVAL;
		return -1;
	}
	return munmap(l->r->map, l->r->map_len);
}

static int whole_page_of(const char *page, size_t off, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++)
		if ((uint8_t)page[i] != pf_pattern_byte(seed, off + i))
			return 0;
	return 1;
}

enum pf_view pf_vmsplice_page_view(const char *page, size_t off, size_t len)
{
	enum pf_view v = pf_view_check("child's pipe data", page, off, len,
				       SEED_BEFORE, SEED_AFTER);

	if (v == PF_VIEW_FOREIGN && !whole_page_of(page, off, len, SEED_AFTER)) {
		pf_diag("child: the page at region offset 0x%zx is only partly the parent's data: not the known leak",
			off);
		return PF_VIEW_CORRUPT;
	}
	return v;
}

static int read_back(const struct leak *l)
{
	size_t ps = pf_page_size();
	char *buf = mmap(NULL, ps, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	enum pf_view v = PF_VIEW_OWN;

	if (buf == MAP_FAILED)
		return CHILD_ERROR;
	for (size_t i = 0; i < l->p.n; i++) {
		if (pf_read_full(l->pipe_rd, buf, ps)) {
			pf_diag("child: cannot read the pipe: %s", strerror(errno));
			return CHILD_ERROR;
		}
		v = pf_view_worse(v, pf_vmsplice_page_view(buf, l->p.off[i], ps));
	}
	return v;
}

static void splice_diag(const struct leak *l)
{
	char offs[64] = "";
	size_t n = 0;

	for (size_t i = 0; i < l->p.n; i++)
		n += snprintf(offs + n, sizeof(offs) - n, "%s0x%zx",
			      i ? "," : "", l->p.off[i]);
	pf_diag("child: vmspliced the pages at region offsets %s (%s), then %s",
		offs, state_of(l),
		l->plan->drop == PF_DROP_MUNMAP ? "munmap()" : "MADV_DONTNEED");
}

static int child_main(struct leak *l)
{
	if (splice_probes(l))
		return CHILD_ERROR;
	splice_diag(l);
	if (drop_mapping(l)) {
		pf_diag("child: dropping its mapping: %s", strerror(errno));
		return CHILD_ERROR;
	}
	if (pf_lockstep_pass(&l->ls))
		return CHILD_ERROR;
	return read_back(l);
}

enum pf_result pf_vmsplice_verdict(int status, enum pf_view *seen)
{
	if (seen)
		*seen = status >= 0 && status <= PF_VIEW_FOREIGN ?
			(enum pf_view)status : PF_VIEW_OWN;
	switch (status) {
	case PF_VIEW_OWN:
		return PF_PASS;
	case PF_VIEW_FOREIGN:
		return pf_known_symptom("the child read the parent's post-fork data from the pipe (vmsplice COW leak)");
	case PF_VIEW_CORRUPT:
		return pf_fail("the pipe held neither the pre-fork data nor the parent's");
	case -1:
		return pf_error("the child died");
	default:
		return pf_error("the child could not splice, drop or read back its pages");
	}
}

static int make_pipe(struct leak *l)
{
	size_t need = l->p.n * pf_page_size();
	int fds[2];

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	l->pipe_rd = fds[0];
	l->pipe_wr = fds[1];
	/* a pipe holds 64 KiB by default: less than 3 pages of 64 KiB */
	if ((size_t)fcntl(l->pipe_wr, F_GETPIPE_SZ) < need &&
	    fcntl(l->pipe_wr, F_SETPIPE_SZ, (int)need) < 0)
		return -1;
	return 0;
}

static enum pf_result parent_writes(struct leak *l, enum pf_view *seen)
{
	const char *before = state_of(l);

	if (pf_lockstep_wait(&l->ls))	/* the child has spliced and dropped */
		return pf_vmsplice_verdict(pf_lockstep_reap(&l->ls), seen);
	pf_pattern_fill(l->r->base, l->r->len, SEED_AFTER);
	pf_diag("parent: %s at fork, %s after writing (policy, not checked)",
		before, state_of(l));
	pf_lockstep_give(&l->ls);
	return pf_vmsplice_verdict(pf_lockstep_reap(&l->ls), seen);
}

enum pf_result pf_vmsplice_leak_run(struct pf_region *r,
				    const struct pf_vmsplice_plan *plan,
				    enum pf_view *seen)
{
	struct leak l = { .r = r, .plan = plan };
	enum pf_result res;
	pid_t pid;

	if (pick_probes(&l.p, r))
		return pf_skip("no whole page inside the region");
	pf_pattern_fill(r->base, r->len, SEED_BEFORE);
	if (plan->swap_out && (res = swap_out(&l)) != PF_PASS)
		return res;
	if (make_pipe(&l))
		return pf_error("pipe: %s", strerror(errno));
	pid = pf_lockstep_fork(&l.ls);
	if (pid == 0)
		pf_lockstep_exit(&l.ls, child_main(&l));
	close(l.pipe_rd);
	close(l.pipe_wr);
	if (pid < 0)
		return pf_error("fork: %s", strerror((int)-pid));
	return parent_writes(&l, seen);
}
