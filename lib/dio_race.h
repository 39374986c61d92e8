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

/* The disturbing action, called in a loop; n counts the calls. */
typedef void (*pf_disturb_fn)(char *page, size_t half, long n);

/* Fork a child that exits at once (the parent's writes to the page's
 * second half come from a writer thread that always runs). */
void pf_disturb_fork(char *page, size_t half, long n);

/* Runs the race on a page inside r for seconds; PF_FAIL on a lost read. */
enum pf_result pf_dio_race_run(struct pf_region *r, double seconds,
			       pf_disturb_fn disturb);

#endif
