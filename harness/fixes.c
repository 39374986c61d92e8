// SPDX-License-Identifier: GPL-2.0
#include "fixes.h"

#include <string.h>

static const struct pf_fix fixes[] = {
#define FIX(id, release, subject) { id, release, subject },
#include "fixes.def"
#undef FIX
};

const struct pf_fix *pf_fix_lookup(const char *id)
{
	for (size_t i = 0; i < sizeof(fixes) / sizeof(fixes[0]); i++)
		if (!strncmp(fixes[i].id, id, 12))
			return &fixes[i];
	return NULL;
}
