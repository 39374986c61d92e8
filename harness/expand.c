// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backing.h"
#include "event.h"
#include "runner.h"

static int backing_fits(const struct pf_template *t, const struct pf_backing *b)
{
	return (b->flags & t->backing_needs) == t->backing_needs &&
	       !(b->flags & t->backing_excludes);
}

static int event_fits(const struct pf_template *t, const struct pf_event *e)
{
	return (e->flags & t->event_needs) == t->event_needs;
}

static int pin_fits(const struct pf_template *t, const struct pf_row *p)
{
	return (p->flags & t->pin_needs) == t->pin_needs &&
	       !(p->flags & t->pin_excludes);
}

/* Appends to a fixed buffer; a part that does not fit is cut, never overflows. */
static void append(char *buf, size_t size, const char *fmt, const char *part)
{
	size_t used = strnlen(buf, size);

	if (used + 1 < size)
		snprintf(buf + used, size - used, fmt, part);
}

static void name_case(struct pf_case *c)
{
	const struct pf_template *t = c->t;

	c->name[0] = c->summary[0] = '\0';
	append(c->name, sizeof(c->name), "%s", t->name);
	if (c->pin)
		append(c->name, sizeof(c->name), "-%s", c->pin->name);
	if (c->event)
		append(c->name, sizeof(c->name), "-%s", c->event->name);
	if (c->backing)
		append(c->name, sizeof(c->name), "-%s", c->backing->name);
	append(c->summary, sizeof(c->summary), "%s", t->summary);
	if (c->pin)
		append(c->summary, sizeof(c->summary), "; pin: %s", c->pin->summary);
	if (c->event)
		append(c->summary, sizeof(c->summary), "; event: %s", c->event->summary);
	if (c->backing)
		append(c->summary, sizeof(c->summary), "; memory: %s", c->backing->summary);
}

static void add_case(struct pf_case *cases, size_t *n,
		     const struct pf_template *t, const struct pf_backing *b,
		     const struct pf_event *e, const struct pf_row *p)
{
	struct pf_case *c = &cases[(*n)++];

	memset(c, 0, sizeof(*c));
	c->t = t;
	c->backing = b;
	c->event = e;
	c->pin = p;
	c->needs = t->needs | (b ? b->needs : 0) | (p ? p->needs : 0);
	name_case(c);
}

static void expand_events(const struct pf_template *t, const struct pf_row *p,
			  struct pf_case *cases, size_t *n)
{
	size_t nb = t->use_backing ? pf_backings_count : 1;
	size_t ne = t->use_event ? pf_events_count : 1;

	for (size_t i = 0; i < ne; i++) {
		const struct pf_event *e = t->use_event ? pf_events[i] : NULL;

		if (e && !event_fits(t, e))
			continue;
		for (size_t j = 0; j < nb; j++) {
			const struct pf_backing *b =
				t->use_backing ? pf_backings[j] : NULL;

			if (b && !backing_fits(t, b))
				continue;
			add_case(cases, n, t, b, e, p);
		}
	}
}

static void expand_one(const struct pf_template *t, struct pf_case *cases,
		       size_t *n)
{
	if (!t->pins) {
		expand_events(t, NULL, cases, n);
		return;
	}
	for (size_t i = 0; i < t->pins->count; i++)
		if (pin_fits(t, t->pins->rows[i]))
			expand_events(t, t->pins->rows[i], cases, n);
}

/* The most cases a template can make. */
static size_t max_cases(const struct pf_template *t)
{
	size_t pins = t->pins ? t->pins->count : 1;

	return pins * (pf_backings_count + 1) * (pf_events_count + 1);
}

size_t pf_expand(const struct pf_template *t, size_t count,
		 struct pf_case **out)
{
	size_t max = 1;
	struct pf_case *cases;
	size_t n = 0;

	for (size_t i = 0; i < count; i++)
		max += max_cases(&t[i]);
	cases = calloc(max, sizeof(*cases));
	if (!cases) {
		perror("pinfork: calloc");
		exit(1);
	}
	for (size_t i = 0; i < count; i++)
		expand_one(&t[i], cases, &n);
	*out = cases;
	return n;
}
