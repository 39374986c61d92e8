/* SPDX-License-Identifier: GPL-2.0 */
/* Memory shared between the runner and a case's process. */
#ifndef PINFORK_CASE_SHARED_H
#define PINFORK_CASE_SHARED_H

#define PF_REASON_MAX 512

struct pf_shared {
	char reason[PF_REASON_MAX];
};

/* Set in the case's process; NULL outside a case (reasons go to stderr). */
extern struct pf_shared *pf_shared;

#endif
