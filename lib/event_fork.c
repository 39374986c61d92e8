// SPDX-License-Identifier: GPL-2.0
/*
 * The fork events. Children created here leave with _exit(): exit() would
 * run the case's atexit handlers (knob restore) in the wrong process.
 */
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"

extern char **environ;

int pf_reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
	if (run->child < 0)
		return -errno;
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
	(void)run;
	fflush(NULL);
	return pf_fork_exit_now();
}

static int fork_exec(struct pf_event_run *run)
{
	pid_t pid;

	(void)run;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return pf_reap(pid) == 0 ? 0 : -ENOEXEC;
}

static int lib_system(struct pf_event_run *run)
{
	(void)run;
	fflush(NULL);
	return system("true") == 0 ? 0 : -ECHILD;
}

static int lib_popen(struct pf_event_run *run)
{
	FILE *f;
	char buf[16];

	(void)run;
	fflush(NULL);
	f = popen("echo pinfork", "r");
	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f))
		;
	return pclose(f) == 0 ? 0 : -ECHILD;
}

static int lib_posix_spawn(struct pf_event_run *run)
{
	char *argv[] = { "true", NULL };
	pid_t pid;
	int err;

	(void)run;
	err = posix_spawnp(&pid, "true", NULL, NULL, argv, environ);
	if (err)
		return -err;
	return pf_reap(pid) == 0 ? 0 : -ECHILD;
}

static void *fork_in_thread(void *arg)
{
	int *rc = arg;

	*rc = fork_exit(NULL);
	return NULL;
}

static int thread_fork(struct pf_event_run *run)
{
	pthread_t t;
	int rc = -EINVAL, err;

	(void)run;
	err = pthread_create(&t, NULL, fork_in_thread, &rc);
	if (err)
		return -err;
	pthread_join(t, NULL);
	return rc;
}

const struct pf_event pf_event_fork_alive = {
	.name = "fork-alive",
	.summary = "fork(), the child stays alive",
	.flags = PF_EV_FORK | PF_EV_ALIVE,
	.start = fork_alive,
};

/* A row of pf_events[] for an event no other file names. */
#define EVENT(ev_name, ev_summary, ev_flags, ev_start)			\
	&(const struct pf_event){ .name = ev_name, .summary = ev_summary, \
				  .flags = ev_flags, .start = ev_start }

const struct pf_event *const pf_events[] = {
	&pf_event_fork_alive,
	EVENT("fork-exit", "fork(), the child exits at once",
	      PF_EV_FORK, fork_exit),
	EVENT("fork-exec", "fork() then exec of /bin/true",
	      PF_EV_FORK, fork_exec),
	EVENT("system", "a fork hidden in system()",
	      PF_EV_FORK | PF_EV_HIDDEN, lib_system),
	EVENT("popen", "a fork hidden in popen()",
	      PF_EV_FORK | PF_EV_HIDDEN, lib_popen),
	EVENT("posix-spawn", "a child started with posix_spawn()",
	      PF_EV_FORK | PF_EV_HIDDEN, lib_posix_spawn),
	EVENT("thread-fork", "fork() from another thread of the process",
	      PF_EV_FORK, thread_fork),
};
const size_t pf_events_count = sizeof(pf_events) / sizeof(pf_events[0]);

int pf_event_start(struct pf_event_run *run, const struct pf_event *ev,
		   pf_child_fn fn, void *arg)
{
	memset(run, 0, sizeof(*run));
	run->ev = ev;
	run->go_fd = -1;
	run->fn = fn;
	run->arg = arg;
	return ev->start(run);
}

int pf_event_finish(struct pf_event_run *run)
{
	if (run->child <= 0)
		return 0;
	close(run->go_fd);
	run->go_fd = -1;
	return pf_reap(run->child);
}
