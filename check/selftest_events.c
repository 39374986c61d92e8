// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the event layer: an event that did not happen is
 * ERROR, never PASS. The symptoms are built in userspace by this program's
 * own fork(), which interposes on the C library's for the program and for
 * libpinfork_helper.so alike: it can fail with EAGAIN, or let the child die
 * of SIGSEGV at once, from the Nth fork of the case on (N = 2: the
 * grandchild of a double fork). glibc's CLONE_VM|CLONE_VFORK paths do not
 * call fork(): for them the controls check that the row says what they are.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "event.h"
#include "model.h"

enum fault { NO_FAULT, FORK_FAILS, CHILD_KILLED };

struct plan {
	enum fault fault;
	int from;		/* fault the from-th fork() of the case and later ones */
	enum pf_result want;
};

static enum fault fault_mode;
static int fault_from, forks_seen;

static void die_of_segv(void)
{
	prctl(PR_SET_DUMPABLE, 0);
	signal(SIGSEGV, SIG_DFL);
	kill(getpid(), SIGSEGV);
	_exit(139);
}

pid_t fork(void)
{
	pid_t (*real_fork)(void) = (pid_t (*)(void))dlsym(RTLD_NEXT, "fork");
	pid_t pid;

	if (fault_mode == NO_FAULT || ++forks_seen < fault_from)
		return real_fork();
	if (fault_mode == FORK_FAILS) {
		errno = EAGAIN;
		return -1;
	}
	pid = real_fork();
	if (pid == 0)
		die_of_segv();
	return pid;
}

static enum pf_result run_event(const struct pf_event *ev, pf_child_fn fn)
{
	struct pf_event_run run;
	int err = pf_event_start(&run, ev, pf_target_whole(NULL), fn, NULL);

	if (err)
		return pf_error("%s: %s", ev->name, strerror(-err));
	return pf_event_end(&run);
}

/* Each fork row under the plan's fault. */
static enum pf_result event_under_fault(struct pf_ctx *ctx)
{
	const struct plan *p = ctx->arg;
	enum pf_result res;

	fault_mode = p->fault;
	fault_from = p->from;
	forks_seen = 0;
	res = run_event(ctx->event, NULL);
	fault_mode = NO_FAULT;
	return pf_expect(res, p->want, ctx->c->name);
}

static const struct pf_event *event_named(const char *name)
{
	for (size_t i = 0; i < pf_events_count; i++)
		if (!strcmp(pf_events[i]->name, name))
			return pf_events[i];
	return NULL;
}

/* The double fork with its second fork() faulted: the daemon's. */
static enum pf_result daemon_under_fault(struct pf_ctx *ctx)
{
	struct pf_ctx daemon_ctx = *ctx;

	daemon_ctx.event = event_named("lib-daemon");
	if (!daemon_ctx.event)
		return pf_fail("no lib-daemon row in pf_events[]");
	return event_under_fault(&daemon_ctx);
}

/* What the shared-mm rows say: a child ran, and no fork() did. */
static enum pf_result shared_mm_row_holds(struct pf_ctx *ctx)
{
	struct pf_event_run run;
	enum pf_result res;
	int err = pf_event_start(&run, ctx->event, pf_target_whole(NULL), NULL,
				 NULL);

	if (err)
		return pf_fail("%s: %s", ctx->event->name, strerror(-err));
	res = pf_event_end(&run);
	if (res != PF_PASS)
		return pf_fail("the %s row did not prove itself", ctx->event->name);
	if (run.did.forks || run.did.shared_mm != 1)
		return pf_fail("%s: %d forks, %d children in the mm: not a CLONE_VM child",
			       ctx->event->name, run.did.forks, run.did.shared_mm);
	return PF_PASS;
}

static int does_nothing(struct pf_event_run *run)
{
	(void)run;
	return 0;
}

static const struct pf_event fork_row_that_does_not_fork = {
	.name = "no-fork", .summary = "says it forks, does not",
	.flags = PF_EV_FORK, .children = 1, .start = does_nothing,
};

static const struct pf_event shared_row_without_child = {
	.name = "no-clone", .summary = "says a child shares the mm, starts none",
	.flags = PF_EV_SHARES_MM, .children = 1, .start = does_nothing,
};

static enum pf_result row_that_did_nothing(struct pf_ctx *ctx)
{
	return pf_expect(run_event(ctx->arg, NULL), PF_ERROR, ctx->c->name);
}

static int sees_change(void *arg)
{
	(void)arg;
	return 1;
}

static int crashes(void *arg)
{
	(void)arg;
	die_of_segv();
	return 0;
}

static enum pf_result alive_child_sees_change(struct pf_ctx *ctx)
{
	enum pf_result res = run_event(&pf_event_fork_alive, sees_change);

	return pf_expect(res, PF_FAIL, ctx->c->name);
}

static enum pf_result alive_child_crashes(struct pf_ctx *ctx)
{
	enum pf_result res = run_event(&pf_event_fork_alive, crashes);

	return pf_expect(res, PF_ERROR, ctx->c->name);
}

static const struct plan fork_fails = { FORK_FAILS, 1, PF_ERROR };
static const struct plan child_killed = { CHILD_KILLED, 1, PF_ERROR };
static const struct plan grandchild_killed = { CHILD_KILLED, 2, PF_ERROR };
static const struct plan no_fault = { NO_FAULT, 0, PF_PASS };

#define FORK_ROWS(name_, plan_, summary_)				\
	{								\
		.name = name_, .summary = summary_,			\
		.run = event_under_fault, .arg = &plan_,		\
		.use_event = 1,					\
		.event_needs = PF_EV_FORK_FAMILY | PF_EV_FORK,	\
	}
#define SYMPTOM(name_, fn_, arg_, summary_)				\
	{ .name = name_, .summary = summary_, .run = fn_, .arg = arg_ }

static const struct pf_template templates[] = {
	FORK_ROWS("event-proven", no_fault,
		  "control: the fork row forks, its children end well, it passes"),
	FORK_ROWS("fork-fails-is-error", fork_fails,
		  "every fork() fails with EAGAIN: the event is ERROR"),
	FORK_ROWS("child-killed-is-error", child_killed,
		  "the forked child dies of SIGSEGV before its work: the event is ERROR"),
	SYMPTOM("grandchild-killed-is-error", daemon_under_fault,
		&grandchild_killed,
		"the daemon of lib-daemon's double fork dies before it shows it ran: the event is ERROR"),
	{
		.name = "shared-mm-row-holds",
		.summary = "control: a CLONE_VM row starts a child that ends well, and no fork() runs",
		.run = shared_mm_row_holds,
		.use_event = 1, .event_needs = PF_EV_SHARES_MM,
	},
	SYMPTOM("fork-row-without-fork-is-error", row_that_did_nothing,
		&fork_row_that_does_not_fork,
		"a fork row whose start forked nothing is ERROR"),
	SYMPTOM("shared-row-without-child-is-error", row_that_did_nothing,
		&shared_row_without_child,
		"a CLONE_VM row whose start ran no child is ERROR"),
	SYMPTOM("alive-child-sees-change-is-fail", alive_child_sees_change, NULL,
		"an alive child whose check sees its memory changed is FAIL"),
	SYMPTOM("alive-child-crashes-is-error", alive_child_crashes, NULL,
		"an alive child that dies before its check is ERROR"),
};

PF_MAIN(templates)
