/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pins: who else holds the pages of a region. Each pin is a row with the
 * same operations, so a scenario never knows whether it drives io_uring,
 * O_DIRECT, an RDMA MR or a pipe:
 *   take     pin [base, base+len) of the region (or, for a short-term pin
 *            that lives for one syscall, remember it)
 *   send     the device reads the region: it must see seed's pattern, which
 *            the CPU wrote there last
 *   bring    the device writes seed's pattern into the region through the
 *            pin: the owner's CPU must read it at the region's address
 *   start    (PF_PIN_HOLDS) put a transfer of seed's pattern into the
 *            pin's range in flight and hold it: PF_PASS only once the
 *            other end is shown to hold it (the kernel has the pages)
 *   finish   let the held transfer complete, wait for it (with a timeout):
 *            the owner's CPU must read seed's pattern at the region's
 *            address (lib/pin/pin_hold.h)
 *   release  drop the pin (and a transfer still held)
 * Every operation returns a verdict (SKIP when a prerequisite is missing,
 * FAIL with the first bad offset on a mismatch, ERROR when its machinery
 * broke). Adding a pin = one file + one row in pin.c.
 */
#ifndef PINFORK_PIN_H
#define PINFORK_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "backing.h"
#include "pf_case.h"

enum pf_pin_flag {
	PF_PIN_LONGTERM	= 1u << 0,	/* FOLL_LONGTERM: held until release */
	PF_PIN_SHORTTERM = 1u << 1,	/* held for one syscall or request */
	PF_PIN_DEV_READS = 1u << 2,	/* send(): CPU -> device */
	PF_PIN_DEV_WRITES = 1u << 3,	/* bring(): device -> CPU */
	PF_PIN_HOLDS	= 1u << 4,	/* start/finish hold a transfer in flight */
	PF_PIN_FOLL_FORCE = 1u << 5,	/* GUP with FOLL_FORCE (/proc/PID/mem) */
	/*
	 * Page references (FOLL_GET), not FOLL_PIN: fork does not copy the
	 * page for them, so a write after fork COWs the page away from the
	 * reference, as it must (the fix of CVE-2020-29374, 09854ba94c6a):
	 * such a pin goes on sending what the page held at that write.
	 */
	PF_PIN_REFS	= 1u << 6,
	PF_PIN_DEVICE	= 1u << 7,	/* a device (NIC) moves the data, not a syscall */
};

struct pf_pin;

/* A taken pin. */
struct pf_pin_state {
	const struct pf_pin *pin;
	struct pf_region *r;	/* the owner's view: where its CPU reads and writes */
	/*
	 * Where the pin points: r->base when taken. check/selftest_pins.c
	 * points a short-term pin elsewhere to build its failure symptom.
	 */
	char *io;
	void *priv;		/* the row's own state */
};

struct pf_pin {
	const char *name;	/* appended to case names */
	const char *summary;
	unsigned flags;		/* enum pf_pin_flag */
	unsigned needs;		/* enum pf_need */
	enum pf_result (*take)(struct pf_pin_state *st);
	enum pf_result (*send)(struct pf_pin_state *st, uint32_t seed);
	enum pf_result (*bring)(struct pf_pin_state *st, uint32_t seed);
	/* PF_PIN_HOLDS: put a transfer in flight, and wait for it (later) */
	enum pf_result (*start)(struct pf_pin_state *st, uint32_t seed);
	enum pf_result (*finish)(struct pf_pin_state *st);
	void (*release)(struct pf_pin_state *st);
};

/* The pin table (lib/model hands it to the harness as the pin dimension). */
extern const struct pf_pin *const pf_pins[];
extern const size_t pf_pins_count;

static inline const char *pf_pin_name(const struct pf_pin_state *st)
{
	return st->pin->name;
}

static inline int pf_pin_has(const struct pf_pin_state *st, unsigned flags)
{
	return (st->pin->flags & flags) == flags;
}

/* Takes pin p on r; the state is released by pf_pin_release() whatever the verdict. */
enum pf_result pf_pin_take(struct pf_pin_state *st, const struct pf_pin *p,
			   struct pf_region *r);
/* ERROR when the pin cannot move data that way (a template asks by flags). */
enum pf_result pf_pin_send(struct pf_pin_state *st, uint32_t seed);
enum pf_result pf_pin_bring(struct pf_pin_state *st, uint32_t seed);
enum pf_result pf_pin_start(struct pf_pin_state *st, uint32_t seed);
enum pf_result pf_pin_finish(struct pf_pin_state *st);
void pf_pin_release(struct pf_pin_state *st);

/*
 * Every direction the pin moves data, as the owner's CPU sees the region:
 * send must deliver cpu_seed's pattern (the CPU wrote it last), then bring
 * device_seed's pattern to where the CPU reads. SKIP for a pin that moves
 * no data.
 */
enum pf_result pf_pin_coherent(struct pf_pin_state *st, uint32_t cpu_seed,
			       uint32_t device_seed);

/*
 * For rows: the row's state, zeroed (size bytes, freed by release), or
 * NULL when out of memory.
 */
void *pf_pin_priv(struct pf_pin_state *st, size_t size);
/* For rows: a zeroed private anonymous buffer of len bytes, or NULL. */
void *pf_pin_bounce(size_t len);
void pf_pin_bounce_free(void *p, size_t len);

/*
 * For rows where the kernel itself copies through the pin (process_vm,
 * /proc/PID/mem): copy_out reads len bytes at st->io into buf, copy_in
 * writes buf to st->io; 0 or -errno. send checks what copy_out got, bring
 * what the owner's CPU reads after copy_in; what names the copy.
 */
typedef int (*pf_pin_copy_fn)(struct pf_pin_state *st, void *buf, size_t len);
enum pf_result pf_pin_copy_send(struct pf_pin_state *st, uint32_t seed,
				pf_pin_copy_fn copy_out, const char *what);
enum pf_result pf_pin_copy_bring(struct pf_pin_state *st, uint32_t seed,
				 pf_pin_copy_fn copy_in, const char *what);

#endif
