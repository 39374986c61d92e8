// SPDX-License-Identifier: GPL-2.0
/*
 * Cases with known outcomes, for the harness's own tests (check/run-checks.sh
 * compares what the runner prints with what it must print).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backing.h"
#include "knob.h"
#include "model.h"
#include "uring.h"
#include "pf_case.h"

static enum pf_result demo_pass(struct pf_ctx *ctx)
{
	(void)ctx;
	pf_diag("a diagnostic line");
	return PF_PASS;
}

static enum pf_result demo_fail(struct pf_ctx *ctx)
{
	(void)ctx;
	pf_diag("first bad offset 4096: expected 0x11 found 0x22");
	return pf_fail("data mismatch");
}

static enum pf_result demo_skip(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_skip("no frobnicator on this machine");
}

static enum pf_result demo_error(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_error("setup exploded");
}

static enum pf_result demo_hang(struct pf_ctx *ctx)
{
	(void)ctx;
	for (;;)
		pause();
	return PF_PASS;
}

static enum pf_result demo_crash(struct pf_ctx *ctx)
{
	(void)ctx;
	raise(SIGABRT);
	return PF_PASS;
}

/* Output that is not a '#' line must reach TAP as one anyway. */
static enum pf_result demo_noise(struct pf_ctx *ctx)
{
	(void)ctx;
	printf("ok 99 not-a-result\n");
	fprintf(stderr, "noise on stderr\n");
	fflush(NULL);
	return PF_PASS;
}

/* Leaves a grandchild behind: the runner must kill the process group. */
static enum pf_result demo_straggler(struct pf_ctx *ctx)
{
	const char *pidfile = getenv("PINFORK_DEMO_PIDFILE");
	pid_t pid;

	(void)ctx;
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (f) {
			fprintf(f, "%d\n", pid);
			fclose(f);
		}
	}
	return PF_PASS;
}

/* Changes a knob, then hangs: the runner's kill must not leave it changed. */
static enum pf_result demo_knob_hang(struct pf_ctx *ctx)
{
	const char *path = getenv("PINFORK_DEMO_KNOB");
	const char *value = getenv("PINFORK_DEMO_KNOB_VALUE");

	if (!path)
		return pf_skip("PINFORK_DEMO_KNOB not set");
	if (knob_set(path, value ? value : "changed"))
		return pf_error("cannot set %s", path);
	pf_diag("knob %s changed", path);
	return demo_hang(ctx);
}

static enum pf_result demo_kernel_warning(struct pf_ctx *ctx)
{
	char msg[256];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	int len = snprintf(msg, sizeof(msg),
			   "<4>WARNING: pinfork self-test of the kernel-log oracle [pinfork-case=%s], not a real warning\n",
			   ctx->c->name);

	if (fd < 0)
		return pf_skip("cannot write /dev/kmsg");
	if (write(fd, msg, (size_t)len) < 0) {
		close(fd);
		return pf_skip("cannot write /dev/kmsg");
	}
	close(fd);
	return PF_PASS;	/* the runner must turn this into a failure */
}

/*
 * A process outside the case's process group keeps a fixed buffer (pinned
 * pages) registered after the case ends: the accounting oracle must see
 * the pins not given back. It lets go after a few seconds.
 */
static void hold_pins_then_exit(int ready_fd)
{
	static char buf[64 << 10];
	struct pf_uring u;

	setsid();
	if (pf_uring_init(&u) || pf_uring_register(&u, buf, sizeof(buf)))
		_exit(1);
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	close(ready_fd);
	sleep(6);
	_exit(0);
}

static enum pf_result demo_leak_pins(struct pf_ctx *ctx)
{
	int ready[2];
	char c;
	pid_t pid;

	(void)ctx;
	if (pipe(ready))
		return pf_error("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		if (fork() == 0)
			hold_pins_then_exit(ready[1]);
		_exit(0);
	}
	close(ready[1]);
	waitpid(pid, NULL, 0);
	/* the grandchild says when its buffer is registered */
	if (read(ready[0], &c, 1) != 1)
		return pf_error("the process meant to hold pins did not register its buffer");
	close(ready[0]);
	return PF_PASS;	/* the runner must turn this into a failure */
}

/* Known issues (a template's known_issue/known_backings): only the
 * documented symptom, on a listed backing and with the harness oracles
 * clean, is XFAIL. */
static enum pf_result demo_known_symptom(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_known_symptom("the documented symptom");
}

static enum pf_result demo_other_failure(struct pf_ctx *ctx)
{
	(void)ctx;
	return pf_fail("neither side's data");
}

static enum pf_result demo_known_symptom_and_warning(struct pf_ctx *ctx)
{
	enum pf_result r = demo_kernel_warning(ctx);

	return r == PF_PASS ? pf_known_symptom("the documented symptom") : r;
}

/* The anon backing alone: a mapping of its own in small pages. */
#define ANON_ONLY                                                              \
	.use_backing = 1, .backing_needs = PF_BK_ANON | PF_BK_MMAP,            \
	.backing_excludes = PF_BK_LARGE | PF_BK_HUGETLB | PF_BK_FOLIO_PART |   \
			    PF_BK_SWAPPED

#define KNOWN_HERE .known_backings = PF_BK_ANON | PF_BK_MMAP, .known_issue = "a documented demo issue"

static const struct pf_template templates[] = {
	{ .name = "demo-pass", .summary = "passes", .run = demo_pass },
	{ .name = "demo-fail", .summary = "fails with hints", .run = demo_fail,
	  .fixes = { "70e806e4e645", "0123456789ab" }, .cves = { "CVE-2020-29374" } },
	{ .name = "demo-skip", .summary = "skips with a reason", .run = demo_skip },
	{ .name = "demo-error", .summary = "errors", .run = demo_error },
	{ .name = "demo-timeout", .summary = "hangs; killed after 1 s", .run = demo_hang, .timeout = 1 },
	{ .name = "demo-crash", .summary = "dies of SIGABRT", .run = demo_crash },
	{ .name = "demo-noise", .summary = "prints non-TAP lines", .run = demo_noise },
	{ .name = "demo-straggler", .summary = "leaves a child behind", .run = demo_straggler },
	{ .name = "demo-knob-hang", .summary = "changes a knob and hangs", .run = demo_knob_hang, .timeout = 1 },
	{ .name = "demo-leak-pins", .summary = "leaves pinned pages behind in a process of another session", .run = demo_leak_pins, .needs = PF_NEED_ROOT | PF_NEED_URING },
	{ .name = "demo-kernel-warning", .summary = "logs a fake kernel WARNING", .run = demo_kernel_warning, .needs = PF_NEED_ROOT },
	{ .name = "demo-known-symptom", .summary = "the documented symptom on a known backing: XFAIL", .run = demo_known_symptom, ANON_ONLY, KNOWN_HERE },
	{ .name = "demo-known-pass", .summary = "passes on a known backing: XPASS", .run = demo_pass, ANON_ONLY, KNOWN_HERE },
	{ .name = "demo-known-other-failure", .summary = "another failure on a known backing: FAIL", .run = demo_other_failure, ANON_ONLY, KNOWN_HERE },
	{ .name = "demo-known-symptom-elsewhere", .summary = "the symptom on a backing the issue is not known for: FAIL", .run = demo_known_symptom, ANON_ONLY,
	  .known_backings = PF_BK_HUGETLB, .known_issue = "a documented demo issue" },
	{ .name = "demo-known-symptom-kernel-warning", .summary = "the symptom, and the kernel warned: FAIL", .run = demo_known_symptom_and_warning, ANON_ONLY, KNOWN_HERE,
	  .needs = PF_NEED_ROOT },
};

PF_MAIN(templates)
