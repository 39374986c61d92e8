/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A parent and a forked child taking turns over a socketpair, for
 * scenarios whose steps alternate between the two processes (the child
 * pins, the parent writes, the child reads...). A peer that dies or leaves
 * ends the protocol: waiting for it returns -1 instead of hanging.
 */
#ifndef PINFORK_LOCKSTEP_H
#define PINFORK_LOCKSTEP_H

#include <sys/types.h>

/* Which process of the pair. */
enum pf_side { PF_SIDE_PARENT, PF_SIDE_CHILD };

struct pf_lockstep {
	pid_t child;	/* in the parent; 0 in the child */
	int fd;		/* this process's end of the socketpair */
};

/* fork(): 0 in the child, the child's pid in the parent, or -errno. */
pid_t pf_lockstep_fork(struct pf_lockstep *ls);

/* Hands the turn to the peer. 0, or -1 when the peer is gone. */
int pf_lockstep_give(struct pf_lockstep *ls);
/* Waits until the peer hands the turn back. 0, or -1 when it is gone. */
int pf_lockstep_wait(struct pf_lockstep *ls);
/* Gives, then waits. */
int pf_lockstep_pass(struct pf_lockstep *ls);

/* Parent: ends the protocol and reaps the child: its exit status, or -1
 * when a signal killed it. */
int pf_lockstep_reap(struct pf_lockstep *ls);

/* Child: leaves with status through _exit(), never exit(): the atexit
 * handlers of the case (knob restore) belong to the parent. */
void pf_lockstep_exit(struct pf_lockstep *ls, int status)
	__attribute__((noreturn));

#endif
