// SPDX-License-Identifier: GPL-2.0
/* pf_main: options, listing, the plan, and one TAP result per case. */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cover.h"
#include "fixes.h"
#include "knob.h"
#include "record.h"
#include "run_lock.h"
#include "runner.h"

/* A race's duration in each profile (quick runs none), unless told. */
static const double race_seconds_of[PF_PROFILES] = { 0.5, 0.5, 2, 30 };

static void usage(const char *prog, FILE *out)
{
	fprintf(out,
		"usage: %s [options]\n"
		"  -l, --list            list cases, one a line, tab-separated: name, pin,\n"
		"                        event, backing, profiles (quick,full,exhaustive,\n"
		"                        stress), summary, fixes, CVEs, covers (the pairs\n"
		"                        of its rows it stands for: quick:pin*event,\n"
		"                        full:pin*backing...) ('-' when empty)\n"
		"  -t, --tests GLOB      run cases whose name matches GLOB (repeatable,\n"
		"                        comma-separated)\n"
		"  -T, --timeout SEC     per-case timeout (default: the case's own)\n"
		"  -r, --race-seconds S  duration of time-bounded races (default\n"
		"                        $PINFORK_RACE_SECONDS, else the profile's: full\n"
		"                        %g, exhaustive %g, stress %g)\n"
		"  -p, --profile NAME    (or $PINFORK_PROFILE) quick: every pin x event\n"
		"                        pair once, no races; full (default): every pair\n"
		"                        of rows (template, pin, event, backing) once,\n"
		"                        one case a race; exhaustive: every case;\n"
		"                        stress: every case, long races\n"
		"  -h, --help\n"
		"Environment (what run_kselftest.sh passes on; options override it):\n"
		"  PINFORK_PROFILE=NAME       the profile (default full); an unknown\n"
		"                             name is an error, never a silent full\n"
		"  PINFORK_RACE_SECONDS=S     duration of each race (S > 0)\n"
		"  PINFORK_RECORD=FILE        append one record per case (run.sh)\n"
		"  PINFORK_STATE_DIR=DIR      knob journal and run lock\n"
		"                             (default /var/tmp/pinfork)\n"
		"Results: TAP 13 on stdout; exit 0 pass, 1 fail or bad option (a\n"
		"usage error is never 2: kselftest reads that as a failure code),\n"
		"4 all skipped.\n",
		prog, race_seconds_of[PF_PROFILE_FULL],
		race_seconds_of[PF_PROFILE_EXHAUSTIVE], race_seconds_of[PF_PROFILE_STRESS]);
}

#define PF_SECONDS_MAX 86400	/* a day: larger is a typo, not a plan */

static int set_profile(struct pf_options *o, const char *name, const char *from)
{
	int profile = pf_profile_parse(name);

	if (profile < 0) {
		fprintf(stderr, "pinfork: %s: unknown profile '%s' (quick, full, exhaustive or stress)\n",
			from, name);
		return -1;
	}
	o->profile = profile;
	return 0;
}

/* A per-case timeout: whole seconds, 1 to a day. */
static int parse_timeout(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > PF_SECONDS_MAX) {
		fprintf(stderr, "pinfork: -T/--timeout needs whole seconds from 1 to %d, not '%s'\n",
			PF_SECONDS_MAX, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* A race's duration: seconds, more than 0, at most a day. */
static int parse_race_seconds(const char *s, const char *from, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > PF_SECONDS_MAX) {
		fprintf(stderr, "pinfork: %s needs seconds, more than 0 and at most %d, not '%s'\n",
			from, PF_SECONDS_MAX, s);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * $PINFORK_PROFILE and $PINFORK_RACE_SECONDS, where no option set them (how
 * run_kselftest.sh, which passes no options, chooses): a bad value is an
 * error, never a silent default.
 */
static int read_env(struct pf_options *o, int profile_given)
{
	const char *race = getenv("PINFORK_RACE_SECONDS");
	const char *profile = getenv("PINFORK_PROFILE");

	if (!profile_given &&
	    set_profile(o, profile && *profile ? profile : "full", "$PINFORK_PROFILE"))
		return -1;
	if (o->race_seconds < 0 && race && *race &&
	    parse_race_seconds(race, "$PINFORK_RACE_SECONDS", &o->race_seconds))
		return -1;
	return 0;
}

static void add_globs(struct pf_options *o, char *arg)
{
	for (char *g = strtok(arg, ","); g && o->nglobs < 32; g = strtok(NULL, ","))
		o->globs[o->nglobs++] = g;
}

static int parse_args(int argc, char **argv, struct pf_options *o)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "tests", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "race-seconds", required_argument, NULL, 'r' },
		{ "profile", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, profile_given = 0;

	memset(o, 0, sizeof(*o));
	o->race_seconds = -1;
	while ((opt = getopt_long(argc, argv, "lt:T:r:p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l': o->list = 1; break;
		case 't': add_globs(o, optarg); break;
		case 'T':
			if (parse_timeout(optarg, &o->timeout))
				return -1;
			break;
		case 'r':
			if (parse_race_seconds(optarg, "-r/--race-seconds", &o->race_seconds))
				return -1;
			break;
		case 'p':
			if (set_profile(o, optarg, "-p/--profile"))
				return -1;
			profile_given = 1;
			break;
		case 'h': usage(argv[0], stdout); exit(0);
		default: return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	if (read_env(o, profile_given))
		return -1;
	if (o->race_seconds < 0)
		o->race_seconds = race_seconds_of[o->profile];
	return 0;
}

static int selected(const struct pf_case *c, const struct pf_cover *cover,
		    const struct pf_options *o)
{
	if (!(cover->profiles & (1u << o->profile)))
		return 0;
	if (!o->nglobs)
		return 1;
	for (int i = 0; i < o->nglobs; i++)
		if (!fnmatch(o->globs[i], c->name, 0))
			return 1;
	return 0;
}

/* Names are keys in CI result history: valid and unique, or a bug here. */
static const char *bad_name(const struct pf_case *cases, size_t n)
{
	regex_t re;
	const char *bad = NULL;

	regcomp(&re, "^[a-z][a-z0-9_-]*$", REG_EXTENDED | REG_NOSUB);
	for (size_t i = 0; i < n && !bad; i++) {
		if (regexec(&re, cases[i].name, 0, NULL, 0))
			bad = cases[i].name;
		for (size_t j = 0; j < i && !bad; j++)
			if (!strcmp(cases[i].name, cases[j].name))
				bad = cases[i].name;
	}
	regfree(&re);
	return bad;
}

static void join_refs(char *buf, size_t size, const char *const *refs)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < PF_MAX_REFS && refs[i] && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i ? "," : "", refs[i]);
}

static const char *row_name(const struct pf_case *c, enum pf_dim dim)
{
	return c->row[dim] ? c->row[dim]->name : "-";
}

static const char *or_dash(const char *field)
{
	return field[0] ? field : "-";
}

/*
 * One line a case: name, pin, event, backing, profiles, summary, fixes,
 * CVEs, covers.
 */
static void list_cases(const struct pf_case *cases,
		       const struct pf_cover *cover, size_t n,
		       const struct pf_options *o)
{
	char fixes[128], cves[128], profiles[64], covers[256];

	for (size_t i = 0; i < n; i++) {
		const struct pf_case *c = &cases[i];

		if (!selected(c, &cover[i], o))
			continue;
		join_refs(fixes, sizeof(fixes), c->t->fixes);
		join_refs(cves, sizeof(cves), c->t->cves);
		pf_cover_profiles(&cover[i], profiles, sizeof(profiles));
		pf_cover_pairs(&cover[i], covers, sizeof(covers));
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c->name,
		       row_name(c, PF_DIM_PIN), row_name(c, PF_DIM_EVENT),
		       row_name(c, PF_DIM_BACKING), or_dash(profiles),
		       or_dash(c->summary), or_dash(fixes), or_dash(cves),
		       or_dash(covers));
	}
}

/*
 * What the case guards, before a bad result. The fixes are named as missing
 * only when the kernel got it wrong (FAIL) or hung (TIMEOUT); an ERROR is
 * the test's own trouble and says nothing about the kernel's fixes.
 */
static void print_hints(const struct pf_case *c, enum tap_status st)
{
	const struct pf_template *t = c->t;

	printf("# %s: %s\n", c->name, c->summary);
	if (st == TAP_ERROR)
		return;
	for (int i = 0; i < PF_MAX_REFS && t->fixes[i]; i++) {
		const struct pf_fix *f = pf_fix_lookup(t->fixes[i]);

		if (f)
			printf("# hint: needs linux-git %s (%s) \"%s\"\n",
			       t->fixes[i], f->release, f->subject);
		else
			printf("# hint: needs linux-git %s\n", t->fixes[i]);
	}
	for (int i = 0; i < PF_MAX_REFS && t->cves[i]; i++)
		printf("# hint: guards %s\n", t->cves[i]);
}

static int on_known_backing(const struct pf_case *c)
{
	const struct pf_row *backing = c->row[PF_DIM_BACKING];
	unsigned want = c->t->known_backings;

	return want && backing && (backing->flags & want) == want;
}

/*
 * Known limitations: XFAIL only when the case reported the documented
 * symptom (PF_XFAIL) on a backing the template lists. The runner has
 * already turned a symptom followed by a harness oracle failure into FAIL;
 * a symptom elsewhere is FAIL; a pass on a known backing is XPASS.
 */
static enum tap_status known_issue(const struct pf_case *c, enum tap_status st,
				   char *reason, size_t size)
{
	const struct pf_template *t = c->t;

	if (st == TAP_XFAIL && !on_known_backing(c)) {
		printf("# the known symptom showed where no known issue is documented\n");
		return TAP_FAIL;
	}
	if (st == TAP_XFAIL) {
		printf("# known issue showed: %s\n", reason);
		snprintf(reason, size, "%s", t->known_issue ? t->known_issue : "known issue");
		return TAP_XFAIL;
	}
	if (st == TAP_PASS && on_known_backing(c)) {
		snprintf(reason, size, "known issue did not show: %s", t->known_issue);
		return TAP_XPASS;
	}
	return st;
}

static enum tap_status run_one(const struct pf_case *c,
			       const struct pf_options *o, char *reason,
			       size_t size, double *secs)
{
	*secs = 0;
	pf_case_log_clear();
	if (c->tables->needs_check &&
	    c->tables->needs_check(c->needs, reason, size))
		return TAP_SKIP;
	return known_issue(c, pf_run_case(c, o, reason, size, secs), reason, size);
}

static void run_all(struct tap *t, const struct pf_case *cases,
		    const struct pf_cover *cover, size_t n,
		    const struct pf_options *o, const char *prog)
{
	for (size_t i = 0; i < n; i++) {
		const struct pf_case *c = &cases[i];
		char reason[PF_REASON_MAX_RUNNER];
		enum tap_status st;
		double secs;

		if (!selected(c, &cover[i], o))
			continue;
		st = run_one(c, o, reason, sizeof(reason), &secs);
		if (st == TAP_FAIL || st == TAP_ERROR || st == TAP_TIMEOUT)
			print_hints(c, st);
		tap_result(t, c->name, st, reason);
		pf_record(prog, c, st, reason, secs);
	}
}

int pf_main(int argc, char **argv, const struct pf_template *templates,
	    size_t count, const struct pf_tables *tables)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct pf_options o;
	struct pf_case *cases;
	struct pf_cover *cover;
	size_t n, planned = 0;
	const char *bad;
	struct tap t;

	if (parse_args(argc, argv, &o)) {
		usage(prog, stderr);
		return 1;	/* never 2: the kselftest runner reads it as a failure code */
	}
	n = pf_expand(templates, count, tables, &cases);
	cover = calloc(n ? n : 1, sizeof(*cover));
	if (!cover) {
		perror("pinfork: calloc");
		return 1;
	}
	pf_cover_select(cases, n, cover);
	if (o.list) {
		list_cases(cases, cover, n, &o);
		free(cover);
		free(cases);
		return 0;
	}
	tap_init(&t, stdout);
	bad = bad_name(cases, n);
	if (bad) {
		tap_bail_out(&t, "invalid or duplicate case name");
		fprintf(stderr, "pinfork: bad case name: %s\n", bad);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		planned += selected(&cases[i], &cover[i], &o);
	if (!planned) {
		tap_skip_all(&t, "no case selected");
		free(cover);
		free(cases);
		return TAP_EXIT_SKIP;
	}
	if (run_lock_take()) {
		tap_bail_out(&t, "another pinfork run holds the lock");
		free(cover);
		free(cases);
		return 1;
	}
	knob_restore_all();	/* leftovers of a crashed run: the lock makes them not a live run's */
	tap_plan(&t, (int)planned);
	run_all(&t, cases, cover, n, &o, prog);
	tap_totals(&t);
	free(cover);
	free(cases);
	return tap_exit_code(&t);
}
