// SPDX-License-Identifier: GPL-2.0
/*
 * "Arbitrary application memory": a malloc() buffer used at an offset that
 * is 512-byte aligned (what O_DIRECT needs) but not page aligned, so the
 * pages around it hold other data of the process.
 */
#include <stdlib.h>
#include <string.h>

#include "backing.h"
#include "pagemap.h"

#define HEAP_DEFAULT_LEN (16u << 10)
#define HEAP_ODD_OFFSET 1536

static enum pf_result heap_setup(struct pf_region *r, size_t min_len)
{
	size_t len = min_len > HEAP_DEFAULT_LEN ? min_len : HEAP_DEFAULT_LEN;
	char *p;

	/* aligned then offset, so the offset is exact whatever malloc does */
	if (posix_memalign((void **)&p, pf_page_size(), len + 2 * pf_page_size()))
		return pf_error("posix_memalign failed");
	r->priv = p;
	r->base = p + HEAP_ODD_OFFSET;
	r->len = len;
	r->folio = pf_page_size();
	memset(p, 0x5a, len + 2 * pf_page_size());
	if (!pf_range_present(r->base, len))
		return pf_skip("heap pages not present after touching them");
	return PF_PASS;
}

static void heap_teardown(struct pf_region *r)
{
	free(r->priv);
}

const struct pf_backing pf_backing_heap_odd = {
	.name = "heap-odd",
	.summary = "malloc() memory at a 512-byte but not page aligned offset",
	.flags = PF_BK_ANON,
	.setup = heap_setup,
	.teardown = heap_teardown,
};
