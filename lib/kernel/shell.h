/* SPDX-License-Identifier: GPL-2.0 */
/* Setup commands the kernel offers no call for (modprobe, rdma link). */
#ifndef PINFORK_SHELL_H
#define PINFORK_SHELL_H

#include <stddef.h>

/* Runs cmd with sh; its first output line goes to out (when not NULL). 0 on exit 0. */
int pf_shell(const char *cmd, char *out, size_t size);

#endif
