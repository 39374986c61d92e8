// SPDX-License-Identifier: GPL-2.0
/*
 * pinfork-report: turns the per-case records of a run ($PINFORK_RECORD, see
 * record.h) into results.json and junit.xml, and prints the summary table.
 *
 *   pinfork-report --records FILE [--programs FILE] [--tap FILE]
 *                  [--json OUT] [--junit OUT] [--cases-out OUT] [--summary]
 *                  [--kernel K] [--uname U] [--host H] [--profile P]
 *                  [--start ISO] [--end ISO] [--seconds S] [--interrupted]
 *   pinfork-report --merge CASES [--merge CASES]... [the outputs above]
 *   pinfork-report --matrix OUT DIR...   (matrix.c: many kernels' results)
 *
 * --programs: run.sh's per-program lines "prog\trc\tresult\tseconds" (result
 * as the kselftest wrapper line says it: ok, skip, timeout, exit=RC,
 * interrupted). A program that timed out, crashed or bailed out without a
 * failed case gets a case of its own, named after the program, so that
 * nothing a CI system should see is lost.
 * --tap: the wrapped output.tap, read for the "# hint:" lines that precede
 * each failed result.
 * --cases-out: every case as the report sees it (records plus the cases made
 * for programs that died, plus a tenth field: the hints), in the records
 * format; what --merge reads back.
 * --merge: one --cases-out file per round of a repeated run (run.sh
 * --repeat). Each case appears once, with how often it ran, passed, failed...
 * ("runs" in the JSON); its status is the worst it had; a case that failed
 * or erred in some rounds and passed in others is flaky.
 * A "race: key=value ..." diagnostic line of a case becomes its "race" object.
 * A records line too short to name its case (fewer than 3 fields, or no
 * program or name), or with a status it does not know, becomes an ERROR case
 * that says so: a program killed while writing its record loses nothing.
 * junit.xml follows junit-10.xsd (check/junit-10.xsd): an XFAIL or XPASS is
 * a passed testcase whose <system-out> starts with its status and reason.
 * Exit: 0 nothing failed, 1 something failed, 2 usage or I/O error (every
 * output is still attempted, the summary printed), 4 no case ran (none
 * selected, or all skipped), as kselftest exits when all are skipped.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "report_json.h"
#include "report_out.h"
#include "report_records.h"

enum status { ST_PASS, ST_FAIL, ST_SKIP, ST_XFAIL, ST_XPASS, ST_ERROR,
	      ST_TIMEOUT, ST_COUNT };

static const char *const status_names[ST_COUNT] = {
	"pass", "fail", "skip", "xfail", "xpass", "error", "timeout",
};

struct rcase {
	char *prog, *name, *reason, *summary, *fixes, *cves, *diag;
	char *hints;		/* "hint: ..." lines from the TAP, or NULL */
	enum status st;
	double secs;
	int runs[ST_COUNT];	/* how often it ended so (over rounds) */
};

struct rprog {
	char *name, *result;
	int rc;
	double secs;
	int counts[ST_COUNT];
	double case_secs;
};

struct meta {
	const char *kernel, *uname, *host, *profile, *start, *end;
	double seconds;
	int interrupted;
};

static struct rcase *cases;
static size_t ncases, cases_cap;
static struct rprog *progs;
static size_t nprogs, progs_cap;
static int rounds = 1;
static int write_failed;	/* an output could not be written */

static enum status parse_status(const char *s)
{
	for (int i = 0; i < ST_COUNT; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return ST_ERROR;
}

static int is_bad(enum status st)
{
	return st == ST_FAIL || st == ST_ERROR || st == ST_TIMEOUT;
}

static struct rprog *find_prog(const char *name, int create)
{
	for (size_t i = 0; i < nprogs; i++)
		if (!strcmp(progs[i].name, name))
			return &progs[i];
	if (!create)
		return NULL;
	if (nprogs == progs_cap) {
		progs_cap = progs_cap ? 2 * progs_cap : 16;
		progs = mx_alloc(progs, progs_cap * sizeof(*progs));
	}
	memset(&progs[nprogs], 0, sizeof(*progs));
	progs[nprogs].name = mx_strdup(name);
	progs[nprogs].rc = -1;
	return &progs[nprogs++];
}

static struct rcase *add_case(void)
{
	if (ncases == cases_cap) {
		cases_cap = cases_cap ? 2 * cases_cap : 64;
		cases = mx_alloc(cases, cases_cap * sizeof(*cases));
	}
	memset(&cases[ncases], 0, sizeof(*cases));
	return &cases[ncases++];
}

static FILE *open_or_die(const char *path, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (!f) {
		fprintf(stderr, "pinfork-report: %s: ", path);
		perror(NULL);
		exit(2);
	}
	return f;
}

/*
 * A records line too short to name its case (a program killed while it
 * wrote it): an ERROR case of its own, so that no output loses it.
 */
static void add_damaged_record(const char *path, long lineno, char **fl, int n)
{
	char why[512], name[64];
	struct rcase *c = add_case();

	record_damaged_name(name, sizeof(name), lineno);
	record_damaged_why(why, sizeof(why), path, lineno, n);
	c->prog = mx_strdup(*fl[0] ? fl[0] : "records");
	c->name = mx_strdup(n > 1 && *fl[1] ? fl[1] : name);
	c->st = ST_ERROR;
	c->reason = mx_strdup(why);
	c->summary = mx_strdup(RECORD_DAMAGED_SUMMARY);
	c->fixes = mx_strdup("");
	c->cves = mx_strdup("");
	c->diag = mx_strdup("");
	c->runs[c->st] = 1;
	find_prog(c->prog, 1);
}

/* The status field; one it does not know is an ERROR that says so. */
static void set_status(struct rcase *c, const char *field)
{
	char why[300];

	c->st = parse_status(field);
	if (c->st != ST_ERROR || !strcmp(field, "error") || *c->reason)
		return;
	record_unknown_status_why(why, sizeof(why), field);
	free(c->reason);
	c->reason = mx_strdup(why);
}

static void take_record(void *ctx, char **fl)
{
	struct rcase *c = add_case();

	(void)ctx;
	c->prog = mx_strdup(fl[0]);
	c->name = mx_strdup(fl[1]);
	c->secs = atof(fl[3]);
	c->reason = mx_strdup(record_unescape(fl[4]));
	c->summary = mx_strdup(record_unescape(fl[5]));
	c->fixes = mx_strdup(fl[6]);
	c->cves = mx_strdup(fl[7]);
	c->diag = mx_strdup(record_unescape(fl[8]));
	c->hints = *fl[9] ? mx_strdup(record_unescape(fl[9])) : NULL;
	set_status(c, fl[2]);
	c->runs[c->st] = 1;
	find_prog(c->prog, 1);
}

static void take_damaged(void *path, long lineno, char **fl, int n)
{
	add_damaged_record(path, lineno, fl, n);
}

static void read_records(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return;		/* no program ran a case: an empty report */
	record_read_lines(f, take_record, take_damaged, (void *)path);
	fclose(f);
}

static void read_programs(const char *path)
{
	FILE *f = open_or_die(path, "r");
	char *line = NULL, *fl[4];
	size_t cap = 0;

	while (getline(&line, &cap, f) > 0) {
		int n = record_split_tabs(line, fl, 4);
		struct rprog *p;

		if (n < 3 || !*fl[0])
			continue;
		p = find_prog(fl[0], 1);
		p->rc = atoi(fl[1]);
		p->result = mx_strdup(fl[2]);
		p->secs = n > 3 ? atof(fl[3]) : 0;
	}
	free(line);
	fclose(f);
}

static struct rcase *find_case(const char *prog, const char *name)
{
	for (size_t i = 0; i < ncases; i++)
		if (!strcmp(cases[i].prog, prog) && !strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

static void append(char **dst, const char *s)
{
	size_t old = *dst ? strlen(*dst) : 0;

	*dst = mx_alloc(*dst, old + strlen(s) + 2);
	strcpy(*dst + old, s);
	strcat(*dst + old, "\n");
}

/*
 * In the wrapped TAP a program's own lines carry one "# " more: its hint lines
 * are "# # hint: ..." and its results "# ok N name" / "# not ok N name # why".
 * Also keeps each program's last lines, for programs that died.
 */
#define TAIL_LINES 20

struct tail {
	char *line[TAIL_LINES];
	int next, used;
};

static void read_tap(const char *path, struct tail *tails)
{
	FILE *f = open_or_die(path, "r");
	char *line = NULL, *hints = NULL, prog[256] = "";
	size_t cap = 0;

	while (getline(&line, &cap, f) > 0) {
		const char *sel = "# selftests: pinfork: ";
		char name[256];
		struct rprog *p;
		int num;

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, sel, strlen(sel))) {
			snprintf(prog, sizeof(prog), "%s", line + strlen(sel));
			free(hints);
			hints = NULL;
			continue;
		}
		if (strncmp(line, "# ", 2))
			continue;
		p = prog[0] ? find_prog(prog, 0) : NULL;
		if (p) {
			struct tail *t = &tails[p - progs];

			free(t->line[t->next]);
			t->line[t->next] = mx_strdup(line + 2);
			t->next = (t->next + 1) % TAIL_LINES;
			t->used += t->used < TAIL_LINES;
		}
		if (!strncmp(line, "# # hint: ", 10)) {
			append(&hints, line + 4);
		} else if (sscanf(line, "# not ok %d %255s", &num, name) == 2) {
			struct rcase *c = find_case(prog, name);

			if (c && hints && !c->hints)
				c->hints = hints;
			else
				free(hints);
			hints = NULL;
		} else if (sscanf(line, "# ok %d %255s", &num, name) == 2) {
			free(hints);
			hints = NULL;
		}
	}
	free(hints);
	free(line);
	fclose(f);
}

static char *tail_text(struct tail *t)
{
	char *s = NULL;

	for (int i = 0; i < t->used; i++) {
		int k = (t->next - t->used + i + TAIL_LINES) % TAIL_LINES;

		append(&s, t->line[k]);
	}
	return s ? s : mx_strdup("");
}

/*
 * A program that did not end with ok/skip and left no failed case of its own
 * (timeout, crash, bail out, usage error) becomes one failed case.
 */
static void add_program_cases(struct tail *tails)
{
	size_t n = nprogs;

	for (size_t i = 0; i < n; i++) {
		struct rprog *p = &progs[i];
		int failed = 0, timeout = 0;
		char why[300];
		struct rcase *c;

		if (!p->result || !strcmp(p->result, "ok") ||
		    !strcmp(p->result, "skip"))
			continue;
		for (size_t k = 0; k < ncases; k++)
			if (!strcmp(cases[k].prog, p->name) && is_bad(cases[k].st))
				failed = 1;
		timeout = !strncmp(p->result, "timeout", 7);
		if (failed && !timeout && strcmp(p->result, "interrupted"))
			continue;
		if (timeout)
			snprintf(why, sizeof(why), "program TIMEOUT%s", p->result + 7);
		else if (!strcmp(p->result, "interrupted"))
			snprintf(why, sizeof(why), "program interrupted by a signal to run.sh");
		else
			snprintf(why, sizeof(why), "program ended with %s", p->result);
		c = add_case();
		c->prog = mx_strdup(p->name);
		c->name = mx_strdup(p->name);
		c->st = timeout ? ST_TIMEOUT : ST_ERROR;
		c->secs = p->secs;
		c->reason = mx_strdup(why);
		c->summary = mx_strdup("the test program as a whole");
		c->fixes = mx_strdup("");
		c->cves = mx_strdup("");
		c->diag = tails ? tail_text(&tails[i]) : mx_strdup("");
		c->runs[c->st] = 1;
	}
}

static int runs_of(const struct rcase *c)
{
	int n = 0;

	for (int i = 0; i < ST_COUNT; i++)
		n += c->runs[i];
	return n;
}

static int good_runs(const struct rcase *c)
{
	return c->runs[ST_PASS] + c->runs[ST_XPASS] + c->runs[ST_XFAIL];
}

static int bad_runs(const struct rcase *c)
{
	return c->runs[ST_FAIL] + c->runs[ST_ERROR] + c->runs[ST_TIMEOUT];
}

static int is_flaky(const struct rcase *c)
{
	return bad_runs(c) && good_runs(c);
}

/* Which of two outcomes of one case speaks for it: a bad one, then a run. */
static int outranks(enum status a, enum status b)
{
	if (is_bad(a) != is_bad(b))
		return is_bad(a);
	return b == ST_SKIP && a != ST_SKIP;
}

static void free_case(struct rcase *c)
{
	free(c->prog);
	free(c->name);
	free(c->reason);
	free(c->summary);
	free(c->fixes);
	free(c->cves);
	free(c->diag);
	free(c->hints);
}

/* Keeps, of two outcomes of one case, the one that speaks for it in m. */
static void merge_case(struct rcase *m, struct rcase *c)
{
	int runs[ST_COUNT];
	double secs = m->secs + c->secs;

	for (int s = 0; s < ST_COUNT; s++)
		runs[s] = m->runs[s] + c->runs[s];
	if (outranks(c->st, m->st)) {
		free_case(m);
		*m = *c;
	} else {
		free_case(c);
	}
	memcpy(m->runs, runs, sizeof(runs));
	m->secs = secs;
}

/* --merge: one case per program and name, its outcomes counted. */
static void merge_rounds(void)
{
	size_t n = 0;

	for (size_t i = 0; i < ncases; i++) {
		struct rcase *c = &cases[i], *m = NULL;

		for (size_t k = 0; k < n && !m; k++)
			if (!strcmp(cases[k].prog, c->prog) &&
			    !strcmp(cases[k].name, c->name))
				m = &cases[k];
		if (m)
			merge_case(m, c);
		else
			cases[n++] = *c;
	}
	ncases = n;
}

/* --merge: a round's cases (--cases-out); a missing file is an error. */
static void read_merged(const char *path)
{
	FILE *f = open_or_die(path, "r");

	fclose(f);
	read_records(path);
}

/* Cases grouped by program, in the order the programs ran. */
static void order_cases(void)
{
	struct rcase *sorted = mx_alloc(NULL, (ncases + 1) * sizeof(*sorted));
	size_t n = 0;

	for (size_t i = 0; i < nprogs; i++)
		for (size_t k = 0; k < ncases; k++)
			if (!strcmp(cases[k].prog, progs[i].name))
				sorted[n++] = cases[k];
	free(cases);
	cases = sorted;
	cases_cap = ncases + 1;
}

static void count(int *totals)
{
	memset(totals, 0, ST_COUNT * sizeof(int));
	for (size_t i = 0; i < nprogs; i++) {
		memset(progs[i].counts, 0, sizeof(progs[i].counts));
		progs[i].case_secs = 0;
	}
	for (size_t i = 0; i < ncases; i++) {
		struct rprog *p = find_prog(cases[i].prog, 1);

		p->counts[cases[i].st]++;
		p->case_secs += cases[i].secs;
		totals[cases[i].st]++;
	}
	for (size_t i = 0; i < nprogs; i++)
		if (!progs[i].result)
			progs[i].secs = progs[i].case_secs;
}

/* results.json's strings: invalid UTF-8 shown byte by byte (report_json.h) */
static void json_str(FILE *f, const char *s)
{
	json_write_str(f, s, JSON_PLAIN);
}

static void json_member(FILE *f, const char *sep, const char *key, const char *s)
{
	json_write_member(f, sep, key, s, JSON_PLAIN);
}

/* A comma-separated list ("a,b") as a JSON array. */
static void json_list(FILE *f, const char *list)
{
	char *copy = mx_strdup(list);
	int first = 1;

	fputc('[', f);
	for (char *t = strtok(copy, ","); t; t = strtok(NULL, ",")) {
		if (!strcmp(t, "-"))
			continue;
		fputs(first ? "" : ", ", f);
		json_str(f, t);
		first = 0;
	}
	fputc(']', f);
	free(copy);
}

static void json_counts(FILE *f, const int *c, int total)
{
	fprintf(f, "{\"cases\": %d", total);
	for (int i = 0; i < ST_COUNT; i++)
		fprintf(f, ", \"%s\": %d", status_names[i], c[i]);
	fputc('}', f);
}

static int sum(const int *c)
{
	int n = 0;

	for (int i = 0; i < ST_COUNT; i++)
		n += c[i];
	return n;
}

static void json_meta_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, "  \"%s\": ", key);
	if (val)
		json_str(f, val);
	else
		fputs("null", f);
	fputs(",\n", f);
}

/* A race statistic: a JSON number when it reads as one, else a string. */
static void json_value(FILE *f, const char *v, size_t len)
{
	char buf[64];
	size_t i = v[0] == '-';
	int digits = 0, dot = 0, ok = len > 0 && len < sizeof(buf);

	for (; ok && i < len; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			digits++;
		else if (v[i] == '.' && digits && !dot)
			dot = 1;
		else
			ok = 0;
	}
	ok = ok && digits && v[len - 1] != '.' &&
	     !(v[v[0] == '-'] == '0' && len > (size_t)(v[0] == '-') + 1 &&
	       v[(v[0] == '-') + 1] != '.');	/* JSON has no leading zeros */
	snprintf(buf, sizeof(buf), "%.*s", (int)(len < 63 ? len : 63), v);
	if (ok)
		fputs(buf, f);
	else
		json_str(f, buf);
}

/*
 * The race statistics a race case prints as one diagnostic line
 * "race: reads=N forks=N ..." (the last such line), as a JSON object; only
 * key=value words count, so another line that starts with "race:" is left.
 */
static void json_race(FILE *f, const char *diag)
{
	const char *line = NULL;
	int first = 1;

	for (const char *s = diag; s && *s; s += strcspn(s, "\n"), s += *s == '\n')
		if (!strncmp(s, "race: ", 6) && memchr(s, '=', strcspn(s, "\n")))
			line = s + 6;
	if (!line)
		return;
	fputs(", \"race\": {", f);
	while (*line && *line != '\n') {
		size_t word = strcspn(line, " \n"), key = strspn(line, "abcdefghijklmnopqrstuvwxyz_");

		if (key && key < word && line[key] == '=' && key < 48) {
			fprintf(f, "%s\"%.*s\": ", first ? "" : ", ", (int)key, line);
			json_value(f, line + key + 1, word - key - 1);
			first = 0;
		}
		line += word;
		line += strspn(line, " ");
	}
	fputc('}', f);
}

static void json_runs(FILE *f, const struct rcase *c)
{
	fprintf(f, ",\n     \"runs\": {\"runs\": %d", runs_of(c));
	for (int i = 0; i < ST_COUNT; i++)
		fprintf(f, ", \"%s\": %d", status_names[i], c->runs[i]);
	fprintf(f, "}, \"flaky\": %s", is_flaky(c) ? "true" : "false");
}

static void json_flaky(FILE *f)
{
	int first = 1;

	fputs("  \"flaky\": [", f);
	for (size_t i = 0; i < ncases; i++) {
		if (!is_flaky(&cases[i]))
			continue;
		fputs(first ? "\n    {" : ",\n    {", f);
		json_member(f, "", "program", cases[i].prog);
		json_member(f, ", ", "name", cases[i].name);
		fprintf(f, ", \"runs\": %d, \"failed\": %d}", runs_of(&cases[i]),
			bad_runs(&cases[i]));
		first = 0;
	}
	fputs(first ? "],\n" : "\n  ],\n", f);
}

/* An output that cannot be written makes the exit 2 (report_out.h says why). */
static FILE *open_output(const char *path)
{
	FILE *f = report_open_output(path);

	if (!f)
		write_failed = 1;
	return f;
}

static void close_output(FILE *f, const char *path)
{
	if (report_close_output(f, path))
		write_failed = 1;
}

static void write_json(const char *path, const struct meta *m, const int *totals)
{
	FILE *f = open_output(path);

	if (!f)
		return;

	fputs("{\n  \"suite\": \"pinfork\",\n  \"format\": 1,\n", f);
	json_meta_str(f, "kernel", m->kernel);
	json_meta_str(f, "uname", m->uname);
	json_meta_str(f, "hostname", m->host);
	json_meta_str(f, "profile", m->profile);
	json_meta_str(f, "start", m->start);
	json_meta_str(f, "end", m->end);
	fprintf(f, "  \"seconds\": %.3f,\n", m->seconds);
	fprintf(f, "  \"interrupted\": %s,\n", m->interrupted ? "true" : "false");
	fprintf(f, "  \"rounds\": %d,\n", rounds);
	json_flaky(f);
	fputs("  \"totals\": ", f);
	json_counts(f, totals, sum(totals));
	fputs(",\n  \"programs\": [", f);
	for (size_t i = 0; i < nprogs; i++) {
		const struct rprog *p = &progs[i];

		fprintf(f, "%s\n    {", i ? "," : "");
		json_member(f, "", "name", p->name);
		json_member(f, ", ", "result", p->result ? p->result : "unknown");
		fprintf(f, ", \"exit\": %d, \"seconds\": %.3f, \"totals\": ",
			p->rc, p->secs);
		json_counts(f, p->counts, sum(p->counts));
		fputc('}', f);
	}
	fputs(nprogs ? "\n  ],\n  \"cases\": [" : "],\n  \"cases\": [", f);
	for (size_t i = 0; i < ncases; i++) {
		const struct rcase *c = &cases[i];

		fprintf(f, "%s\n    {", i ? "," : "");
		json_member(f, "", "program", c->prog);
		json_member(f, ", ", "name", c->name);
		fprintf(f, ", \"status\": \"%s\", \"seconds\": %.3f",
			status_names[c->st], c->secs);
		json_member(f, ",\n     ", "reason", c->reason);
		json_member(f, ", ", "summary", c->summary);
		fputs(",\n     \"fixes\": ", f);
		json_list(f, c->fixes);
		fputs(", \"cves\": ", f);
		json_list(f, c->cves);
		json_member(f, ", ", "hints", c->hints);
		json_member(f, ",\n     ", "diagnostics", c->diag);
		json_runs(f, c);
		json_race(f, c->diag);
		fputc('}', f);
	}
	fputs(ncases ? "\n  ]\n}\n" : "]\n}\n", f);
	close_output(f, path);
}

/*
 * XML 1.0 text: markup escaped; bytes that are neither valid UTF-8 nor
 * allowed XML characters shown as \xNN; in attributes, tabs and newlines as
 * character references so parsers do not fold them into spaces.
 */
static void xml_str(FILE *f, const char *str, int attr)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	while (*s) {
		int len = utf8_valid_len(s, 1);

		if (!len || (*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')) {
			fprintf(f, "\\x%02x", *s++);
			continue;
		}
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs(attr ? "&quot;" : "\"", f); break;
		case '\'': fputs(attr ? "&apos;" : "'", f); break;
		case '\t': fputs(attr ? "&#9;" : "\t", f); break;
		case '\n': fputs(attr ? "&#10;" : "\n", f); break;
		case '\r': fputs("&#13;", f); break;
		default: fwrite(s, 1, len, f);
		}
		s += len;
	}
}

static void xml_attr(FILE *f, const char *key, const char *val)
{
	fprintf(f, " %s=\"", key);
	xml_str(f, val, 1);
	fputc('"', f);
}

/* The text of a failure: the reason, the diagnostics, then the hints. */
static void xml_failure_text(FILE *f, const struct rcase *c)
{
	size_t n = strlen(c->diag);

	xml_str(f, c->diag, 0);
	if (c->hints) {
		if (n && c->diag[n - 1] != '\n')
			fputc('\n', f);
		xml_str(f, c->hints, 0);
	}
}

/*
 * A case JUnit counts as passed (pass, xfail, xpass): its status and reason,
 * then its diagnostics, as <system-out>. junit-10.xsd allows no <properties>
 * in a <testcase>, so an XFAIL's known issue travels there.
 */
static void junit_passed_text(FILE *f, const struct rcase *c)
{
	if (c->st == ST_PASS && !*c->reason && !*c->diag)
		return;
	fputs("      <system-out>", f);
	if (c->st != ST_PASS || *c->reason) {
		fprintf(f, "%s", status_names[c->st]);
		if (*c->reason) {
			fputs(": ", f);
			xml_str(f, c->reason, 0);
		}
		fputc('\n', f);
	}
	xml_str(f, c->diag, 0);
	fputs("</system-out>\n", f);
}

static void junit_case(FILE *f, const struct rcase *c)
{
	char classname[300];

	snprintf(classname, sizeof(classname), "pinfork.%s", c->prog);
	fputs("    <testcase", f);
	xml_attr(f, "classname", classname);
	xml_attr(f, "name", c->name);
	fprintf(f, " time=\"%.3f\">\n", c->secs);
	switch (c->st) {
	case ST_FAIL:
		fputs("      <failure", f);
		xml_attr(f, "message", *c->reason ? c->reason : "failed");
		fputs(" type=\"fail\">", f);
		xml_failure_text(f, c);
		fputs("</failure>\n", f);
		break;
	case ST_ERROR:
	case ST_TIMEOUT:
		fputs("      <error", f);
		xml_attr(f, "message", *c->reason ? c->reason : status_names[c->st]);
		xml_attr(f, "type", status_names[c->st]);
		fputc('>', f);
		xml_failure_text(f, c);
		fputs("</error>\n", f);
		break;
	case ST_SKIP:
		fputs("      <skipped", f);
		xml_attr(f, "message", c->reason);
		fputs("/>\n", f);
		break;
	default:
		junit_passed_text(f, c);
	}
	fputs("    </testcase>\n", f);
}

/* junit-10.xsd: "skipped" is an attribute of <testsuite> only. */
static void junit_counts(FILE *f, const int *c, double secs, int with_skipped)
{
	fprintf(f, " tests=\"%d\" failures=\"%d\" errors=\"%d\"",
		sum(c), c[ST_FAIL], c[ST_ERROR] + c[ST_TIMEOUT]);
	if (with_skipped)
		fprintf(f, " skipped=\"%d\"", c[ST_SKIP]);
	fprintf(f, " time=\"%.3f\"", secs);
}

static void write_junit(const char *path, const struct meta *m, const int *totals)
{
	FILE *f = open_output(path);

	if (!f)
		return;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pinfork\"", f);
	junit_counts(f, totals, m->seconds, 0);
	fputs(">\n", f);
	for (size_t i = 0; i < nprogs; i++) {
		const struct rprog *p = &progs[i];

		fputs("  <testsuite", f);
		xml_attr(f, "name", p->name);
		junit_counts(f, p->counts, p->secs, 1);
		if (m->host)
			xml_attr(f, "hostname", m->host);
		if (m->start) {
			/* JUnit's timestamp is an xs:dateTime without a zone */
			char ts[64];

			snprintf(ts, sizeof(ts), "%s", m->start);
			ts[strcspn(ts, "Z")] = '\0';
			xml_attr(f, "timestamp", ts);
		}
		fputs(">\n", f);
		if (m->kernel) {
			fputs("    <properties><property name=\"kernel\"", f);
			xml_attr(f, "value", m->kernel);
			fputs("/></properties>\n", f);
		}
		for (size_t k = 0; k < ncases; k++)
			if (!strcmp(cases[k].prog, p->name))
				junit_case(f, &cases[k]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	close_output(f, path);
}

/* Escapes as record.c does (\t \n \\), so read_records reads it back. */
static void put_escaped(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\t')
			fputs("\\t", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\\')
			fputs("\\\\", f);
		else
			fputc(*s, f);
	}
}

static void write_cases(const char *path)
{
	FILE *f = open_output(path);

	if (!f)
		return;
	for (size_t i = 0; i < ncases; i++) {
		const struct rcase *c = &cases[i];
		const char *texts[] = { c->reason, c->summary, c->fixes, c->cves,
					c->diag, c->hints };

		fprintf(f, "%s\t%s\t%s\t%.3f", c->prog, c->name,
			status_names[c->st], c->secs);
		for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
			fputc('\t', f);
			put_escaped(f, texts[k]);
		}
		fputc('\n', f);
	}
	close_output(f, path);
}

static void print_lines(const char *text, const char *indent, int max)
{
	const char *s = text;

	for (int n = 0; s && *s && n < max; n++) {
		int len = (int)strcspn(s, "\n");

		printf("%s%.*s\n", indent, len, s);
		s += len + (s[len] == '\n');
	}
}

static void print_flaky(void)
{
	int n = 0;

	if (rounds < 2)
		return;
	for (size_t i = 0; i < ncases; i++)
		n += is_flaky(&cases[i]);
	printf("\n  Flaky cases (failed or erred in some rounds, passed in others): %d\n", n);
	for (size_t i = 0; i < ncases; i++)
		if (is_flaky(&cases[i]))
			printf("  %-7s %s %s: bad in %d of %d runs\n", "flaky",
			       cases[i].prog, cases[i].name, bad_runs(&cases[i]),
			       runs_of(&cases[i]));
}

static int nothing_ran(const int *t)
{
	return t[ST_PASS] + t[ST_XPASS] + t[ST_XFAIL] + t[ST_FAIL] +
	       t[ST_ERROR] + t[ST_TIMEOUT] == 0;
}

static void print_nothing_ran(const int *t)
{
	if (!sum(t))
		printf("\n  No case ran: no case was selected (check -t), or every program ended before its first case.\n");
	else if (nothing_ran(t))
		printf("\n  No case ran: all %d selected cases were skipped.\n", sum(t));
}

static void print_summary(const struct meta *m, const int *t)
{
	int bad = 0;

	printf("\npinfork summary: kernel %s, %d cases in %zu programs, ",
	       m->kernel ? m->kernel : "?", sum(t), nprogs);
	if (rounds > 1)
		printf("%d rounds, ", rounds);
	printf("%.1f s%s\n", m->seconds, m->interrupted ? " (INTERRUPTED)" : "");
	printf("  %-24s %6s %6s %6s %6s %6s %9s  %s\n", "PROGRAM", "PASS", "FAIL",
	       "SKIP", "XFAIL", "ERROR", "TIME", "RESULT");
	for (size_t i = 0; i < nprogs; i++) {
		const int *c = progs[i].counts;

		printf("  %-24s %6d %6d %6d %6d %6d %8.1fs  %s\n", progs[i].name,
		       c[ST_PASS] + c[ST_XPASS], c[ST_FAIL], c[ST_SKIP],
		       c[ST_XFAIL], c[ST_ERROR] + c[ST_TIMEOUT], progs[i].secs,
		       progs[i].result ? progs[i].result : "");
	}
	printf("  %-24s %6d %6d %6d %6d %6d %8.1fs\n", "TOTAL",
	       t[ST_PASS] + t[ST_XPASS], t[ST_FAIL], t[ST_SKIP], t[ST_XFAIL],
	       t[ST_ERROR] + t[ST_TIMEOUT], m->seconds);
	for (size_t i = 0; i < ncases; i++) {
		const struct rcase *c = &cases[i];

		if (!is_bad(c->st))
			continue;
		if (!bad++)
			printf("\n  Failed cases:\n");
		printf("  %-7s %s %s", status_names[c->st], c->prog, c->name);
		if (rounds > 1)
			printf(" (bad in %d of %d runs)", bad_runs(c), runs_of(c));
		printf("%s%s\n", *c->reason ? ": " : "", c->reason);
		if (*c->summary)
			printf("          (%s)\n", c->summary);
		print_lines(c->hints, "          ", 20);
	}
	if (!bad)
		printf("\n  No failed cases.\n");
	print_flaky();
	print_nothing_ran(t);
}

static void usage(FILE *out)
{
	fputs("usage: pinfork-report --records FILE [--programs FILE] [--tap FILE]\n"
	      "         [--json OUT] [--junit OUT] [--cases-out OUT] [--summary]\n"
	      "         [--kernel K] [--uname U] [--host H] [--profile P]\n"
	      "         [--start ISO] [--end ISO] [--seconds S] [--interrupted]\n"
	      "       pinfork-report --merge CASES [--merge CASES]... [outputs]\n"
	      "       pinfork-report --matrix OUT DIR...\n", out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "records", required_argument, NULL, 'r' },
		{ "programs", required_argument, NULL, 'P' },
		{ "tap", required_argument, NULL, 'a' },
		{ "json", required_argument, NULL, 'j' },
		{ "junit", required_argument, NULL, 'x' },
		{ "summary", no_argument, NULL, 's' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "uname", required_argument, NULL, 'u' },
		{ "host", required_argument, NULL, 'H' },
		{ "profile", required_argument, NULL, 'p' },
		{ "start", required_argument, NULL, 'S' },
		{ "end", required_argument, NULL, 'E' },
		{ "seconds", required_argument, NULL, 'd' },
		{ "interrupted", no_argument, NULL, 'i' },
		{ "cases-out", required_argument, NULL, 'c' },
		{ "merge", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *records = NULL, *programs = NULL, *tap = NULL;
	const char *json = NULL, *junit = NULL, *cases_out = NULL;
	struct meta m = { 0 };
	struct tail *tails = NULL;
	int summary = 0, merged = 0, totals[ST_COUNT], opt;

	if (argc > 1 && !strcmp(argv[1], "--matrix"))
		return pf_matrix_main(argc - 1, argv + 1);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': records = optarg; break;
		case 'P': programs = optarg; break;
		case 'a': tap = optarg; break;
		case 'j': json = optarg; break;
		case 'x': junit = optarg; break;
		case 's': summary = 1; break;
		case 'k': m.kernel = optarg; break;
		case 'u': m.uname = optarg; break;
		case 'H': m.host = optarg; break;
		case 'p': m.profile = optarg; break;
		case 'S': m.start = optarg; break;
		case 'E': m.end = optarg; break;
		case 'd': m.seconds = atof(optarg); break;
		case 'i': m.interrupted = 1; break;
		case 'c': cases_out = optarg; break;
		case 'm': read_merged(optarg), merged++; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!records == !merged || optind < argc ||
	    (merged && (programs || tap))) {
		usage(stderr);
		return 2;
	}
	if (merged) {
		rounds = merged;
		merge_rounds();
	} else {
		if (programs)	/* first: the summary follows the run's order */
			read_programs(programs);
		read_records(records);
		if (tap) {
			tails = calloc(nprogs + 1, sizeof(*tails));
			if (!tails)
				return 2;
			read_tap(tap, tails);
		}
		add_program_cases(tails);
	}
	order_cases();
	count(totals);
	if (json)
		write_json(json, &m, totals);
	if (junit)
		write_junit(junit, &m, totals);
	if (cases_out)
		write_cases(cases_out);
	if (summary) {
		print_summary(&m, totals);
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "pinfork-report: cannot write the summary: %s\n",
				strerror(errno ? errno : EIO));
			write_failed = 1;
		}
	}
	if (write_failed)
		return 2;
	if (totals[ST_FAIL] || totals[ST_ERROR] || totals[ST_TIMEOUT])
		return 1;
	return nothing_ran(totals) ? 4 : 0;
}
