// SPDX-License-Identifier: GPL-2.0
/*
 * Compaction with an unpinned control (compaction.h). Compaction moves
 * what lies below the point where its migrate scanner (from the zone's
 * start) meets its free scanner (from the end), and only when it finds
 * free pages above; on a compacted, nearly full zone it may move nothing.
 * The control's pages are therefore spread out with free holes between
 * them (each allocated after a run of filler pages that are freed again),
 * and a fresh control is tried a few times. Pages moved are only ever
 * counted from pagemap PFNs seen before and after.
 */

#include "compaction.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pagemap.h"
#include "small_pages.h"

#define CONTROL_PAGES 64
#define FILLER_PER_PAGE 255	/* about 1 MiB between two control pages */
#define ATTEMPTS 4
#define ATTEMPT_BUDGET 20.0	/* seconds */

int pf_compact_all(void)
{
	int fd = open("/proc/sys/vm/compact_memory", O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		err = -errno;
	close(fd);
	return err;
}

/* CONTROL_PAGES small anonymous pages, each after FILLER_PER_PAGE freed ones. */
static char *spread_control(void)
{
	size_t ps = pf_page_size();
	size_t filler_len = (size_t)CONTROL_PAGES * FILLER_PER_PAGE * ps;
	char *control = pf_map_small_pages(CONTROL_PAGES * ps);
	char *filler = pf_map_small_pages(filler_len);

	for (size_t i = 0; control && filler && i < CONTROL_PAGES; i++) {
		for (size_t k = 0; k < FILLER_PER_PAGE; k++)
			filler[(i * FILLER_PER_PAGE + k) * ps] = 1;
		memset(control + i * ps, (int)(i + 1), ps);
	}
	if (filler)
		munmap(filler, filler_len);
	if (control && !filler) {
		munmap(control, CONTROL_PAGES * ps);
		control = NULL;
	}
	return control;
}

/* Pages present before and after whose PFN changed. */
static size_t moved_in_place(const struct pf_pfns *before, const struct pf_cover *c)
{
	size_t ps = pf_page_size(), moved = 0;

	for (size_t i = 0; i < before->pages; i++) {
		uint64_t now = pf_pfn(c->start + i * ps);

		moved += now && before->pfn[i] && now != before->pfn[i];
	}
	return moved;
}

static size_t pfns_known(const struct pf_pfns *snap)
{
	size_t n = 0;

	for (size_t i = 0; i < snap->pages; i++)
		n += !!snap->pfn[i];
	return n;
}

/* One attempt: a fresh control, compact(), and how many of its pages moved. */
static enum pf_result compact_once(int (*compact)(void), size_t *moved)
{
	struct pf_cover c = { spread_control(), CONTROL_PAGES * pf_page_size() };
	struct pf_pfns before = { 0 };
	enum pf_result res = PF_PASS;
	int err;

	if (!c.start || pf_pfns_take(&before, &c))
		res = pf_error("out of memory for the compaction control");
	else if (pfns_known(&before) != before.pages)
		res = pf_skip("pagemap hides the PFNs of the control (needs root)");
	else if ((err = compact()))
		res = pf_skip("/proc/sys/vm/compact_memory: %s", strerror(-err));
	else
		*moved = moved_in_place(&before, &c);
	pf_pfns_free(&before);
	if (c.start)
		munmap(c.start, c.len);
	return res;
}

enum pf_result pf_compact_with_control(int (*compact)(void))
{
	size_t moved = 0;
	enum pf_result res = PF_PASS;
	double start = pf_now();
	int attempt;

	/* compacting all memory takes 10 s and more in a loaded TCG guest:
	 * no new attempt after ATTEMPT_BUDGET seconds */
	for (attempt = 1; attempt <= ATTEMPTS && res == PF_PASS && !moved &&
	     (attempt == 1 || pf_now() - start < ATTEMPT_BUDGET); attempt++)
		res = compact_once(compact, &moved);
	if (res != PF_PASS)
		return res;
	pf_diag("compaction: unpinned control pages moved %zu of %d (attempt %d of %d; %d pages, each after %d freed ones)",
		moved, CONTROL_PAGES, attempt - 1, ATTEMPTS, CONTROL_PAGES,
		FILLER_PER_PAGE);
	if (!moved)
		return pf_skip("compaction moved no page of the unpinned control (%d attempts)",
			       attempt - 1);
	return PF_PASS;
}
