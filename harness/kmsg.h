/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "kernel stays clean" oracle: what the kernel logged during a case
 * (WARNING, BUG, Oops, KASAN/KFENCE, bad page state, RCU stalls, hung
 * tasks...), or new taint bits. Lines that arrive within the grace period
 * after the case ended are still the case's.
 */
#ifndef PINFORK_KMSG_H
#define PINFORK_KMSG_H

#include <stddef.h>

struct kmsg_mark {
	int fd;			/* /dev/kmsg positioned at the end, or -1 */
	unsigned long taint;	/* /proc/sys/kernel/tainted at the mark */
};

/*
 * Marks the end of the log. When /dev/kmsg cannot be read, says so once
 * per program (a '#' line, and a line in $PINFORK_ENV_NOTES).
 */
void kmsg_mark(struct kmsg_mark *m);

/* Seconds after a case ends during which lines are still its own:
 * $PINFORK_KMSG_GRACE, default 0.05: long enough for deferred work (RCU
 * callbacks, workqueues) to complain, short enough for 600 cases. */
double kmsg_grace_seconds(void);

/*
 * Collects what the kernel logged since the mark that shows it misbehaved.
 * Lines userspace wrote to /dev/kmsg are not the kernel's: only the
 * harness's own self-tests count, those tagged "[pinfork-case=NAME]" with
 * this case's name (another run's self-test on the same machine never
 * counts). Returns the
 * number of such lines (new taint counts as one); the first few go into
 * report.
 */
int kmsg_check(struct kmsg_mark *m, const char *case_name, char *report,
	       size_t size);
void kmsg_release(struct kmsg_mark *m);

/* 1 when a log message is a kernel complaint (WARNING:, BUG:, Oops, ...). */
int kmsg_is_complaint(const char *msg);

#endif
