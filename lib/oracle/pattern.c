// SPDX-License-Identifier: GPL-2.0
#include "pattern.h"

#include "pf_case.h"

uint8_t pf_pattern_byte(uint32_t seed, size_t offset)
{
	uint32_t x = seed * 2654435761u ^ (uint32_t)(offset >> 2) * 40503u;

	x ^= x >> 13;
	x *= 0x5bd1e995u;
	x ^= x >> 15;
	return (uint8_t)(x >> (8 * (offset & 3)));
}

void pf_pattern_fill(void *buf, size_t len, uint32_t seed)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = pf_pattern_byte(seed, i);
}

static int record_bad(struct pf_mismatch *m, size_t i, uint8_t want,
		      uint8_t got)
{
	if (!m->bad_bytes++) {
		m->offset = i;
		m->expected = want;
		m->found = got;
	}
	return -1;
}

int pf_pattern_check(const void *buf, size_t len, uint32_t seed,
		     struct pf_mismatch *m)
{
	const uint8_t *p = buf;
	int rc = 0;

	m->bad_bytes = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t want = pf_pattern_byte(seed, i);

		if (p[i] != want)
			rc = record_bad(m, i, want, p[i]);
	}
	return rc;
}

int pf_compare(const void *buf, const void *ref, size_t len,
	       struct pf_mismatch *m)
{
	const uint8_t *p = buf, *r = ref;
	int rc = 0;

	m->bad_bytes = 0;
	for (size_t i = 0; i < len; i++)
		if (p[i] != r[i])
			rc = record_bad(m, i, r[i], p[i]);
	return rc;
}

void pf_mismatch_diag(const char *what, const struct pf_mismatch *m)
{
	pf_diag("%s: first bad offset %zu (0x%zx): expected 0x%02x found 0x%02x; %zu bytes differ",
		what, m->offset, m->offset, m->expected, m->found, m->bad_bytes);
}
