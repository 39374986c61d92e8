/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "kernel stays clean" oracle: new WARN/BUG/Oops lines in the kernel
 * log, or new taint bits, during a case.
 */
#ifndef PINFORK_KMSG_H
#define PINFORK_KMSG_H

#include <stddef.h>

struct kmsg_mark {
	int fd;			/* /dev/kmsg positioned at the end, or -1 */
	unsigned long taint;	/* /proc/sys/kernel/tainted at the mark */
};

void kmsg_mark(struct kmsg_mark *m);
/*
 * Collects what the kernel logged since the mark that shows it misbehaved.
 * Returns the number of such lines (new taint counts as one); the first
 * few go into report.
 */
int kmsg_check(struct kmsg_mark *m, char *report, size_t size);
void kmsg_release(struct kmsg_mark *m);
/* 1 when line is a kernel complaint (WARNING:, BUG:, Oops, ...). */
int kmsg_is_complaint(const char *line);

#endif
