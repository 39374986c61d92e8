// SPDX-License-Identifier: GPL-2.0
/*
 * The event table, and how an event is run and judged: what it did is
 * measured (forks counted, children's ends seen), never taken from the row.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"

/*
 * The table, in the order cases are named; the fork rows are in
 * event_fork.c, each memory row in a file of its own.
 */
const struct pf_event *const pf_events[] = {
	&pf_event_fork_alive,
	&pf_event_fork_exit,
	&pf_event_fork_exec,
	&pf_event_system,
	&pf_event_popen,
	&pf_event_posix_spawn,
	&pf_event_thread_fork,
	&pf_event_lib_fork_exec,
	&pf_event_lib_thread_fork,
	&pf_event_lib_daemon,
	&pf_event_mprotect_half,
	&pf_event_mprotect_all,
	&pf_event_mremap_part,
	&pf_event_munmap_part,
	&pf_event_madv_dontneed,
	&pf_event_madv_free,
	&pf_event_madv_pageout,
	&pf_event_madv_cold,
	&pf_event_madv_collapse,
	&pf_event_khugepaged,
	&pf_event_madv_dontfork,
	&pf_event_madv_wipeonfork,
	&pf_event_mlock_half,
	&pf_event_child_wrote,
	&pf_event_ksm_merge,
	&pf_event_migrate,
	&pf_event_mbind,
	&pf_event_compact,
};
const size_t pf_events_count = sizeof(pf_events) / sizeof(pf_events[0]);

/*
 * The fork counter lives in a MAP_SHARED page and is bumped by a
 * pthread_atfork child handler, so it counts children that really started
 * with a copy of the mm, whoever called fork() (a library included), and
 * grandchildren too. glibc's clone(CLONE_VM|CLONE_VFORK) paths (system,
 * popen, posix_spawn) run no atfork handler.
 */
static atomic_long *fork_counter;
static pthread_once_t fork_counter_once = PTHREAD_ONCE_INIT;

static void count_fork_in_child(void)
{
	atomic_fetch_add(fork_counter, 1);
}

static void fork_counter_init(void)
{
	void *p = mmap(NULL, sizeof(*fork_counter), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	fork_counter = p;
	if (pthread_atfork(NULL, NULL, count_fork_in_child)) {
		munmap(p, sizeof(*fork_counter));
		fork_counter = NULL;
	}
}

long pf_forks_started(void)
{
	pthread_once(&fork_counter_once, fork_counter_init);
	return fork_counter ? atomic_load(fork_counter) : -1;
}

int pf_wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int pf_reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void pf_event_child_ended(struct pf_event_run *run, int status)
{
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		run->did.ended_ok++;
		return;
	}
	if (!run->did.ended_bad++)
		run->did.bad_status = status;
}

struct pf_target pf_target_whole(struct pf_region *r)
{
	return r ? (struct pf_target){ r, r->base, r->len } :
		   (struct pf_target){ NULL, NULL, 0 };
}

struct pf_target pf_target_middle_page(struct pf_region *r)
{
	size_t ps = pf_page_size();
	char *page = r->base + (r->len / 2 & ~(ps - 1));

	/* rounded up to a page boundary when the region does not start on one */
	if ((uintptr_t)page % ps)
		page += ps - (uintptr_t)page % ps;
	if (page + ps > r->base + r->len)
		return (struct pf_target){ r, r->base, 0 };
	return (struct pf_target){ r, page, ps };
}

enum pf_result pf_event_failed(const struct pf_event *ev, int err)
{
	if (err == -ENODATA)
		return pf_skip("%s could not be shown to act (see above)", ev->name);
	if (err == -EOPNOTSUPP)
		return pf_skip("%s: refused here (see above): %s", ev->name,
			       ev->summary);
	return pf_error("%s: %s", ev->name, strerror(-err));
}

static void report(const struct pf_event_run *run);
static void say_bad_end(const struct pf_event_run *run);

int pf_event_start(struct pf_event_run *run, const struct pf_event *ev,
		   struct pf_target at, pf_child_fn fn, void *arg)
{
	int err;

	memset(run, 0, sizeof(*run));
	run->ev = ev;
	run->at = at;
	run->go_fd = -1;
	run->fn = fn;
	run->arg = arg;
	run->did.bad_status = -1;
	run->forks_before = pf_forks_started();
	err = ev->start(run);
	if (run->forks_before >= 0)
		run->did.forks = (int)(pf_forks_started() - run->forks_before);
	/* for callers that judge by this alone: a child that failed fails it */
	if (!err && run->did.ended_bad) {
		report(run);
		say_bad_end(run);
		err = -ECHILD;
	}
	return err;
}

int pf_event_finish(struct pf_event_run *run)
{
	int status;

	if (run->aside) {
		munmap(run->aside, run->aside_len);
		run->aside = NULL;
	}
	if (run->child <= 0)
		return run->child_result;
	close(run->go_fd);
	run->go_fd = -1;
	status = pf_wait_status(run->child);
	run->child = 0;
	/* the child bumps the counter itself, maybe after fork() returned here */
	if (run->forks_before >= 0)
		run->did.forks = (int)(pf_forks_started() - run->forks_before);
	/* an alive child's exit code is its fn's verdict, not a failure */
	if (status != -1 && WIFEXITED(status)) {
		run->did.ended_ok++;
		run->child_result = WEXITSTATUS(status);
	} else {
		pf_event_child_ended(run, status);
		run->child_result = -1;
	}
	return run->child_result;
}

static void describe_end(int status, char *buf, size_t size)
{
	if (status == -1)
		snprintf(buf, size, "its work was never seen");
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
}

static const char *memory_kind(const struct pf_event_tally *d)
{
	if (d->forks && d->shared_mm)
		return "copied and shared";
	if (d->forks)
		return "copied (COW)";
	return d->shared_mm ? "shared with the child (CLONE_VM)" : "no child";
}

static void report(const struct pf_event_run *run)
{
	const struct pf_event_tally *d = &run->did;

	pf_diag("event %s: forks=%d shared_mm_children=%d ended_ok=%d ended_bad=%d memory=%s",
		run->ev->name, d->forks, d->shared_mm, d->ended_ok,
		d->ended_bad, memory_kind(d));
}

static void say_bad_end(const struct pf_event_run *run)
{
	char end[64];

	describe_end(run->did.bad_status, end, sizeof(end));
	pf_diag("event %s: a child did not do its work (%s)", run->ev->name, end);
}

/* ERROR (with the reason) when the event did not happen as its row says. */
static enum pf_result unproven(const struct pf_event_run *run)
{
	const struct pf_event *ev = run->ev;
	const struct pf_event_tally *d = &run->did;
	char end[64];

	if (d->ended_bad) {
		describe_end(d->bad_status, end, sizeof(end));
		return pf_error("%s: a child did not do its work (%s)", ev->name, end);
	}
	if ((ev->flags & PF_EV_FORK) && run->forks_before < 0)
		return pf_error("%s: cannot count forks", ev->name);
	if ((ev->flags & PF_EV_FORK) && d->forks < ev->children)
		return pf_error("%s: the event did not fork (%d of %d forks)",
				ev->name, d->forks, ev->children);
	if ((ev->flags & PF_EV_SHARES_MM) && d->shared_mm < 1)
		return pf_error("%s: no child ran", ev->name);
	if (d->ended_ok < ev->children)
		return pf_error("%s: %d of %d children seen to do their work",
				ev->name, d->ended_ok, ev->children);
	return PF_PASS;
}

enum pf_result pf_event_end(struct pf_event_run *run)
{
	enum pf_result res;

	pf_event_finish(run);
	report(run);
	res = unproven(run);
	if (res != PF_PASS)
		return res;
	if (run->child_result == 1)
		return pf_fail("the child's memory changed: isolation broken");
	if (run->child_result)
		return pf_error("%s: the child ended with %d", run->ev->name,
				run->child_result);
	return PF_PASS;
}
