/* SPDX-License-Identifier: GPL-2.0 */
/* Whole transfers on pipes and sockets, which may move less than asked. */
#ifndef PINFORK_FULL_IO_H
#define PINFORK_FULL_IO_H

#include <stddef.h>

/* Reads exactly len bytes: 0, or -errno (-EIO at end of file). */
int pf_read_full(int fd, void *buf, size_t len);
/* Sends exactly len bytes on a socket without SIGPIPE: 0, or -errno. */
int pf_send_full(int fd, const void *buf, size_t len);

#endif
