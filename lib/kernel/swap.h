/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Swap space for the cases that page memory out: the active swap, or a
 * temporary swap file in the state directory that the first process to
 * ask sets up and holds for its life (journaled with knob_undo_cmd_held(),
 * so run.sh --restore removes it after a crash). And proof that pages are
 * swapped out (pagemap bit 62).
 */
#ifndef PINFORK_SWAP_H
#define PINFORK_SWAP_H

#include <stddef.h>

/* Bytes of the temporary swap file: a few PMD THPs and their small pages. */
#define PF_SWAP_FILE_BYTES (32u << 20)

/* 1 when /proc/swaps lists an active swap area. */
int pf_swap_active(void);
/*
 * Makes swap active: 0 when it is (already, or now through a temporary swap
 * file this process holds until it exits), else -1 with why.
 */
int pf_swap_ensure(char *why, size_t size);
/* Pages of [addr, addr+len) whose pagemap entry is a swap entry. */
size_t pf_pages_swapped(const void *addr, size_t len);
/*
 * 1 when the swap entries of [addr, addr+len) are consecutive slots of one
 * swap area: a large folio swapped out whole, not split first.
 */
int pf_swap_slots_consecutive(const void *addr, size_t len);
/*
 * MADV_PAGEOUT of [addr, addr+len), until every page is swapped out (a few
 * tries: the LRU batches may hold a page back). 0, or -1 with why.
 */
int pf_swap_out(void *addr, size_t len, char *why, size_t size);

#endif
