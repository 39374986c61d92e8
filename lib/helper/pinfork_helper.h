/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for a third-party library that forks behind the caller's back
 * (the 2020 RDMA regression was found through a system() call deep in a
 * library). Built as build/lib/libpinfork_helper.so.
 */
#ifndef PINFORK_HELPER_H
#define PINFORK_HELPER_H

/* Does some "housekeeping" through system(); 0 when the command succeeded. */
int pinfork_helper_housekeeping(void);

#endif
