// SPDX-License-Identifier: GPL-2.0
#include "view_oracle.h"

#include "pattern.h"
#include "pf_case.h"

struct view_count {
	size_t bad;		/* bytes that are not the own pattern */
	size_t foreign;		/* of those, bytes of the foreign pattern */
	size_t first;		/* region offset of the first bad byte */
	uint8_t want, got;
};

static void count_bad(struct view_count *c, const uint8_t *p, size_t off,
		      size_t len, uint32_t own, uint32_t foreign)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t want = pf_pattern_byte(own, off + i);

		if (p[i] == want)
			continue;
		if (!c->bad++) {
			c->first = off + i;
			c->want = want;
			c->got = p[i];
		}
		c->foreign += p[i] == pf_pattern_byte(foreign, off + i);
	}
}

/*
 * A stray byte matches the foreign pattern by chance once in 256; a leaked
 * page matches it everywhere it differs from the own pattern.
 */
static enum pf_view classify(const struct view_count *c)
{
	if (!c->bad)
		return PF_VIEW_OWN;
	return c->foreign * 8 >= c->bad ? PF_VIEW_FOREIGN : PF_VIEW_CORRUPT;
}

enum pf_view pf_view_check(const char *who, const void *buf, size_t off,
			   size_t len, uint32_t own, uint32_t foreign)
{
	struct view_count c = { 0 };
	enum pf_view v;

	count_bad(&c, buf, off, len, own, foreign);
	v = classify(&c);
	if (v == PF_VIEW_FOREIGN)
		pf_diag("%s: sees the other process's post-fork data: %zu of %zu bytes differ from its own, %zu of them are the other's; first at region offset 0x%zx: expected 0x%02x found 0x%02x",
			who, c.bad, len, c.foreign, c.first, c.want, c.got);
	else if (v == PF_VIEW_CORRUPT)
		pf_diag("%s: %zu of %zu bytes are neither its own data nor the other process's; first at region offset 0x%zx: expected 0x%02x found 0x%02x",
			who, c.bad, len, c.first, c.want, c.got);
	return v;
}

const char *pf_view_name(enum pf_view v)
{
	switch (v) {
	case PF_VIEW_OWN:
		return "own data";
	case PF_VIEW_CORRUPT:
		return "corrupted data";
	case PF_VIEW_FOREIGN:
		return "the other process's data";
	}
	return "?";
}
