// SPDX-License-Identifier: GPL-2.0
/* Memory in the running function's stack frame (see pf_backing_run). */
#include <string.h>

#include "backing.h"
#include "pagemap.h"

static enum pf_result stack_setup(struct pf_region *r, size_t min_len)
{
	(void)min_len;
	memset(r->base, 0x5a, r->len);
	if (!pf_range_present(r->base, r->len))
		return pf_skip("stack pages not present after touching them");
	return PF_PASS;
}

const struct pf_backing pf_backing_stack = {
	.name = "stack",
	.summary = "the stack of the running function",
	.flags = PF_BK_ANON | PF_BK_STACK,
	.setup = stack_setup,
};
