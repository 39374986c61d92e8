// SPDX-License-Identifier: GPL-2.0
/*
 * Unregistering a coalesced fixed buffer that starts inside a THP. The
 * coalesced bvec holds the folio's head page, though the pin was taken on
 * the pages of the buffer. Before 5afb4bf9fc62 (v6.16, 6.12.36) the
 * release unpinned that head page with unpin_user_page(), whose
 * CONFIG_DEBUG_VM check (sanity_check_pinned_pages(), mm/gup.c) wants the
 * page or the head page of a pinned anonymous folio to be AnonExclusive:
 * a head page shared with a child is neither, and the kernel BUGs. The
 * refcounts were right, so without CONFIG_DEBUG_VM nothing shows.
 *
 * The shape: MADV_DONTFORK on all of a THP but its first pages splits the
 * VMA (and the PMD, not the folio); a fork shares those first pages with
 * the child (no longer AnonExclusive in the parent) and leaves the rest
 * exclusive; the buffer is registered on the rest, used, and unregistered
 * while the child still maps the head page. The kernel-log oracle of the
 * runner catches the BUG.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "folio_uring.h"
#include "odirect.h"
#include "oracle.h"
#include "pagemap.h"
#include "shell.h"
#include "uring.h"

#define SHARED_PAGES 16		/* the first pages, shared with the child */
#define CHILD_SECONDS 30	/* the child's own limit if never released */

enum { SEED_PIN = 0x5af, SEED_DEVICE = 0x5b0 };

/* 1 when the running kernel has CONFIG_DEBUG_VM, 0 when not, -1 unknown. */
static int kernel_has_debug_vm(void)
{
	char out[128];

	if (pf_shell("{ zcat /proc/config.gz 2>/dev/null || cat /boot/config-$(uname -r) 2>/dev/null; }"
		     " | grep -E '^CONFIG_DEBUG_VM=y|^# CONFIG_DEBUG_VM is not set'",
		     out, sizeof(out)))
		return -1;
	return !strncmp(out, "CONFIG_DEBUG_VM=y", 17);
}

/* A child that maps the shared pages until the pipe closes. */
static pid_t share_with_child(int *release)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		alarm(CHILD_SECONDS);
		_exit(read(p[0], &c, 1) < 0);
	}
	close(p[0]);
	*release = p[1];
	return pid;
}

static void release_child(pid_t pid, int release)
{
	close(release);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* The head page is shared with the child, the buffer's pages are not. */
static enum pf_result shape_holds(const struct pf_folios *f, const char *buf)
{
	int head_shared = !(pf_pagemap(f->base) & PM_EXCLUSIVE);
	int buf_own = !!(pf_pagemap(buf) & PM_EXCLUSIVE);

	if (!pf_is_large_folio(f->base, f->folio))
		return pf_skip("the THP did not stay one large folio after MADV_DONTFORK and fork (%s)",
			       pf_folio_state(f, 0));
	if (!head_shared || !buf_own)
		return pf_skip("fork did not leave the head page shared and the buffer exclusive (pagemap: head %s, buffer %s)",
			       head_shared ? "shared" : "exclusive", buf_own ? "exclusive" : "shared");
	pf_diag("head page shared with the child, buffer pages exclusive, one %zu KiB folio (%s)",
		f->folio >> 10, pf_folio_state(f, 0));
	return PF_PASS;
}

static enum pf_result use_and_unregister(struct pf_folios *f, char *buf, size_t len)
{
	struct pf_scratch s;
	struct pf_uring u;
	char why[256];
	enum pf_result res;
	int err;

	if (pf_scratch_open(&s, len, why, sizeof(why)))
		return pf_skip("%s", why);
	res = shape_holds(f, buf);
	if (res == PF_PASS)
		res = pf_uring_pin(&u, buf, len);
	if (res == PF_PASS) {
		pf_pattern_fill(buf, len, SEED_PIN);
		res = pf_fixed_sends(&u, &s, buf, len, SEED_PIN);
		if (res == PF_PASS)
			res = pf_fixed_brings(&u, &s, buf, buf, len, SEED_DEVICE);
		/* in this process, so that a BUG kills the case, not a kworker */
		err = io_uring_unregister_buffers(&u.ring);
		if (!err)
			u.registered = 0;
		else if (res == PF_PASS)
			res = pf_error("unregistering the buffer: %s", strerror(-err));
	}
	pf_uring_exit(&u);
	pf_scratch_close(&s);
	return res;
}

enum pf_result pf_folio_uring_unpin(void)
{
	static const struct pf_folio_spec thp = { PF_FOLIO_THP, NULL };
	size_t ps = pf_page_size(), len;
	struct pf_folios f;
	enum pf_result res = pf_folios_make(&f, &thp);
	int release = -1, debug_vm;
	char *buf;
	pid_t pid;

	if (res != PF_PASS)
		goto out;
	buf = f.base + SHARED_PAGES * ps;
	len = f.folio - SHARED_PAGES * ps - ps;
	if (madvise(buf, f.folio - SHARED_PAGES * ps, MADV_DONTFORK)) {
		res = pf_skip("MADV_DONTFORK: %s", strerror(errno));
		goto out;
	}
	pid = share_with_child(&release);
	if (pid < 0) {
		res = pf_error("fork: %s", strerror(errno));
		goto out;
	}
	res = use_and_unregister(&f, buf, len);
	release_child(pid, release);
	debug_vm = kernel_has_debug_vm();
	if (res == PF_PASS && debug_vm != 1) {
		struct utsname u;

		if (uname(&u))
			strcpy(u.release, "?");
		res = pf_skip("the wrong unpin shows only as a VM_BUG_ON_PAGE of CONFIG_DEBUG_VM, which this kernel (%s) %s; the shape ran and the data through the pin was right",
			      u.release, debug_vm ? "may lack (its config is not readable)" : "lacks");
	}
out:
	pf_folios_free(&f);
	return res;
}
