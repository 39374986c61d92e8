// SPDX-License-Identifier: GPL-2.0
/* The pinned fixture (pin_invariants.h). */

#include "pin_invariants.h"

#include <string.h>

#include "oracle.h"
#include "pattern.h"

enum { SEED_CPU = 101, SEED_DEVICE = 102 };

enum pf_result pf_pinned_setup(struct pf_pinned *p, char *pin, size_t pin_len,
			       uint32_t seed)
{
	char why[256];

	memset(p, 0, sizeof(*p));
	p->s.fd = p->s.dio_fd = -1;
	p->pin = pin;
	p->pin_len = pin_len;
	if (pf_scratch_open(&p->s, pin_len, why, sizeof(why)))
		return pf_skip("%s", why);
	pf_pattern_fill(pin, pin_len, seed);
	return pf_uring_pin(&p->u, pin, pin_len);
}

void pf_pinned_teardown(struct pf_pinned *p)
{
	pf_uring_exit(&p->u);
	pf_scratch_close(&p->s);
}

enum pf_result pf_pinned_coherent(struct pf_pinned *p)
{
	enum pf_result res;

	pf_pattern_fill(p->pin, p->pin_len, SEED_CPU);
	res = pf_fixed_sends(&p->u, &p->s, p->pin, p->pin_len, SEED_CPU);
	if (res != PF_PASS)
		return res;
	return pf_fixed_brings(&p->u, &p->s, p->pin, p->pin, p->pin_len,
			       SEED_DEVICE);
}
