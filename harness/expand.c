// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

/* What a template asks of one dimension. */
struct pick {
	int use;
	unsigned needs;		/* row flags it requires */
	unsigned excludes;	/* row flags it cannot work with */
};

static struct pick pick_of(const struct pf_template *t, enum pf_dim d)
{
	switch (d) {
	case PF_DIM_PIN:
		return (struct pick){ t->use_pin, t->pin_needs, t->pin_excludes };
	case PF_DIM_EVENT:
		return (struct pick){ t->use_event, t->event_needs, 0 };
	case PF_DIM_BACKING:
		return (struct pick){ t->use_backing, t->backing_needs,
				      t->backing_excludes };
	default:
		return (struct pick){ 0, 0, 0 };
	}
}

static int fits(const struct pick *p, const struct pf_row *row)
{
	return (row->flags & p->needs) == p->needs && !(row->flags & p->excludes);
}

/* Appends to a fixed buffer; a part that does not fit is cut, never overflows. */
static void append(char *buf, size_t size, const char *fmt, const char *part)
{
	size_t used = strnlen(buf, size);

	if (used + 1 < size)
		snprintf(buf + used, size - used, fmt, part);
}

static void name_case(struct pf_case *c, const struct pf_tables *tables)
{
	c->name[0] = c->summary[0] = '\0';
	append(c->name, sizeof(c->name), "%s", c->t->name);
	append(c->summary, sizeof(c->summary), "%s", c->t->summary);
	for (int d = 0; d < PF_DIMS; d++) {
		const struct pf_row *row = c->row[d];

		if (!row)
			continue;
		append(c->name, sizeof(c->name), "-%s", row->name);
		append(c->summary, sizeof(c->summary), "; %s: ",
		       tables->dim[d].label);
		append(c->summary, sizeof(c->summary), "%s", row->summary);
	}
}

struct expansion {
	const struct pf_template *t;
	const struct pf_tables *tables;
	const struct pf_row *row[PF_DIMS];
	struct pf_case *cases;
	size_t n;
};

static void add_case(struct expansion *x)
{
	struct pf_case *c = &x->cases[x->n++];

	memset(c, 0, sizeof(*c));
	c->t = x->t;
	c->tables = x->tables;
	c->needs = x->t->needs;
	for (int d = 0; d < PF_DIMS; d++) {
		c->row[d] = x->row[d];
		if (x->row[d])
			c->needs |= x->row[d]->needs;
	}
	name_case(c, x->tables);
}

/* Every fitting row of dimension d and the ones after it, in table order. */
static void expand_from(struct expansion *x, int d)
{
	const struct pf_table *table = &x->tables->dim[d];
	struct pick p;

	if (d == PF_DIMS) {
		add_case(x);
		return;
	}
	p = pick_of(x->t, d);
	if (!p.use) {
		x->row[d] = NULL;
		expand_from(x, d + 1);
		return;
	}
	for (size_t i = 0; i < table->count; i++) {
		if (!fits(&p, &table->rows[i]))
			continue;
		x->row[d] = &table->rows[i];
		expand_from(x, d + 1);
	}
}

size_t pf_expand(const struct pf_template *t, size_t count,
		 const struct pf_tables *tables, struct pf_case **out)
{
	struct expansion x = { .tables = tables };
	size_t max = count;

	for (int d = 0; d < PF_DIMS; d++)
		max *= tables->dim[d].count + 1;
	x.cases = calloc(max, sizeof(*x.cases));
	if (!x.cases) {
		perror("pinfork: calloc");
		exit(1);
	}
	for (size_t i = 0; i < count; i++) {
		x.t = &t[i];
		expand_from(&x, 0);
	}
	*out = x.cases;
	return x.n;
}
