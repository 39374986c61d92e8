// SPDX-License-Identifier: GPL-2.0
/*
 * The fork events, one row each (the table is in event.c), and what each
 * leaves behind as proof that it happened. Children created here leave
 * with _exit(): exit() would run the case's atexit handlers (knob restore)
 * in the wrong process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"
#include "pinfork_helper.h"

extern char **environ;

#define PROOF_WAIT_MS 10000	/* how long a daemon may take to show it ran */

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
	pf_event_child_ended(run, pf_wait_status(pid));
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
	pf_event_child_ended(run, pf_wait_status(pid));
	return 0;
}

/* The status a library call returned for its child (-1 = no child). */
static int library_child(struct pf_event_run *run, int status)
{
	if (status == -1)
		return errno ? -errno : -ECHILD;
	pf_event_child_ended(run, status);
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
	return shared_mm_child(run, pf_wait_status(pid));
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
		pf_event_child_ended(run, daemon_proof(proof[0]) ? 0 : -1);
	close(proof[0]);
	return err;
}

/*
 * The rows, in the table's order (event.c); lib-vfork-system is in no
 * table, the programs that want it name it. Summaries stay short: the
 * case's summary is the template's, the event's and the backing's in 256
 * bytes.
 */
#define EVENT_ROW(id, ev_name, ev_summary, ev_flags, ev_children, ev_start) \
	const struct pf_event pf_event_##id = {				    \
		.name = ev_name, .summary = ev_summary,			    \
		.flags = PF_EV_FORK_FAMILY | (ev_flags),		    \
		.children = ev_children, .start = ev_start,		    \
	}

EVENT_ROW(fork_alive, "fork-alive",
	  "fork(), the child stays alive and checks its copy",
	  PF_EV_FORK | PF_EV_ALIVE, 1, fork_alive);
EVENT_ROW(fork_exit, "fork-exit",
	  "fork(), the child exits at once",
	  PF_EV_FORK, 1, fork_exit);
EVENT_ROW(fork_exec, "fork-exec",
	  "fork() then exec of /bin/true",
	  PF_EV_FORK, 1, fork_exec);
EVENT_ROW(system, "system",
	  "system(): a CLONE_VM|CLONE_VFORK child, parent's view only",
	  PF_EV_SHARES_MM | PF_EV_HIDDEN, 1, lib_system);
EVENT_ROW(popen, "popen",
	  "popen(): a CLONE_VM|CLONE_VFORK child, parent's view only",
	  PF_EV_SHARES_MM | PF_EV_HIDDEN, 1, lib_popen);
EVENT_ROW(posix_spawn, "posix-spawn",
	  "posix_spawn(): a CLONE_VM|CLONE_VFORK child, parent's view only",
	  PF_EV_SHARES_MM | PF_EV_HIDDEN, 1, lib_posix_spawn);
EVENT_ROW(thread_fork, "thread-fork",
	  "fork() from another thread of the process",
	  PF_EV_FORK, 1, thread_fork);
EVENT_ROW(lib_fork_exec, "lib-fork-exec",
	  "a library's own system(): fork, exec sh -c, waitpid",
	  PF_EV_FORK | PF_EV_HIDDEN, 1, lib_fork_exec);
EVENT_ROW(lib_thread_fork, "lib-thread-fork",
	  "fork and exec from a thread that a library owns",
	  PF_EV_FORK | PF_EV_HIDDEN, 1, lib_thread_fork);
EVENT_ROW(lib_daemon, "lib-daemon",
	  "a library's daemon(3)-style double fork",
	  PF_EV_FORK | PF_EV_HIDDEN, 2, lib_daemon);
EVENT_ROW(lib_vfork_system, "lib-vfork-system",
	  "a library calls system(): CLONE_VM child, parent's view only",
	  PF_EV_SHARES_MM | PF_EV_HIDDEN, 1, lib_vfork_system);
