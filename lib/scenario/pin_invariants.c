// SPDX-License-Identifier: GPL-2.0
/* The pinned fixture, unpinned twins and PFN snapshots (pin_invariants.h). */
#include "pin_invariants.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "oracle.h"
#include "pagemap.h"
#include "pattern.h"

#define KPF_KSM 21

enum { SEED_CPU = 101, SEED_DEVICE = 102 };

struct pf_cover pf_page_cover(const void *base, size_t len)
{
	uintptr_t mask = pf_page_size() - 1;
	uintptr_t start = (uintptr_t)base & ~mask;
	uintptr_t end = ((uintptr_t)base + len + mask) & ~mask;

	return (struct pf_cover){ (char *)start, end - start };
}

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

char *pf_twin_map(const void *src, size_t len)
{
	char *t = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (t == MAP_FAILED)
		return NULL;
	madvise(t, len, MADV_NOHUGEPAGE);
	memcpy(t, src, len);
	return t;
}

void pf_twin_unmap(char *twin, size_t len)
{
	if (twin)
		munmap(twin, len);
}

int pf_pfns_take(struct pf_pfns *snap, const struct pf_cover *c)
{
	size_t ps = pf_page_size();

	snap->pages = c->len / ps;
	snap->pfn = calloc(snap->pages, sizeof(*snap->pfn));
	if (!snap->pfn)
		return -ENOMEM;
	for (size_t i = 0; i < snap->pages; i++)
		snap->pfn[i] = pf_pfn(c->start + i * ps);
	return 0;
}

size_t pf_pfns_moved(const struct pf_pfns *snap, const struct pf_cover *c)
{
	size_t ps = pf_page_size(), moved = 0;

	for (size_t i = 0; i < snap->pages && i * ps < c->len; i++)
		moved += pf_pfn(c->start + i * ps) != snap->pfn[i];
	return moved;
}

void pf_pfns_free(struct pf_pfns *snap)
{
	free(snap->pfn);
	snap->pfn = NULL;
}

size_t pf_pages_shared(const void *a, const void *b, size_t len)
{
	size_t ps = pf_page_size(), shared = 0;

	for (size_t off = 0; off < len; off += ps) {
		uint64_t pfn = pf_pfn((const char *)a + off);

		shared += pfn && pfn == pf_pfn((const char *)b + off);
	}
	return shared;
}

size_t pf_pages_ksm(const struct pf_cover *c)
{
	size_t ps = pf_page_size(), ksm = 0;

	for (size_t off = 0; off < c->len; off += ps) {
		uint64_t pfn = pf_pfn(c->start + off);
		uint64_t flags = pfn ? pf_kpageflags(pfn) : 0;

		ksm += flags != ~0ull && (flags >> KPF_KSM & 1);
	}
	return ksm;
}
