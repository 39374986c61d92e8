/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "accounting returns to baseline" oracle: after a case and everything
 * it started are gone, the kernel's count of FOLL_PIN pins taken and not
 * released, and the hugetlb pages in use, are what they were before it.
 *
 * Both are system-wide, and the machine may be busy: growth is charged to
 * the case only when nobody else was seen pinning pages or using hugetlb
 * (counters moving while no case ran, before or after it; io_uring fixed
 * buffers or hugetlb mappings of processes outside the case that changed).
 * Otherwise it is reported as drift, a diagnostic.
 */
#ifndef PINFORK_ACCOUNTING_H
#define PINFORK_ACCOUNTING_H

#include <stddef.h>

struct acct_sample {
	int has_pins;		/* /proc/vmstat has nr_foll_pin_* (v5.7+) */
	long pins_acquired;	/* nr_foll_pin_acquired */
	long pins_released;	/* nr_foll_pin_released */
	long huge_total;	/* HugePages_Total, -1 when not found */
	long huge_free;
};

/* What processes outside the case hold. */
struct acct_others {
	long uring_buf_bytes;	/* io_uring fixed buffers (fdinfo UserBufs) */
	long uring_rings;	/* rings whose buffers could not be read */
	long hugetlb_kb;	/* HugetlbPages of /proc/PID/status */
};

struct acct_mark {
	struct acct_sample at;
	struct acct_others others;
	int pins_busy_before;	/* pins taken since the previous check ended */
	int huge_busy_before;	/* hugetlb pool moved since then */
};

void acct_sample(struct acct_sample *s);

/*
 * What processes other than this runner and its children hold (what a case
 * leaves outside its process group reparents to the runner: it is the
 * case's, and pins it holds are charged to the case however busy the
 * machine is).
 */
void acct_others(struct acct_others *o);

void acct_mark(struct acct_mark *m);

/*
 * Waits (up to max_wait seconds: ring teardown releases pins from a
 * workqueue) for the counters to return to the mark. Returns how many
 * counters did not return and are the case's, with the details in report;
 * report also gets drift that is not charged to the case (return 0).
 */
int acct_check(const struct acct_mark *m, double max_wait, char *report,
	       size_t size);

/* The runner calls this once a case is judged and gone: no case runs until
 * the next mark, so what the counters do meanwhile is someone else's. */
void acct_idle_start(void);

#endif
