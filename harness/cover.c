// SPDX-License-Identifier: GPL-2.0
/*
 * The selection behind the profiles, one program at a time (its cases as
 * pf_expand() made them, a template's cases next to each other):
 *  - stress runs every case; exhaustive every case but the stress group's;
 *  - full: a covering array of the program. Every template at least once,
 *    with each of its pins and events (template x pin, template x event);
 *    every backing of the program once; every pin x event and pin x backing
 *    pair of the program; and, for the suite's pairwise templates
 *    (pf_template.pairwise: the scenarios that meet every event with every
 *    memory), every event x backing pair. Built greedily after quick's
 *    cases: take the case covering the most pairs not covered yet; ties to
 *    a backing that needs nothing special (anon), then to the first in
 *    expansion order, which is table order. A race is outside the
 *    covering: one case per race template (its cheapest);
 *  - quick: every pin x event pair of the pairwise templates, on the first
 *    backing in table order that needs nothing special (anon), else the
 *    first that fits; every other template once; never a race. quick's
 *    cases seed full's covering, so quick < full.
 * The lists depend on the templates and the tables alone, never on what
 * this machine can run.
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
	"template", "template*pin", "template*event", "backing",
	"pin*event", "pin*backing", "event*backing", "race",
};

/* The dimensions of PF_PAIR_PIN_EVENT << k. */
static const int pair_dims[3][2] = {
	{ PF_DIM_PIN, PF_DIM_EVENT },
	{ PF_DIM_PIN, PF_DIM_BACKING },
	{ PF_DIM_EVENT, PF_DIM_BACKING },
};

#define PAIR_OF_DIMS(k) (PF_PAIR_PIN_EVENT << (k))
#define PAIR_OF_DIM(d) (PF_PAIR_TEMPLATE_PIN << (d))

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

/* A program's cases, and the index of each one's template among its templates. */
struct program {
	const struct pf_case *cases;
	struct pf_cover *cover;
	size_t n;
	size_t *template_of;
	size_t templates;
	size_t count[PF_DIMS];		/* rows of each table */
};

/* What full's covering has covered so far. */
struct covered {
	unsigned char *pair[3];		/* pair_dims[k]: row a * count[b] + row b */
	unsigned char *with[PF_DIMS];	/* template * count[d] + row; backing: row */
	unsigned char *alone;		/* template */
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

/* In the covering and in quick: not a race, not the stress group. */
static int plain(const struct pf_case *c)
{
	return !(groups_of(c) & (PF_GROUP_RACE | PF_GROUP_STRESS));
}

static size_t row_index(const struct pf_case *c, int d)
{
	return (size_t)(c->row[d] - c->tables->dim[d].rows);
}

/* Needs nothing special: no backing, or one with no need gate (anon). */
static int cheap(const struct pf_case *c)
{
	const struct pf_row *b = c->row[PF_DIM_BACKING];

	return !b || !b->needs;
}

static int in_full(const struct program *pg, size_t i)
{
	return !!(pg->cover[i].profiles & (1u << PF_PROFILE_FULL));
}

static int same_pin_event(const struct pf_case *a, const struct pf_case *b)
{
	return a->row[PF_DIM_PIN] == b->row[PF_DIM_PIN] &&
	       a->row[PF_DIM_EVENT] == b->row[PF_DIM_EVENT];
}

static void choose(struct pf_cover *cv, enum pf_profile p, unsigned pairs)
{
	cv->profiles |= 1u << p;
	cv->covers[p] |= pairs;
}

/*
 * Of the cases of case i's template from i on, the first with like's pin
 * and event (any, for NULL) whose backing needs nothing special; else i.
 * i is the template's first case with them: expansion order is table order.
 */
static size_t cheapest(const struct program *pg, size_t i,
		       const struct pf_case *like)
{
	for (size_t j = i; j < pg->n && pg->template_of[j] == pg->template_of[i]; j++) {
		const struct pf_case *c = &pg->cases[j];

		if ((!like || same_pin_event(c, like)) && cheap(c))
			return j;
	}
	return i;
}

static size_t pair_key(const struct program *pg, const struct pf_case *c, int k)
{
	int a = pair_dims[k][0], b = pair_dims[k][1];

	return row_index(c, a) * pg->count[b] + row_index(c, b);
}

static void covered_init(struct covered *cv, const struct program *pg)
{
	for (int k = 0; k < 3; k++)
		cv->pair[k] = zalloc(pg->count[pair_dims[k][0]] *
				     pg->count[pair_dims[k][1]]);
	for (int d = 0; d < PF_DIMS; d++)
		cv->with[d] = zalloc(pg->templates * pg->count[d]);
	cv->alone = zalloc(pg->templates);
}

static void covered_free(struct covered *cv)
{
	for (int k = 0; k < 3; k++)
		free(cv->pair[k]);
	for (int d = 0; d < PF_DIMS; d++)
		free(cv->with[d]);
	free(cv->alone);
}

/* Whether case i's event x backing pair is one full must cover. */
static int pairwise_pair(const struct program *pg, size_t i, int k)
{
	return pair_dims[k][0] != PF_DIM_EVENT || pg->cases[i].t->pairwise;
}

/* The slot of case i's row of dimension d: with its template, or the backing alone. */
static unsigned char *row_slot(const struct covered *cv, const struct program *pg,
			       size_t i, int d)
{
	size_t row = row_index(&pg->cases[i], d);

	if (d == PF_DIM_BACKING)
		return &cv->with[d][row];
	return &cv->with[d][pg->template_of[i] * pg->count[d] + row];
}

#define MAX_SLOTS 7

/* The slots of case i's pairs in cv, and the enum pf_pair bit of each. */
static int slots(const struct covered *cv, const struct program *pg, size_t i,
		 unsigned char **slot, unsigned *bit)
{
	const struct pf_case *c = &pg->cases[i];
	int n = 0;

	for (int k = 0; k < 3; k++) {
		if (!c->row[pair_dims[k][0]] || !c->row[pair_dims[k][1]] ||
		    !pairwise_pair(pg, i, k))
			continue;
		slot[n] = &cv->pair[k][pair_key(pg, c, k)];
		bit[n++] = PAIR_OF_DIMS(k);
	}
	for (int d = 0; d < PF_DIMS; d++) {
		if (!c->row[d])
			continue;
		slot[n] = row_slot(cv, pg, i, d);
		bit[n++] = PAIR_OF_DIM(d);
	}
	slot[n] = &cv->alone[pg->template_of[i]];
	bit[n++] = PF_PAIR_TEMPLATE;
	return n;
}

/* The pairs of case i that nothing taken so far covers (enum pf_pair bits). */
static unsigned uncovered(const struct covered *cv, const struct program *pg, size_t i)
{
	unsigned char *slot[MAX_SLOTS];
	unsigned bit[MAX_SLOTS], bits = 0;
	int n = slots(cv, pg, i, slot, bit);

	for (int j = 0; j < n; j++)
		if (!*slot[j])
			bits |= bit[j];
	return bits;
}

static void take(struct covered *cv, const struct program *pg, size_t i)
{
	unsigned char *slot[MAX_SLOTS];
	unsigned bit[MAX_SLOTS];
	int n = slots(cv, pg, i, slot, bit);

	choose(&pg->cover[i], PF_PROFILE_FULL, uncovered(cv, pg, i));
	for (int j = 0; j < n; j++)
		*slot[j] = 1;
}

/* Whether case i is a better next pick than best (SIZE_MAX: none yet). */
static int better(const struct program *pg, size_t i, int gain, size_t best,
		  int best_gain)
{
	if (gain != best_gain)
		return gain > best_gain;
	return gain && cheap(&pg->cases[i]) && !cheap(&pg->cases[best]);
}

/* full: the covering array of the program's plain cases, seeded by quick. */
static void select_covering(const struct program *pg)
{
	struct covered cv;

	covered_init(&cv, pg);
	for (size_t i = 0; i < pg->n; i++)
		if (pg->cover[i].profiles & (1u << PF_PROFILE_QUICK))
			take(&cv, pg, i);
	for (;;) {
		size_t best = SIZE_MAX;
		int best_gain = 0;

		for (size_t i = 0; i < pg->n; i++) {
			int gain;

			if (!plain(&pg->cases[i]) || in_full(pg, i))
				continue;
			gain = __builtin_popcount(uncovered(&cv, pg, i));
			if (better(pg, i, gain, best, best_gain)) {
				best = i;
				best_gain = gain;
			}
		}
		if (!best_gain)
			break;
		take(&cv, pg, best);
	}
	covered_free(&cv);
}

/* full: one case of each race template, its cheapest. */
static void select_races(const struct program *pg)
{
	for (size_t i = 0; i < pg->n; i++) {
		int first = !i || pg->template_of[i] != pg->template_of[i - 1];

		if (first && (groups_of(&pg->cases[i]) & PF_GROUP_RACE) &&
		    !(groups_of(&pg->cases[i]) & PF_GROUP_STRESS))
			choose(&pg->cover[cheapest(pg, i, NULL)],
			       PF_PROFILE_FULL, PF_PAIR_RACE);
	}
}

/*
 * quick: each pin x event pair of the pairwise templates, at the first case
 * with it; seen is indexed (pin + 1) * (events + 1) + event + 1.
 */
static void select_pairs_quick(const struct program *pg, unsigned char *in_quick)
{
	size_t events = pg->count[PF_DIM_EVENT];
	unsigned char *seen = zalloc((pg->count[PF_DIM_PIN] + 1) * (events + 1));

	for (size_t i = 0; i < pg->n; i++) {
		const struct pf_case *c = &pg->cases[i];
		size_t pin = c->row[PF_DIM_PIN] ? row_index(c, PF_DIM_PIN) + 1 : 0;
		size_t event = c->row[PF_DIM_EVENT] ? row_index(c, PF_DIM_EVENT) + 1 : 0;
		size_t key = pin * (events + 1) + event;

		if (!plain(c) || !c->t->pairwise || (!pin && !event) || seen[key])
			continue;
		seen[key] = 1;
		choose(&pg->cover[cheapest(pg, i, c)], PF_PROFILE_QUICK,
		       PF_PAIR_PIN_EVENT);
		in_quick[pg->template_of[i]] = 1;
	}
	free(seen);
}

/* quick: the pairs, then every plain template that has no case in it yet. */
static void select_quick(const struct program *pg)
{
	unsigned char *in_quick = zalloc(pg->templates);

	select_pairs_quick(pg, in_quick);
	for (size_t i = 0; i < pg->n; i++) {
		size_t t = pg->template_of[i];

		if (!plain(&pg->cases[i]) || in_quick[t])
			continue;
		in_quick[t] = 1;
		choose(&pg->cover[cheapest(pg, i, NULL)], PF_PROFILE_QUICK,
		       PF_PAIR_TEMPLATE);
	}
	free(in_quick);
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
	struct program pg = { cases, cover, n, NULL, 0, { 0 } };

	memset(cover, 0, n * sizeof(*cover));
	if (!n)
		return;
	pg.template_of = calloc(n, sizeof(*pg.template_of));
	if (!pg.template_of) {
		perror("pinfork: calloc");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		if (i && cases[i].t != cases[i - 1].t)
			pg.templates++;
		pg.template_of[i] = pg.templates;
	}
	pg.templates++;
	for (int d = 0; d < PF_DIMS; d++)
		pg.count[d] = cases[0].tables->dim[d].count;
	select_quick(&pg);
	select_covering(&pg);
	select_races(&pg);
	for (size_t i = 0; i < n; i++)
		nest_profiles(&cover[i], &cases[i]);
	free(pg.template_of);
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
