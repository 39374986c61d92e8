/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel fixes cases guard, for failure hints. Data in fixes.def. */
#ifndef PINFORK_FIXES_H
#define PINFORK_FIXES_H

struct pf_fix {
	const char *id;		/* linux-git, 12 hex digits */
	const char *release;	/* first mainline release with it */
	const char *subject;
};

/* The known fix with this id, or NULL. */
const struct pf_fix *pf_fix_lookup(const char *id);

#endif
