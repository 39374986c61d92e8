// SPDX-License-Identifier: GPL-2.0
#include "zero_oracle.h"

#include <stdio.h>
#include <string.h>

#include "zeropage.h"

enum pf_result pf_reads_zeros(const void *buf, size_t len, const char *what,
			      struct pf_mismatch *m)
{
	const unsigned char *p = buf;
	struct pf_mismatch local;

	if (!m)
		m = &local;
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < len; i++) {
		if (p[i] && !m->bad_bytes++) {
			m->offset = i;
			m->found = p[i];
		}
	}
	if (!m->bad_bytes)
		return PF_PASS;
	pf_mismatch_diag(what, m);
	return pf_fail("%s: not zero at offset 0x%zx", what, m->offset);
}

enum pf_result pf_zero_page_intact(int huge, const char *when)
{
	struct pf_zero_map z;
	enum pf_result res = pf_zero_map(&z, huge);
	char what[160];

	if (res == PF_PASS) {
		snprintf(what, sizeof(what), "%s: a fresh mapping of the %szero page (PFN 0x%llx)",
			 when, huge ? "huge " : "", (unsigned long long)z.pfn);
		res = pf_reads_zeros(z.base, z.len, what, NULL);
	}
	pf_zero_unmap(&z);
	return res;
}
