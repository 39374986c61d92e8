/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the O_DIRECT pins share: a scratch file that really does direct I/O,
 * and the two checks, whichever way the request is issued (a syscall, or
 * io_uring without fixed buffers). The kernel pins the buffer for the
 * request only: take() remembers the region, send and bring do the I/O;
 * start and finish hold a read in flight the same way (pin_hold.h).
 */
#ifndef PINFORK_PIN_DIO_H
#define PINFORK_PIN_DIO_H

#include "held_path.h"
#include "odirect.h"
#include "pin.h"
#include "pin_hold.h"
#include "uring.h"

struct pf_pin_dio;

/* Moves len bytes between buf and the scratch file's start: 0 or -errno. */
typedef int (*pf_dio_mover)(struct pf_pin_dio *d, void *buf, size_t len);

struct pf_pin_dio {
	struct pf_scratch s;
	struct pf_uring u;	/* for the io_uring row */
	pf_dio_mover read, write;
	const char *how;	/* names the requests in diagnostics */
	const struct pf_held_path *held_path;	/* how start() issues its read */
	struct pf_pin_hold hold;
};

/* Opens the scratch file for st's region; SKIP when none or the region is misaligned. */
enum pf_result pf_pin_dio_take(struct pf_pin_state *st, pf_dio_mover read,
			       pf_dio_mover write, const char *how,
			       const struct pf_held_path *held_path);
enum pf_result pf_pin_dio_send(struct pf_pin_state *st, uint32_t seed);
enum pf_result pf_pin_dio_bring(struct pf_pin_state *st, uint32_t seed);
enum pf_result pf_pin_dio_start(struct pf_pin_state *st, uint32_t seed);
enum pf_result pf_pin_dio_finish(struct pf_pin_state *st);
void pf_pin_dio_release(struct pf_pin_state *st);

#endif
