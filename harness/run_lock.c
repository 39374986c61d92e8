// SPDX-License-Identifier: GPL-2.0
#include "run_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "knob.h"

#define DEFAULT_WAIT_SECONDS 600

static int lock_fd = -1;

int run_lock_held_by_runner(void)
{
	const char *held = getenv("PINFORK_LOCK_HELD");

	return held && !strcmp(held, "1");
}

static double wait_limit(void)
{
	const char *env = getenv("PINFORK_LOCK_WAIT");

	return env && *env ? atof(env) : DEFAULT_WAIT_SECONDS;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The holder writes its pid into the file; flock(1) in a shell may not. */
static long holder_from_file(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10) > 0 ? strtol(buf, NULL, 10) : -1;
}

/* /proc/locks: "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" */
static long holder_from_proc_locks(int fd)
{
	FILE *f = fopen("/proc/locks", "re");
	struct stat st;
	char line[256];
	long pid = -1;

	if (!f || fstat(fd, &st)) {
		if (f)
			fclose(f);
		return -1;
	}
	while (pid < 0 && fgets(line, sizeof(line), f)) {
		unsigned long ino;
		long p;

		if (strstr(line, "FLOCK") && !strstr(line, "->") &&
		    sscanf(line, "%*s %*s %*s %*s %ld %*x:%*x:%lu", &p, &ino) == 2 &&
		    ino == st.st_ino)
			pid = p;
	}
	fclose(f);
	return pid;
}

static void say_waiting(int fd)
{
	long pid = holder_from_file(fd);

	if (pid < 0)
		pid = holder_from_proc_locks(fd);
	if (pid > 0)
		printf("# waiting for another pinfork run (pid %ld) to finish ...\n", pid);
	else
		printf("# waiting for another pinfork run to finish ...\n");
	fflush(stdout);
}

static int wait_for_lock(int fd)
{
	struct timespec pause = { .tv_nsec = 100 * 1000 * 1000 };
	double deadline = now() + wait_limit();

	if (!flock(fd, LOCK_EX | LOCK_NB))
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	say_waiting(fd);
	while (now() < deadline) {
		nanosleep(&pause, NULL);
		if (!flock(fd, LOCK_EX | LOCK_NB))
			return 0;
	}
	return -1;
}

static void write_pid(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", getpid());

	if (ftruncate(fd, 0) || pwrite(fd, buf, len, 0) != len)
		return;	/* only a hint for whoever waits */
}

int run_lock_take(void)
{
	char path[512];

	if (run_lock_held_by_runner()) {
		run_lock_die_with_runner();
		return 0;
	}
	if (lock_fd >= 0)
		return 0;
	mkdir(knob_state_dir(), 0700);
	snprintf(path, sizeof(path), "%s/run.lock", knob_state_dir());
	lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0) {
		printf("# cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (wait_for_lock(lock_fd)) {
		close(lock_fd);
		lock_fd = -1;
		return -1;
	}
	write_pid(lock_fd);
	return 0;
}

void run_lock_close_in_child(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}

void run_lock_die_with_runner(void)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)	/* the runner died before prctl */
		raise(SIGTERM);
}
