// SPDX-License-Identifier: GPL-2.0
/*
 * A results folder's cases, into kernel k's column of the matrix: its
 * records.tsv read as report.c reads it (report_records.c: a line too short
 * to name its case is an ERROR case "damaged-record-line-N", an unknown
 * status an ERROR that says so; a case recorded twice keeps its worst
 * outcome) and its programs.tsv (a program that died without a failed case
 * of its own is a case, named after the program).
 */
#include "matrix.h"
#include "report_records.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The matrix being read, and each case's row by its "prog\tname" key id. */
static struct mx_matrix *mx;
static size_t cases_cap;
static int *row_of_key;
static int row_of_key_len;

static enum mx_status parse_status(const char *s)
{
	for (int i = 0; i < MX_NONE; i++)
		if (!strcmp(s, mx_status_names[i]))
			return i;
	return MX_STATUSES;
}

/* Which of two outcomes of one case on one kernel speaks for it. */
static int outranks(enum mx_status a, enum mx_status b)
{
	if (b == MX_NONE)
		return 1;
	if (mx_is_bad(a) != mx_is_bad(b))
		return mx_is_bad(a);
	return b == MX_SKIP && a != MX_SKIP && a != MX_NONE;
}

static struct mx_case *find_case(int prog, int name, int create)
{
	char key[1024];
	int id;
	struct mx_case *c;

	snprintf(key, sizeof(key), "%s\t%s", mx_str(prog), mx_str(name));
	id = mx_intern(key);
	if (id >= row_of_key_len) {
		int old = row_of_key_len;

		row_of_key_len = 2 * id + 1024;
		row_of_key = mx_alloc(row_of_key, row_of_key_len * sizeof(int));
		memset(row_of_key + old, 0, (row_of_key_len - old) * sizeof(int));
	}
	if (row_of_key[id])
		return &mx->cases[row_of_key[id] - 1];
	if (!create)
		return NULL;
	if (mx->ncases == cases_cap) {
		cases_cap = cases_cap ? 2 * cases_cap : 256;
		mx->cases = mx_alloc(mx->cases, cases_cap * sizeof(*mx->cases));
	}
	c = &mx->cases[mx->ncases];
	memset(c, 0, sizeof(*c));
	c->prog = prog;
	c->name = name;
	c->seen = mx->ncases;
	c->cells = mx_alloc(NULL, mx->nkernels * sizeof(*c->cells));
	for (size_t k = 0; k < mx->nkernels; k++)
		c->cells[k] = (struct mx_cell){ .st = MX_NONE };
	row_of_key[id] = (int)++mx->ncases;
	return c;
}

/* One outcome of a case on kernel k; the case's own texts fill gaps. */
static void put_result(size_t k, int prog, int name, enum mx_status st,
		       int reason, int diag, const char **texts)
{
	struct mx_case *c = find_case(prog, name, 1);
	struct mx_cell *cell = &c->cells[k];

	if (!c->summary)
		c->summary = mx_intern(texts[0]);
	if (!c->fixes)
		c->fixes = mx_intern(texts[1]);
	if (!c->cves)
		c->cves = mx_intern(texts[2]);
	if (!outranks(st, cell->st))
		return;
	*cell = (struct mx_cell){ .st = st, .reason = reason, .diag = diag };
}

/* The records file being read: kernel k's. */
struct records_file {
	size_t k;
	const char *path;
};

static void put_damaged(void *ctx, long lineno, char **fl, int n)
{
	const struct records_file *rf = ctx;
	char why[PATH_MAX + 128], name[64];
	const char *texts[3] = { RECORD_DAMAGED_SUMMARY, "", "" };

	record_damaged_name(name, sizeof(name), lineno);
	record_damaged_why(why, sizeof(why), rf->path, lineno, n);
	put_result(rf->k, mx_intern(*fl[0] ? fl[0] : "records"),
		   mx_intern(n > 1 && *fl[1] ? fl[1] : name), MX_ERROR,
		   mx_intern(why), 0, texts);
}

/* The diagnostics, then the hint lines a merged run kept, as one text. */
static int diag_with_hints(const char *diag, const char *hints)
{
	size_t n = strlen(diag);
	char *both;
	int id;

	if (!*hints)
		return mx_intern(diag);
	both = mx_alloc(NULL, n + strlen(hints) + 2);
	sprintf(both, "%s%s%s", diag, n && diag[n - 1] != '\n' ? "\n" : "", hints);
	id = mx_intern(both);
	free(both);
	return id;
}

static void put_record(void *ctx, char **fl)
{
	const struct records_file *rf = ctx;
	enum mx_status st = parse_status(fl[2]);
	const char *texts[3] = { record_unescape(fl[5]), fl[6], fl[7] };
	char why[128];
	int reason = mx_intern(record_unescape(fl[4]));

	if (st == MX_STATUSES) {
		st = MX_ERROR;
		if (!reason) {
			record_unknown_status_why(why, sizeof(why), fl[2]);
			reason = mx_intern(why);
		}
	}
	put_result(rf->k, mx_intern(fl[0]), mx_intern(fl[1]), st, reason,
		   diag_with_hints(record_unescape(fl[8]), record_unescape(fl[9])), texts);
}

static int read_records(size_t k, const char *dir)
{
	char path[PATH_MAX];
	struct records_file rf = { .k = k, .path = path };
	FILE *f;

	snprintf(path, sizeof(path), "%s/records.tsv", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "pinfork-report: --matrix: %s: %s\n", path, strerror(errno));
		return -1;
	}
	record_read_lines(f, put_record, put_damaged, &rf);
	fclose(f);
	return 0;
}

static int has_bad_case(size_t k, int prog)
{
	for (size_t i = 0; i < mx->ncases; i++)
		if (mx->cases[i].prog == prog && mx_is_bad(mx->cases[i].cells[k].st))
			return 1;
	return 0;
}

/*
 * programs.tsv (prog, rc, result, seconds): a program that timed out or
 * died without a failed case of its own is a case, as report.c makes it.
 */
static void read_programs(size_t k, const char *dir)
{
	char *text = mx_slurp(dir, "programs.tsv"), *line, *next, *fl[4];
	const char *texts[3] = { "the test program as a whole", "", "" };

	for (line = text; line && *line; line = next) {
		char why[300];
		int n, prog, timeout;

		next = line + strcspn(line, "\n");
		next += *next == '\n';
		n = record_split_tabs(line, fl, 4);
		if (n < 3 || !*fl[0] || !strcmp(fl[2], "ok") || !strcmp(fl[2], "skip"))
			continue;
		prog = mx_intern(fl[0]);
		timeout = !strncmp(fl[2], "timeout", 7);
		if (!timeout && strcmp(fl[2], "interrupted") && has_bad_case(k, prog))
			continue;
		if (timeout)
			snprintf(why, sizeof(why), "program TIMEOUT%.200s", fl[2] + 7);
		else
			snprintf(why, sizeof(why), "program ended with %.200s", fl[2]);
		put_result(k, prog, prog, timeout ? MX_TIMEOUT : MX_ERROR,
			   mx_intern(why), 0, texts);
	}
	free(text);
}

int mx_read_results(struct mx_matrix *m, size_t k, const char *dir)
{
	mx = m;
	if (read_records(k, dir))
		return -1;
	read_programs(k, dir);
	return 0;
}

void mx_records_free(void)
{
	free(row_of_key);
	row_of_key = NULL;
	row_of_key_len = 0;
	cases_cap = 0;
}
