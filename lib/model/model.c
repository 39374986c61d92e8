// SPDX-License-Identifier: GPL-2.0
#include "model.h"

#include <stdio.h>
#include <stdlib.h>

#include "backing.h"
#include "event.h"
#include "needs.h"
#include "pin.h"

static struct pf_row *rows_alloc(size_t count)
{
	struct pf_row *rows = calloc(count ? count : 1, sizeof(*rows));

	if (!rows) {
		perror("pinfork: calloc");
		exit(1);
	}
	return rows;
}

static const struct pf_row *backing_rows(const struct pf_backing *const *table,
					 size_t count)
{
	struct pf_row *rows = rows_alloc(count);

	for (size_t i = 0; i < count; i++) {
		const struct pf_backing *b = table[i];

		rows[i] = (struct pf_row){ b->name, b->summary, b->flags,
					   b->needs, b };
	}
	return rows;
}

static const struct pf_row *event_rows(void)
{
	struct pf_row *rows = rows_alloc(pf_events_count);

	for (size_t i = 0; i < pf_events_count; i++) {
		const struct pf_event *e = pf_events[i];

		rows[i] = (struct pf_row){ e->name, e->summary, e->flags,
					   e->needs, e };
	}
	return rows;
}

static const struct pf_row *pin_rows(void)
{
	struct pf_row *rows = rows_alloc(pf_pins_count);

	for (size_t i = 0; i < pf_pins_count; i++) {
		const struct pf_pin *p = pf_pins[i];

		rows[i] = (struct pf_row){ p->name, p->summary, p->flags,
					   p->needs, p };
	}
	return rows;
}

/* A backing row's run: its region, set up and verified, around fn. */
static enum pf_result run_backing(const struct pf_row *row, struct pf_ctx *ctx,
				  pf_test_fn fn)
{
	return pf_backing_run(row->row, ctx->c->t->min_len, ctx, fn);
}

const struct pf_tables *pf_model(void)
{
	static struct pf_tables tables;

	if (tables.needs_check)
		return &tables;
	tables.dim[PF_DIM_PIN] = (struct pf_table){
		.label = "pin",
		.rows = pin_rows(),
		.count = pf_pins_count,
	};
	tables.dim[PF_DIM_EVENT] = (struct pf_table){
		.label = "event",
		.rows = event_rows(),
		.count = pf_events_count,
	};
	tables.dim[PF_DIM_BACKING] = (struct pf_table){
		.label = "memory",
		.rows = backing_rows(pf_backings, pf_backings_count),
		.count = pf_backings_count,
		.run = run_backing,
	};
	tables.needs_check = pf_needs_check;
	return &tables;
}

const struct pf_tables *pf_model_unwritten(void)
{
	static struct pf_tables tables;

	if (tables.needs_check)
		return &tables;
	tables = *pf_model();
	tables.dim[PF_DIM_BACKING].rows =
		backing_rows(pf_backings_unwritten, pf_backings_unwritten_count);
	tables.dim[PF_DIM_BACKING].count = pf_backings_unwritten_count;
	return &tables;
}
