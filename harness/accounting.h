/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "accounting returns to baseline" oracle: after a case and everything
 * it started are gone, the kernel's count of FOLL_PIN pins taken and not
 * released, and the hugetlb pool, are what they were before it.
 */
#ifndef PINFORK_ACCOUNTING_H
#define PINFORK_ACCOUNTING_H

#include <stddef.h>

struct acct_mark {
	int has_pins;		/* /proc/vmstat has nr_foll_pin_* (v5.7+) */
	long pins_held;		/* nr_foll_pin_acquired - nr_foll_pin_released */
	long huge_total;	/* HugePages_Total, -1 when not found */
	long huge_free;
};

void acct_mark(struct acct_mark *m);
/*
 * Waits (up to max_wait seconds: ring teardown releases pins from a
 * workqueue) for the counters to return to the mark. 0 when they did;
 * else how many differ, with the details in report.
 */
int acct_check(const struct acct_mark *m, double max_wait, char *report,
	       size_t size);

#endif
