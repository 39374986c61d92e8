/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for a third-party library that forks behind the caller's back
 * (the 2020 RDMA regression was found through a fork deep in a library).
 * Built as build/lib/libpinfork_helper.so; programs find it through an
 * $ORIGIN rpath (next to them when installed, build/lib in the tree).
 *
 * The routines fork the way real libraries still do. Like system(), each
 * returns the wait status of the child it waited for, or -1 with errno set
 * when it could not fork or wait.
 */
#ifndef PINFORK_HELPER_H
#define PINFORK_HELPER_H

/*
 * The library's own system(): fork(), exec /bin/sh -c cmd, waitpid() (what
 * glibc before 2.29 and Python's subprocess with preexec_fn do). The child
 * gets a copy of the caller's memory.
 */
int pinfork_helper_run(const char *cmd);

/*
 * The same fork and exec from a worker thread the library creates and joins
 * (a background "housekeeping" thread).
 */
int pinfork_helper_run_in_thread(const char *cmd);

/*
 * daemon(3)-style double fork: the child starts a new session, forks the
 * daemon and exits; the daemon writes "ran <pid>\n" to proof_fd, then exits
 * without being waited for by anyone here. Returns the intermediate child's
 * wait status. The caller closes its own copy of proof_fd, then reads it to
 * end of file to see that the daemon ran and ended.
 */
int pinfork_helper_daemon(int proof_fd);

/*
 * The C library's system() ("true"): with glibc >= 2.29 a clone with
 * CLONE_VM | CLONE_VFORK, which shares the caller's memory. 0 on success.
 */
int pinfork_helper_housekeeping(void);

#endif
