/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the PF_PIN_HOLDS rows share: their start() puts a read of the pin's
 * range in flight and holds it there, their finish() lets it land and
 * checks where it landed.
 *
 * The read comes from a held-I/O file (held_io.h: the case's own FUSE or
 * nbd server) serving seed's pattern, issued the row's way (held_path.h:
 * pread from a thread, io_uring READ, READ_FIXED) by a reader thread. start
 * returns PF_PASS only once the server holds the request, exactly as asked
 * (the proof that it went direct and is in flight: the kernel has the
 * pages); finish releases it, waits for the reader (with a timeout) and
 * checks that the owner's CPU reads seed's pattern over the whole range.
 */
#ifndef PINFORK_PIN_HOLD_H
#define PINFORK_PIN_HOLD_H

#include <pthread.h>
#include <stdint.h>

#include "held_io.h"
#include "held_path.h"
#include "pin.h"

struct pf_pin_hold {
	const struct pf_held_backend *backend;
	struct pf_held_run run;	/* run.h is set while a read is in flight */
	pthread_t reader;
	int reading;		/* the reader thread was started and not joined */
	uint32_t seed;
};

/* For check/selftest_pins.c: build a read that is never held. */
struct pf_pin_hold_hooks {
	size_t arm_skew;	/* arm this far from the read's offset */
	double hold_timeout;	/* seconds to wait for the hold; 0: 10 s */
};
extern struct pf_pin_hold_hooks pf_pin_hold_test_hooks;

/*
 * Reads st's range [st->io, st->io + st->r->len) from a held file of seed's
 * pattern by path (ring: the row's own ring for the io_uring paths, or
 * NULL), and returns once the server holds it: PF_PASS; SKIP without a
 * held-I/O backend or with a misaligned range; ERROR when the read never
 * reached the server or reached it other than direct.
 */
enum pf_result pf_pin_hold_start(struct pf_pin_hold *ho, struct pf_pin_state *st,
				 const struct pf_held_path *path,
				 struct pf_uring *ring, uint32_t seed);

/*
 * Releases the held read, waits for it, and checks that the owner's CPU
 * reads its data at st->r->base: PF_PASS, FAIL (a lost or short read),
 * ERROR (the read failed or never came back). how names the read.
 */
enum pf_result pf_pin_hold_finish(struct pf_pin_hold *ho, struct pf_pin_state *st,
				  const char *how);

/* Lets a read still in flight go, waits for it, closes the server. */
void pf_pin_hold_drop(struct pf_pin_hold *ho);

#endif
