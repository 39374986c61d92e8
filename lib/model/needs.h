/* SPDX-License-Identifier: GPL-2.0 */
/* The gates of enum pf_need: what a case needs before it can run at all. */
#ifndef PINFORK_NEEDS_H
#define PINFORK_NEEDS_H

#include <stddef.h>

/* 0 when every need in needs (enum pf_need) holds; else -1 and why not. */
int pf_needs_check(unsigned needs, char *why, size_t size);

#endif
