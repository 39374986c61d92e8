// SPDX-License-Identifier: GPL-2.0
#include "lockstep.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"

pid_t pf_lockstep_fork(struct pf_lockstep *ls)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	fflush(NULL);
	ls->child = fork();
	if (ls->child < 0) {
		int err = -errno;

		close(sv[0]);
		close(sv[1]);
		return err;
	}
	ls->fd = ls->child ? sv[0] : sv[1];
	close(ls->child ? sv[1] : sv[0]);
	return ls->child;
}

int pf_lockstep_give(struct pf_lockstep *ls)
{
	ssize_t n;

	do
		n = send(ls->fd, "t", 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

int pf_lockstep_wait(struct pf_lockstep *ls)
{
	char c;
	ssize_t n;

	do
		n = recv(ls->fd, &c, 1, 0);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

int pf_lockstep_pass(struct pf_lockstep *ls)
{
	return pf_lockstep_give(ls) ? -1 : pf_lockstep_wait(ls);
}

int pf_lockstep_reap(struct pf_lockstep *ls)
{
	int status;

	close(ls->fd);
	ls->fd = -1;
	status = pf_reap(ls->child);
	return status < 0 ? -1 : status;
}

void pf_lockstep_exit(struct pf_lockstep *ls, int status)
{
	close(ls->fd);
	fflush(NULL);
	_exit(status);
}
