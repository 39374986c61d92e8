// SPDX-License-Identifier: GPL-2.0
/* Private anonymous memory of small pages only (small_pages.h). */
#include "small_pages.h"

#include <sys/mman.h>

char *pf_map_small_pages(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}
