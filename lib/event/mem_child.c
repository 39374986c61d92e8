// SPDX-License-Identifier: GPL-2.0
/* A child that checks a memory row's effect (mem_child.h). */
#include "mem_child.h"

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int pf_fork_and_check(struct pf_event_run *run, pf_child_check_fn check)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int res = run->fn ? run->fn(run->arg) : 0;

		if (!res)
			res = check(run);
		_exit(res);
	}
	status = pf_wait_status(pid);
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 1) {
		run->child_result = 1;
		status = 0;	/* it did its work: what it saw is the verdict */
	}
	pf_event_child_ended(run, status);
	return 0;
}
