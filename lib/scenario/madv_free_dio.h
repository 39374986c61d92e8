/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MADV_FREE reclaim against O_DIRECT reads (6c8e2a256915): a MADV_FREE'd
 * page is clean, and a read that lands in it by DMA leaves it clean; if
 * reclaim discards such a page while the read holds it, the read lands in
 * a page nobody maps and the owner later reads zeros. Reclaim must keep a
 * lazily freed page that anyone else holds a reference or a pin on.
 */
#ifndef PINFORK_MADV_FREE_DIO_H
#define PINFORK_MADV_FREE_DIO_H

#include <stddef.h>
#include <stdint.h>

#include "backing.h"

/*
 * The reclaim step, on a page-aligned range: MADV_PAGEOUT in the tests; a
 * self-test passes a step that drops the pages whatever holds them.
 * 0 or -errno.
 */
typedef int (*pf_reclaim_fn)(void *addr, size_t len);
int pf_reclaim_pageout(void *addr, size_t len);

/*
 * Oracle: the read of seed's pattern is in view. A failure tells read data
 * replaced by zeros (the page was dropped under the I/O) from other data.
 */
enum pf_result pf_read_kept(const void *view, size_t len, uint32_t seed,
			    const char *what);

/*
 * Control: reclaim discards an unpinned MADV_FREE'd twin of len bytes
 * (its pages are gone from pagemap afterwards), else PF_SKIP.
 */
enum pf_result pf_lazyfree_control(size_t len, pf_reclaim_fn reclaim);

/*
 * Deterministic: MADV_FREE the region, register it as a fixed buffer (the
 * pin finds clean lazily freed pages), reclaim, READ_FIXED, reclaim again:
 * the CPU must read the data.
 */
enum pf_result pf_madv_free_fixed_run(struct pf_region *r, pf_reclaim_fn reclaim);

/*
 * Race, for seconds: MADV_FREE the region, submit an io_uring O_DIRECT
 * READ into it, reclaim while the read is in flight, check the data.
 */
enum pf_result pf_madv_free_race_run(struct pf_region *r, double seconds,
				     pf_reclaim_fn reclaim);

#endif
