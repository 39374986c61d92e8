// SPDX-License-Identifier: GPL-2.0
/*
 * The fork events, and how each proves it happened. Children created here
 * leave with _exit(): exit() would run the case's atexit handlers (knob
 * restore) in the wrong process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"
#include "pinfork_helper.h"

extern char **environ;

#define PROOF_WAIT_MS 10000	/* how long a daemon may take to show it ran */

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

/* The raw wait status of pid, or -1 when it cannot be waited for. */
static int wait_status(pid_t pid)
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

/* A child of the event ended with wait status (-1: never waited for). */
static void child_ended(struct pf_event_run *run, int status)
{
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		run->did.ended_ok++;
		return;
	}
	if (!run->did.ended_bad++)
		run->did.bad_status = status;
}

static void wait_for_release(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

int pf_fork_alive(struct pf_event_run *run, pf_child_fn fn, void *arg)
{
	int go[2];

	if (pipe(go))
		return -errno;
	fflush(NULL);
	run->child = fork();
	if (run->child < 0) {
		int err = -errno;

		close(go[0]);
		close(go[1]);
		return err;
	}
	if (run->child == 0) {
		close(go[1]);
		wait_for_release(go[0]);
		_exit(fn ? fn(arg) : 0);
	}
	close(go[0]);
	run->go_fd = go[1];
	return 0;
}

static int fork_alive(struct pf_event_run *run)
{
	return pf_fork_alive(run, run->fn, run->arg);
}

int pf_fork_exit_now(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	return pf_reap(pid) == 0 ? 0 : -ECHILD;
}

static int fork_exit(struct pf_event_run *run)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	child_ended(run, wait_status(pid));
	return 0;
}

static int fork_exec(struct pf_event_run *run)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	child_ended(run, wait_status(pid));
	return 0;
}

/* The status a library call returned for its child (-1 = no child). */
static int library_child(struct pf_event_run *run, int status)
{
	if (status == -1)
		return errno ? -errno : -ECHILD;
	child_ended(run, status);
	return 0;
}

/* A CLONE_VM child that the C library says ran: counted as sharing the mm. */
static int shared_mm_child(struct pf_event_run *run, int status)
{
	int err = library_child(run, status);

	if (!err)
		run->did.shared_mm++;
	return err;
}

static int lib_system(struct pf_event_run *run)
{
	fflush(NULL);
	errno = 0;
	return shared_mm_child(run, system("true"));
}

/* popen()'s child proves it ran by what it prints. */
static int lib_popen(struct pf_event_run *run)
{
	char buf[16] = "";
	int said_it, status;
	FILE *f;

	fflush(NULL);
	f = popen("echo pinfork", "r");
	if (!f)
		return -errno;
	said_it = fgets(buf, sizeof(buf), f) && !strcmp(buf, "pinfork\n");
	while (fgets(buf, sizeof(buf), f))
		;
	status = pclose(f);
	if (status != -1 && !said_it)
		status = 1 << 8;	/* ran but did not print: a failed child */
	return shared_mm_child(run, status);
}

static int lib_posix_spawn(struct pf_event_run *run)
{
	char *argv[] = { "true", NULL };
	pid_t pid;
	int err;

	err = posix_spawnp(&pid, "true", NULL, NULL, argv, environ);
	if (err)
		return -err;
	return shared_mm_child(run, wait_status(pid));
}

struct thread_fork {
	struct pf_event_run *run;
	int err;
};

static void *fork_in_thread(void *arg)
{
	struct thread_fork *tf = arg;

	tf->err = fork_exit(tf->run);
	return NULL;
}

static int thread_fork(struct pf_event_run *run)
{
	struct thread_fork tf = { .run = run };
	pthread_t t;
	int err;

	err = pthread_create(&t, NULL, fork_in_thread, &tf);
	if (err)
		return -err;
	pthread_join(t, NULL);
	return tf.err;
}

static int lib_fork_exec(struct pf_event_run *run)
{
	errno = 0;
	return library_child(run, pinfork_helper_run("exit 0"));
}

static int lib_thread_fork(struct pf_event_run *run)
{
	errno = 0;
	return library_child(run, pinfork_helper_run_in_thread("exit 0"));
}

static int lib_vfork_system(struct pf_event_run *run)
{
	return shared_mm_child(run, pinfork_helper_housekeeping() ? 1 << 8 : 0);
}

/* Reads "ran PID\n" and then end of file: the daemon wrote and is gone. */
static int daemon_proof(int fd)
{
	char buf[64];
	size_t got = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		ssize_t n;

		if (poll(&p, 1, PROOF_WAIT_MS) <= 0)
			return 0;
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
		if (got == sizeof(buf) - 1)
			return 0;
	}
	buf[got] = '\0';
	return !strncmp(buf, "ran ", 4) && buf[got - 1] == '\n';
}

static int lib_daemon(struct pf_event_run *run)
{
	int proof[2], status, err;

	if (pipe2(proof, O_CLOEXEC))
		return -errno;
	errno = 0;
	status = pinfork_helper_daemon(proof[1]);
	close(proof[1]);
	err = library_child(run, status);
	if (!err)
		child_ended(run, daemon_proof(proof[0]) ? 0 : -1);
	close(proof[0]);
	return err;
}

const struct pf_event pf_event_fork_alive = {
	.name = "fork-alive",
	.summary = "fork(), the child stays alive and checks its copy",
	.flags = PF_EV_FORK | PF_EV_ALIVE,
	.children = 1,
	.start = fork_alive,
};

const struct pf_event pf_event_lib_fork_exec = {
	.name = "lib-fork-exec",
	.summary = "a library's own system(): fork, exec sh -c, waitpid",
	.flags = PF_EV_FORK | PF_EV_HIDDEN,
	.children = 1,
	.start = lib_fork_exec,
};

const struct pf_event pf_event_lib_vfork_system = {
	.name = "lib-vfork-system",
	.summary = "a library calls system(): CLONE_VM child, parent's view only",
	.flags = PF_EV_SHARES_MM | PF_EV_HIDDEN,
	.children = 1,
	.start = lib_vfork_system,
};

/*
 * A row of pf_events[] for an event no other file names. Summaries stay
 * short: the case's summary is the template's, the event's and the
 * backing's in 256 bytes.
 */
#define EVENT(ev_name, ev_summary, ev_flags, ev_children, ev_start)	\
	&(const struct pf_event){ .name = ev_name, .summary = ev_summary, \
				  .flags = ev_flags, .children = ev_children, \
				  .start = ev_start }

const struct pf_event *const pf_events[] = {
	&pf_event_fork_alive,
	EVENT("fork-exit", "fork(), the child exits at once",
	      PF_EV_FORK, 1, fork_exit),
	EVENT("fork-exec", "fork() then exec of /bin/true",
	      PF_EV_FORK, 1, fork_exec),
	EVENT("system", "system(): a CLONE_VM|CLONE_VFORK child, parent's view only",
	      PF_EV_SHARES_MM | PF_EV_HIDDEN, 1, lib_system),
	EVENT("popen", "popen(): a CLONE_VM|CLONE_VFORK child, parent's view only",
	      PF_EV_SHARES_MM | PF_EV_HIDDEN, 1, lib_popen),
	EVENT("posix-spawn", "posix_spawn(): a CLONE_VM|CLONE_VFORK child, parent's view only",
	      PF_EV_SHARES_MM | PF_EV_HIDDEN, 1, lib_posix_spawn),
	EVENT("thread-fork", "fork() from another thread of the process",
	      PF_EV_FORK, 1, thread_fork),
	&pf_event_lib_fork_exec,
	EVENT("lib-thread-fork", "fork and exec from a thread that a library owns",
	      PF_EV_FORK | PF_EV_HIDDEN, 1, lib_thread_fork),
	EVENT("lib-daemon", "a library's daemon(3)-style double fork",
	      PF_EV_FORK | PF_EV_HIDDEN, 2, lib_daemon),
};
const size_t pf_events_count = sizeof(pf_events) / sizeof(pf_events[0]);

static void report(const struct pf_event_run *run);
static void say_bad_end(const struct pf_event_run *run);

int pf_event_start(struct pf_event_run *run, const struct pf_event *ev,
		   pf_child_fn fn, void *arg)
{
	int err;

	memset(run, 0, sizeof(*run));
	run->ev = ev;
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

	if (run->child <= 0)
		return 0;
	close(run->go_fd);
	run->go_fd = -1;
	status = wait_status(run->child);
	run->child = 0;
	/* the child bumps the counter itself, maybe after fork() returned here */
	if (run->forks_before >= 0)
		run->did.forks = (int)(pf_forks_started() - run->forks_before);
	/* an alive child's exit code is its fn's verdict, not a failure */
	if (status != -1 && WIFEXITED(status)) {
		run->did.ended_ok++;
		run->child_result = WEXITSTATUS(status);
	} else {
		child_ended(run, status);
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
