// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD fault injector for make check (check/sections/25-events.sh):
 * every fork() made inside a case (PINFORK_CASE is set in the case's own
 * process by the runner, so the runner's forks are left alone) is faulted:
 *
 *   PINFORK_FORK_FAULT=eagain  fork() fails with EAGAIN, no child
 *   PINFORK_FORK_FAULT=segv    fork() succeeds, the child dies of SIGSEGV
 *                              before it returns from fork()
 *
 * and the case's name is appended to the file PINFORK_FORK_FAULT_LOG.
 * glibc's system(), popen() and posix_spawn() do not call fork(): they are
 * not faulted, and not logged.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

static void log_case(const char *name)
{
	const char *path = getenv("PINFORK_FORK_FAULT_LOG");
	char line[256];
	int fd, len;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	/* one write per line: O_APPEND keeps lines of parallel forks whole */
	len = snprintf(line, sizeof(line), "%s\n", name);
	if (len > 0 && (size_t)len < sizeof(line) && write(fd, line, len) < 0)
		errno = 0;
	close(fd);
}

static void die_of_segv(void)
{
	sigset_t segv;

	prctl(PR_SET_DUMPABLE, 0);	/* no core file for each child */
	signal(SIGSEGV, SIG_DFL);
	sigemptyset(&segv);
	sigaddset(&segv, SIGSEGV);
	sigprocmask(SIG_UNBLOCK, &segv, NULL);
	kill(getpid(), SIGSEGV);
	_exit(139);
}

pid_t fork(void)
{
	pid_t (*real_fork)(void) = (pid_t (*)(void))dlsym(RTLD_NEXT, "fork");
	const char *mode = getenv("PINFORK_FORK_FAULT");
	const char *name = getenv("PINFORK_CASE");
	pid_t pid;

	if (!mode || !name || !*name)
		return real_fork();
	log_case(name);
	if (!strcmp(mode, "eagain")) {
		errno = EAGAIN;
		return -1;
	}
	pid = real_fork();
	if (pid == 0 && !strcmp(mode, "segv"))
		die_of_segv();
	return pid;
}
