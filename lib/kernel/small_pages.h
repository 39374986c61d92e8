/* SPDX-License-Identifier: GPL-2.0 */
/* Private anonymous memory of small pages only: THP kept away. */
#ifndef PINFORK_SMALL_PAGES_H
#define PINFORK_SMALL_PAGES_H

#include <stddef.h>

/*
 * len bytes, read-write, private anonymous, MADV_NOHUGEPAGE (best effort:
 * without THP there is nothing to keep away); NULL with errno when mmap fails.
 */
char *pf_map_small_pages(size_t len);

#endif
