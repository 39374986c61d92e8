// SPDX-License-Identifier: GPL-2.0
/*
 * The selection behind the profiles (the rule is described in cover.h):
 *  - stress runs everything; exhaustive everything but the stress group;
 *  - full: a template over two or three dimensions gets a covering array,
 *    built greedily: take the case covering the most pairs not covered yet;
 *    ties to a backing that needs nothing special (anon), then to the first
 *    in expansion order, which is table order. A template over one
 *    dimension or none keeps every case; a race keeps one case per
 *    template (its cheapest), the rest run in exhaustive;
 *  - quick: every pin x event pair once per program, from the first
 *    template that has it: of full's cases with that pair, the first whose
 *    backing needs nothing special, else the first; every other template
 *    once; never a race. Taken from full's cases, so quick < full and full
 *    grows by nothing for it.
 */
#include "cover.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const profile_names[PF_PROFILES] = {
	"quick", "full", "exhaustive", "stress",
};

/* In the order of the enum pf_pair bits. */
static const char *const pair_names[] = {
	"template", "template*pin", "template*event", "template*backing",
	"pin*event", "pin*backing", "event*backing",
};

/* The dimensions of PF_PAIR_PIN_EVENT << k. */
static const int pair_dims[3][2] = {
	{ PF_DIM_PIN, PF_DIM_EVENT },
	{ PF_DIM_PIN, PF_DIM_BACKING },
	{ PF_DIM_EVENT, PF_DIM_BACKING },
};

#define PAIR_OF_DIMS(k) (PF_PAIR_PIN_EVENT << (k))
#define PAIR_OF_DIM(d) (PF_PAIR_TEMPLATE_PIN << (d))
#define ROW_PAIRS (PF_PAIR_PIN_EVENT | PF_PAIR_PIN_BACKING | PF_PAIR_EVENT_BACKING)

int pf_profile_parse(const char *name)
{
	for (int p = 0; p < PF_PROFILES; p++)
		if (!strcmp(name, profile_names[p]))
			return p;
	return -1;
}

const char *pf_profile_name(enum pf_profile p)
{
	return p < PF_PROFILES ? profile_names[p] : "?";
}

/* A template's cases, cases[first] to cases[end - 1]. */
struct span {
	const struct pf_case *cases;
	struct pf_cover *cover;
	size_t first, end;
};

/* What full's covering of one template has covered so far. */
struct covered {
	size_t count[PF_DIMS];
	unsigned char *pair[3];		/* pair_dims[k]: row a * count[b] + row b */
	unsigned char *row[PF_DIMS];
};

static void *zalloc(size_t count)
{
	void *p = calloc(count ? count : 1, 1);

	if (!p) {
		perror("pinfork: calloc");
		exit(1);
	}
	return p;
}

static unsigned groups_of(const struct pf_case *c)
{
	return c->t->groups ? c->t->groups : PF_GROUP_QUICK;
}

static size_t row_index(const struct pf_case *c, int d)
{
	return (size_t)(c->row[d] - c->tables->dim[d].rows);
}

static int dims_used(const struct pf_case *c)
{
	int n = 0;

	for (int d = 0; d < PF_DIMS; d++)
		n += c->row[d] != NULL;
	return n;
}

/* Needs nothing special: no backing, or one with no need gate (anon). */
static int cheap(const struct pf_case *c)
{
	const struct pf_row *b = c->row[PF_DIM_BACKING];

	return !b || !b->needs;
}

static int same_pin_event(const struct pf_case *a, const struct pf_case *b)
{
	return a->row[PF_DIM_PIN] == b->row[PF_DIM_PIN] &&
	       a->row[PF_DIM_EVENT] == b->row[PF_DIM_EVENT];
}

static int in_full(const struct span *s, size_t i)
{
	return !!(s->cover[i].profiles & (1u << PF_PROFILE_FULL));
}

/*
 * Of the span's cases (only those in full, when asked), the first with
 * like's pin and event (any, for NULL) whose backing needs nothing
 * special; else the first with them. There is one: like is in the span.
 */
static size_t cheapest(const struct span *s, const struct pf_case *like,
		       int only_full)
{
	size_t pick = s->first;
	int found = 0;

	for (size_t i = s->first; i < s->end; i++) {
		const struct pf_case *c = &s->cases[i];

		if ((only_full && !in_full(s, i)) || (like && !same_pin_event(c, like)))
			continue;
		if (cheap(c))
			return i;
		if (!found)
			pick = i;
		found = 1;
	}
	return pick;
}

static void choose(struct pf_cover *cv, enum pf_profile p, unsigned pairs)
{
	cv->profiles |= 1u << p;
	cv->covers[p] |= pairs;
}

/*
 * quick: the pin x event pairs of the span not seen yet in the program
 * ('-' counts as a row: a program's own pin or event); seen is indexed
 * (pin + 1) * (events + 1) + event + 1. A span that adds none runs once.
 */
static void select_quick(const struct span *s, unsigned char *seen, size_t events)
{
	const struct pf_case *first = &s->cases[s->first];
	int chosen = 0;

	if (first->row[PF_DIM_PIN] || first->row[PF_DIM_EVENT]) {
		for (size_t i = s->first; i < s->end; i++) {
			const struct pf_case *c = &s->cases[i];
			size_t pin = c->row[PF_DIM_PIN] ? row_index(c, PF_DIM_PIN) + 1 : 0;
			size_t event = c->row[PF_DIM_EVENT] ? row_index(c, PF_DIM_EVENT) + 1 : 0;
			size_t key = pin * (events + 1) + event;

			if (seen[key])
				continue;
			seen[key] = 1;
			choose(&s->cover[cheapest(s, c, 1)], PF_PROFILE_QUICK, PF_PAIR_PIN_EVENT);
			chosen = 1;
		}
	}
	if (!chosen)
		choose(&s->cover[cheapest(s, NULL, 1)], PF_PROFILE_QUICK, PF_PAIR_TEMPLATE);
}

static size_t pair_key(const struct covered *cv, const struct pf_case *c, int k)
{
	int a = pair_dims[k][0], b = pair_dims[k][1];

	return row_index(c, a) * cv->count[b] + row_index(c, b);
}

static void covered_init(struct covered *cv, const struct pf_tables *tables)
{
	for (int d = 0; d < PF_DIMS; d++) {
		cv->count[d] = tables->dim[d].count;
		cv->row[d] = zalloc(cv->count[d]);
	}
	for (int k = 0; k < 3; k++)
		cv->pair[k] = zalloc(cv->count[pair_dims[k][0]] *
				     cv->count[pair_dims[k][1]]);
}

static void covered_free(struct covered *cv)
{
	for (int d = 0; d < PF_DIMS; d++)
		free(cv->row[d]);
	for (int k = 0; k < 3; k++)
		free(cv->pair[k]);
}

/* The pairs of c that nothing taken so far covers (enum pf_pair bits). */
static unsigned uncovered(const struct covered *cv, const struct pf_case *c)
{
	unsigned bits = 0;

	for (int k = 0; k < 3; k++) {
		if (!c->row[pair_dims[k][0]] || !c->row[pair_dims[k][1]])
			continue;
		if (!cv->pair[k][pair_key(cv, c, k)])
			bits |= PAIR_OF_DIMS(k);
	}
	for (int d = 0; d < PF_DIMS; d++)
		if (c->row[d] && !cv->row[d][row_index(c, d)])
			bits |= PAIR_OF_DIM(d);
	return bits;
}

static void take(struct covered *cv, const struct span *s, size_t i)
{
	const struct pf_case *c = &s->cases[i];

	choose(&s->cover[i], PF_PROFILE_FULL, uncovered(cv, c));
	for (int k = 0; k < 3; k++)
		if (c->row[pair_dims[k][0]] && c->row[pair_dims[k][1]])
			cv->pair[k][pair_key(cv, c, k)] = 1;
	for (int d = 0; d < PF_DIMS; d++)
		if (c->row[d])
			cv->row[d][row_index(c, d)] = 1;
}

static int gain(unsigned bits)
{
	return __builtin_popcount(bits & ROW_PAIRS);
}

/* Whether case i is a better next pick than best (SIZE_MAX: none yet). */
static int better(const struct span *s, size_t i, int g, size_t best, int best_gain)
{
	if (g != best_gain)
		return g > best_gain;
	return g && cheap(&s->cases[i]) && !cheap(&s->cases[best]);
}

/* full, for a span over two or three dimensions: a covering array. */
static void select_covering(const struct span *s)
{
	struct covered cv;

	covered_init(&cv, s->cases[s->first].tables);
	for (;;) {
		size_t best = SIZE_MAX;
		int best_gain = 0;

		for (size_t i = s->first; i < s->end; i++) {
			int g;

			if (in_full(s, i))
				continue;
			g = gain(uncovered(&cv, &s->cases[i]));
			if (better(s, i, g, best, best_gain)) {
				best = i;
				best_gain = g;
			}
		}
		if (!best_gain)
			break;
		take(&cv, s, best);
	}
	covered_free(&cv);
}

/* full, for a span over one dimension or none: every case. */
static void select_all(const struct span *s)
{
	for (size_t i = s->first; i < s->end; i++) {
		const struct pf_case *c = &s->cases[i];
		unsigned pairs = PF_PAIR_TEMPLATE;

		for (int d = 0; d < PF_DIMS; d++)
			if (c->row[d])
				pairs = PAIR_OF_DIM(d);
		choose(&s->cover[i], PF_PROFILE_FULL, pairs);
	}
}

static void select_span(const struct span *s, unsigned char *seen, size_t events)
{
	unsigned groups = groups_of(&s->cases[s->first]);

	if (groups & PF_GROUP_STRESS)
		return;
	if (groups & PF_GROUP_RACE) {
		choose(&s->cover[cheapest(s, NULL, 0)], PF_PROFILE_FULL, PF_PAIR_TEMPLATE);
		return;
	}
	if (dims_used(&s->cases[s->first]) >= 2)
		select_covering(s);
	else
		select_all(s);
	select_quick(s, seen, events);
}

/* Each profile runs every case of the one before it. */
static void nest_profiles(struct pf_cover *cv, const struct pf_case *c)
{
	if (!(groups_of(c) & PF_GROUP_STRESS))
		cv->profiles |= 1u << PF_PROFILE_EXHAUSTIVE;
	for (int p = 1; p < PF_PROFILES; p++)
		if (cv->profiles & (1u << (p - 1)))
			cv->profiles |= 1u << p;
}

void pf_cover_select(const struct pf_case *cases, size_t n,
		     struct pf_cover *cover)
{
	size_t events, first = 0;
	unsigned char *seen;

	memset(cover, 0, n * sizeof(*cover));
	if (!n)
		return;
	events = cases[0].tables->dim[PF_DIM_EVENT].count;
	seen = zalloc((cases[0].tables->dim[PF_DIM_PIN].count + 1) * (events + 1));
	while (first < n) {
		struct span s = { cases, cover, first, first };

		while (s.end < n && cases[s.end].t == cases[first].t)
			s.end++;
		select_span(&s, seen, events);
		first = s.end;
	}
	for (size_t i = 0; i < n; i++)
		nest_profiles(&cover[i], &cases[i]);
	free(seen);
}

void pf_cover_profiles(const struct pf_cover *cover, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int p = 0; p < PF_PROFILES && used < size; p++)
		if (cover->profiles & (1u << p))
			used += snprintf(buf + used, size - used, "%s%s",
					 used ? "," : "", profile_names[p]);
}

void pf_cover_pairs(const struct pf_cover *cover, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int p = 0; p < PF_PROFILES; p++)
		for (size_t k = 0; k < sizeof(pair_names) / sizeof(pair_names[0]); k++)
			if ((cover->covers[p] & (1u << k)) && used < size)
				used += snprintf(buf + used, size - used, "%s%s:%s",
						 used ? "," : "", profile_names[p],
						 pair_names[k]);
}
