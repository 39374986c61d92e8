/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A time-bounded race: one thread keeps reading by O_DIRECT into the first
 * half of a page, each read checked ("no lost read" oracle), while another
 * thread keeps writing the second half and a third keeps disturbing the
 * page with a given action.
 */
#ifndef PINFORK_DIO_RACE_H
#define PINFORK_DIO_RACE_H

#include <stddef.h>

#include "backing.h"

/*
 * The disturbing action, called in a loop; n counts the calls. 0 when it
 * happened (a fork: the child was started and exited 0), -errno when not.
 */
typedef int (*pf_disturb_fn)(char *page, size_t half, long n);

/* Fork a child that exits at once (the parent's writes to the page's
 * second half come from a writer thread that always runs). */
int pf_disturb_fork(char *page, size_t half, long n);

/*
 * Runs the race on a page inside r for seconds, stopping at the first lost
 * read: PF_FAIL on a lost read, PF_ERROR when no disturbance happened (the
 * race did not fork) or no read completed. Prints one line of statistics:
 * "# race: reads=N forks=N fork_errors=N lost=N first_loss_s=X.XXX seconds=X.X"
 * (forks counts the disturbances that happened, fork_errors those that did
 * not; first_loss_s is "-" when no read was lost).
 */
enum pf_result pf_dio_race_run(struct pf_region *r, double seconds,
			       pf_disturb_fn disturb);

#endif
