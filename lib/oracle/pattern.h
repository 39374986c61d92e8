/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte patterns that differ by seed and by offset, so a page that came from
 * the wrong place, the wrong time or the wrong offset does not match.
 */
#ifndef PINFORK_PATTERN_H
#define PINFORK_PATTERN_H

#include <stddef.h>
#include <stdint.h>

struct pf_mismatch {
	size_t offset;		/* first bad offset */
	uint8_t expected;
	uint8_t found;
	size_t bad_bytes;	/* how many bytes differ in all */
};

uint8_t pf_pattern_byte(uint32_t seed, size_t offset);
void pf_pattern_fill(void *buf, size_t len, uint32_t seed);
/* 0 when buf holds the pattern; else fills *m and returns -1. */
int pf_pattern_check(const void *buf, size_t len, uint32_t seed,
		     struct pf_mismatch *m);
/* Same against a reference buffer. */
int pf_compare(const void *buf, const void *ref, size_t len,
	       struct pf_mismatch *m);
/* Prints "what: first bad offset ..., expected 0x.. found 0x.., N bytes differ". */
void pf_mismatch_diag(const char *what, const struct pf_mismatch *m);

#endif
