// SPDX-License-Identifier: GPL-2.0
#include "pinfork_helper.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int pinfork_helper_run(const char *cmd)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return wait_status(pid);
}

struct run_job {
	const char *cmd;
	int status;
	int err;
};

static void *run_job(void *arg)
{
	struct run_job *job = arg;

	job->status = pinfork_helper_run(job->cmd);
	job->err = errno;
	return NULL;
}

int pinfork_helper_run_in_thread(const char *cmd)
{
	struct run_job job = { .cmd = cmd, .status = -1 };
	pthread_t worker;
	int err = pthread_create(&worker, NULL, run_job, &job);

	if (err) {
		errno = err;
		return -1;
	}
	pthread_join(worker, NULL);
	errno = job.err;
	return job.status;
}

static void run_daemon(int proof_fd)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "ran %d\n", (int)getpid());

	_exit(write(proof_fd, line, n) == n ? 0 : 1);
}

int pinfork_helper_daemon(int proof_fd)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		pid = fork();
		if (pid == 0)
			run_daemon(proof_fd);
		_exit(pid < 0 ? 1 : 0);
	}
	return wait_status(pid);
}

int pinfork_helper_housekeeping(void)
{
	fflush(NULL);
	return system("true") == 0 ? 0 : -1;
}
