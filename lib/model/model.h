/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lib/ hands the harness: its tables (backings, events, pins) as rows
 * the harness can expand, name and run without knowing their types, and
 * the need gates. A program's main() is PF_MAIN(templates).
 */
#ifndef PINFORK_MODEL_H
#define PINFORK_MODEL_H

#include "pf_case.h"

const struct pf_tables *pf_model(void);
/* The same tables, with the states before anyone wrote (pf_backings_unwritten) as the backings. */
const struct pf_tables *pf_model_unwritten(void);

#define PF_MAIN(templates) PF_MAIN_WITH(templates, pf_model())

#endif
