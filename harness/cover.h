/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which profiles run which case: the one rule. quick < full < exhaustive <
 * stress, each running every case of the one before it. exhaustive runs
 * every expanded case; full a covering array of each program (every pair of
 * its rows, the template being one of its factors, at least once); quick
 * every pin x event pair once per program. Decided from the templates and
 * the tables alone, so the list is the same on every machine for a given
 * build.
 */
#ifndef PINFORK_COVER_H
#define PINFORK_COVER_H

#include <stddef.h>

#include "pf_case.h"

enum pf_profile {
	PF_PROFILE_QUICK,
	PF_PROFILE_FULL,
	PF_PROFILE_EXHAUSTIVE,
	PF_PROFILE_STRESS,	/* exhaustive, stress-group templates, long races */
	PF_PROFILES
};

/* What the selection decided for one case. */
struct pf_cover {
	unsigned profiles;		/* 1 << enum pf_profile for each profile that runs it */
	unsigned covers[PF_PROFILES];	/* enum pf_pair bits: what it stands for there */
};

/* The kinds of pair a case can stand for (the case's own rows give the values). */
enum pf_pair {
	PF_PAIR_TEMPLATE	  = 1u << 0,	/* the template, once */
	PF_PAIR_TEMPLATE_PIN	  = 1u << 1,	/* the template with a pin row */
	PF_PAIR_TEMPLATE_EVENT	  = 1u << 2,
	PF_PAIR_BACKING		  = 1u << 3,	/* the backing, once a program */
	PF_PAIR_PIN_EVENT	  = 1u << 4,	/* '-' is a value: a program's implicit pin */
	PF_PAIR_PIN_BACKING	  = 1u << 5,
	PF_PAIR_EVENT_BACKING	  = 1u << 6,
	PF_PAIR_RACE		  = 1u << 7,	/* the one case of a race template in full */
};

/* The profile called name; -1 when there is none. */
int pf_profile_parse(const char *name);
const char *pf_profile_name(enum pf_profile p);

/* Fills cover[i] for cases[i]; cases as pf_expand() made them. */
void pf_cover_select(const struct pf_case *cases, size_t n,
		     struct pf_cover *cover);

/* "quick,full,exhaustive,stress": the profiles that run it. */
void pf_cover_profiles(const struct pf_cover *cover, char *buf, size_t size);
/* "quick:pin*event,full:pin*event,full:pin*backing"; "" when none. */
void pf_cover_pairs(const struct pf_cover *cover, char *buf, size_t size);

#endif
