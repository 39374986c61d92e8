// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel does with a large folio when part of it is pinned: the
 * 2023 large-folio mlock thread asked whether a short-term pin (O_DIRECT)
 * may split a folio (it should not) and whether a long-term pin (a fixed
 * buffer) on part of one should split it or pin the whole folio. That is
 * policy: reported as '#' lines. Only the data through each pin is judged.
 */
#include <errno.h>
#include <string.h>

#include "folio_uring.h"
#include "odirect.h"
#include "oracle.h"
#include "pagemap.h"
#include "pattern.h"
#include "uring.h"

#define FIRST_PAGE 3
#define PAGES 5

enum { SEED_SHORT = 0x9a1, SEED_LONG = 0x9a2, SEED_DEVICE = 0x9a3 };

static void policy_line(const char *pin, const struct pf_folios *f, uint64_t pfn_before,
			const char *part)
{
	uint64_t pfn = pf_pfn(part);

	pf_diag("policy: after %s, the %zu KiB folio holding the %d pages is %s%s", pin,
		f->folio >> 10, PAGES, pf_folio_state(f, 0),
		pfn && pfn != pfn_before ? "; the pinned pages moved (migrated to other pages)" : "");
}

static enum pf_result short_term(struct pf_scratch *s, const struct pf_folios *f, char *part,
				 size_t len)
{
	uint64_t pfn = pf_pfn(part);
	enum pf_result res;

	pf_pattern_fill(part, len, SEED_SHORT);
	res = pf_dio_write_sends(s, part, part, len);
	if (res == PF_PASS)
		res = pf_dio_read_reaches(s, part, part, len, SEED_DEVICE);
	policy_line("O_DIRECT to and from them (short-term pins)", f, pfn, part);
	return res;
}

static enum pf_result long_term(struct pf_scratch *s, const struct pf_folios *f, char *part,
				size_t len)
{
	uint64_t pfn = pf_pfn(part);
	struct pf_uring u;
	enum pf_result res = pf_uring_pin(&u, part, len);

	if (res == PF_PASS) {
		policy_line("registering them as a fixed buffer (long-term pin, held)", f, pfn, part);
		pf_pattern_fill(part, len, SEED_LONG);
		res = pf_fixed_sends(&u, s, part, len, SEED_LONG);
		if (res == PF_PASS)
			res = pf_fixed_brings(&u, s, part, part, len, SEED_DEVICE + 1);
	}
	pf_uring_exit(&u);
	if (res == PF_PASS)
		policy_line("unregistering the fixed buffer", f, pfn, part);
	return res;
}

enum pf_result pf_folio_pin_policy(const struct pf_folio_spec *spec)
{
	size_t ps = pf_page_size(), len = PAGES * ps;
	struct pf_scratch s = { .fd = -1, .dio_fd = -1 };
	struct pf_folios f;
	enum pf_result res = pf_folios_make(&f, spec);
	char why[256];
	char *part;

	if (res == PF_PASS && f.folio < (FIRST_PAGE + PAGES + 1) * ps)
		res = pf_skip("a %zu KiB folio is too small for a part of %d pages", f.folio >> 10, PAGES);
	if (res == PF_PASS && pf_scratch_open(&s, len, why, sizeof(why)))
		res = pf_skip("%s", why);
	if (res == PF_PASS) {
		part = f.base + FIRST_PAGE * ps;
		pf_diag("policy: before any pin the folio is %s", pf_folio_state(&f, 0));
		res = short_term(&s, &f, part, len);
		if (res == PF_PASS)
			res = long_term(&s, &f, part, len);
	}
	pf_scratch_close(&s);
	pf_folios_free(&f);
	return res;
}
