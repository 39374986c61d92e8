// SPDX-License-Identifier: GPL-2.0
/*
 * pinfork-report --matrix OUT DIR...: reads one results folder per kernel
 * (records.tsv, programs.tsv, results.json, env.txt, label) into a matrix
 * of cases x kernels and writes OUT/matrix.tsv, matrix.json, summary.md and
 * report.html. A column's label is DIR/label when there is one, else the
 * basename of DIR (the kernel release when DIR is OUT itself).
 * Records are read as report.c reads them: a line too short to name its
 * case is an ERROR case "damaged-record-line-N", an unknown status an ERROR
 * that says so, a case recorded twice keeps its worst outcome; a program
 * that died without a failed case of its own (programs.tsv) is a case.
 * Exit: 0 written, 2 usage (no DIR, a DIR without records.tsv), 1 an output
 * could not be written.
 */
#include "matrix.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* record.h's nine, then the hints of a merged --repeat run (--cases-out) */
#define RECORD_FIELDS 10

const char *const mx_status_names[MX_STATUSES] = {
	"pass", "fail", "skip", "xfail", "xpass", "error", "timeout", "none",
};

/* The matrix being read, and each case's row by its "prog\tname" key id. */
static struct mx_matrix mx;
static size_t cases_cap;
static int *row_of_key;
static int row_of_key_len;

static void *xalloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		perror("pinfork-report");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		perror("pinfork-report");
		exit(2);
	}
	return d;
}

/* The whole of a small file, or NULL when it cannot be read. */
static char *slurp(const char *dir, const char *name)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	do {
		if (cap - len < 4096)
			buf = xalloc(buf, cap = 2 * cap + 8192);
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* Undoes record.c's escaping (\t \n \\) in place. */
static char *unescape(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (r[0] == '\\' && r[1]) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
			r++;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return s;
}

static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static enum mx_status parse_status(const char *s)
{
	for (int i = 0; i < MX_NONE; i++)
		if (!strcmp(s, mx_status_names[i]))
			return i;
	return MX_STATUSES;
}

int mx_is_bad(enum mx_status st)
{
	return st == MX_FAIL || st == MX_ERROR || st == MX_TIMEOUT;
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
		row_of_key = xalloc(row_of_key, row_of_key_len * sizeof(int));
		memset(row_of_key + old, 0, (row_of_key_len - old) * sizeof(int));
	}
	if (row_of_key[id])
		return &mx.cases[row_of_key[id] - 1];
	if (!create)
		return NULL;
	if (mx.ncases == cases_cap) {
		cases_cap = cases_cap ? 2 * cases_cap : 256;
		mx.cases = xalloc(mx.cases, cases_cap * sizeof(*mx.cases));
	}
	c = &mx.cases[mx.ncases];
	memset(c, 0, sizeof(*c));
	c->prog = prog;
	c->name = name;
	c->seen = mx.ncases;
	c->cells = xalloc(NULL, mx.nkernels * sizeof(*c->cells));
	for (size_t k = 0; k < mx.nkernels; k++)
		c->cells[k] = (struct mx_cell){ .st = MX_NONE };
	row_of_key[id] = (int)++mx.ncases;
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

static void put_damaged(size_t k, const char *path, long lineno, char **fl, int n)
{
	char why[PATH_MAX + 128], name[64];
	const char *texts[3] = {
		"a case record the results writer could not read whole", "", "",
	};

	snprintf(name, sizeof(name), "damaged-record-line-%ld", lineno);
	snprintf(why, sizeof(why),
		 "damaged record: line %ld of %s has %d of the 9 fields (cut short by a crash?)",
		 lineno, path, n);
	put_result(k, mx_intern(*fl[0] ? fl[0] : "records"),
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
	both = xalloc(NULL, n + strlen(hints) + 2);
	sprintf(both, "%s%s%s", diag, n && diag[n - 1] != '\n' ? "\n" : "", hints);
	id = mx_intern(both);
	free(both);
	return id;
}

static void put_record(size_t k, char **fl)
{
	enum mx_status st = parse_status(fl[2]);
	const char *texts[3] = { unescape(fl[5]), fl[6], fl[7] };
	char why[128];
	int reason = mx_intern(unescape(fl[4]));

	if (st == MX_STATUSES) {
		st = MX_ERROR;
		if (!reason) {
			snprintf(why, sizeof(why), "damaged record: unknown status '%.64s'", fl[2]);
			reason = mx_intern(why);
		}
	}
	put_result(k, mx_intern(fl[0]), mx_intern(fl[1]), st, reason,
		   diag_with_hints(unescape(fl[8]), unescape(fl[9])), texts);
}

static int read_records(size_t k, const char *dir)
{
	char path[PATH_MAX], *line = NULL, *fl[RECORD_FIELDS];
	size_t cap = 0;
	long lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/records.tsv", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "pinfork-report: --matrix: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char blank[RECORD_FIELDS][1] = { { 0 } };
		int n = split_tabs(line, fl, RECORD_FIELDS);

		lineno++;
		if (n == 1 && !*fl[0])
			continue;
		if (n < 3 || !*fl[0] || !*fl[1]) {
			put_damaged(k, path, lineno, fl, n);
			continue;
		}
		for (int i = n; i < RECORD_FIELDS; i++)
			fl[i] = blank[i];
		put_record(k, fl);
	}
	free(line);
	fclose(f);
	return 0;
}

static int has_bad_case(size_t k, int prog)
{
	for (size_t i = 0; i < mx.ncases; i++)
		if (mx.cases[i].prog == prog && mx_is_bad(mx.cases[i].cells[k].st))
			return 1;
	return 0;
}

/*
 * programs.tsv (prog, rc, result, seconds): a program that timed out or
 * died without a failed case of its own is a case, as report.c makes it.
 */
static void read_programs(size_t k, const char *dir)
{
	char *text = slurp(dir, "programs.tsv"), *line, *next, *fl[4];
	const char *texts[3] = { "the test program as a whole", "", "" };

	for (line = text; line && *line; line = next) {
		char why[300];
		int n, prog, timeout;

		next = line + strcspn(line, "\n");
		next += *next == '\n';
		n = split_tabs(line, fl, 4);
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

/* A top-level string of results.json ("kernel": "..."), unescaped. */
static char *json_top_str(const char *json, const char *key)
{
	char pat[64], *out, *w;
	const char *s;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	s = json ? strstr(json, pat) : NULL;
	if (!s)
		return NULL;
	s += strlen(pat);
	out = w = xalloc(NULL, strlen(s) + 1);
	for (; *s && *s != '"'; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*w++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'u' ? '?' : *s;
			if (*s == 'u')
				s += strspn(s + 1, "0123456789abcdefABCDEF") > 3 ? 4 : 0;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return out;
}

/* The line after "== NAME" in env.txt, or NULL. */
static char *env_line_after(const char *env, const char *header)
{
	const char *s = env ? strstr(env, header) : NULL;

	if (!s)
		return NULL;
	s += strcspn(s, "\n");
	if (!*s++)
		return NULL;
	return strndup(s, strcspn(s, "\n"));
}

/* The first line of DIR/label, or NULL. */
static char *read_label(const char *dir)
{
	char *text = slurp(dir, "label");
	size_t start;

	if (!text)
		return NULL;
	start = strspn(text, " \t\r\n");
	memmove(text, text + start, strlen(text + start) + 1);
	text[strcspn(text, "\r\n")] = '\0';
	while (*text && strchr(" \t", text[strlen(text) - 1]))
		text[strlen(text) - 1] = '\0';
	if (*text)
		return text;
	free(text);
	return NULL;
}

static int same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

static char *dir_basename(const char *dir)
{
	char *copy = xstrdup(dir), *base;

	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	base = xstrdup(basename(copy));
	free(copy);
	return base;
}

static void read_kernel_meta(struct mx_kernel *kn, const char *out)
{
	char *json = slurp(kn->dir, "results.json");
	char *env = slurp(kn->dir, "env.txt");
	char *uline;

	kn->release = json_top_str(json, "kernel");
	kn->uname = json_top_str(json, "uname");
	kn->profile = json_top_str(json, "profile");
	uline = env_line_after(env, "\n== uname -a");
	if (!kn->uname && uline)
		kn->uname = xstrdup(uline);
	if (!kn->release && uline) {
		char rel[256] = "";

		sscanf(uline, "%*s %*s %255s", rel);
		kn->release = *rel ? xstrdup(rel) : NULL;
	}
	if (!kn->release)
		kn->release = xstrdup("?");
	if (!kn->uname)
		kn->uname = xstrdup("");
	if (!kn->profile)
		kn->profile = xstrdup("");
	kn->env = mx_intern(env);
	kn->label = read_label(kn->dir);
	if (!kn->label)
		kn->label = same_dir(kn->dir, out) ? xstrdup(kn->release)
						   : dir_basename(kn->dir);
	free(uline);
	free(json);
	free(env);
}

/* Two folders with one basename: the second column is "label#2". */
static void unique_labels(void)
{
	for (size_t k = 1; k < mx.nkernels; k++) {
		for (size_t j = 0; j < k; j++) {
			if (strcmp(mx.kernels[j].label, mx.kernels[k].label))
				continue;
			char *l = xalloc(NULL, strlen(mx.kernels[k].label) + 24);

			sprintf(l, "%s#%zu", mx.kernels[k].label, k + 1);
			free(mx.kernels[k].label);
			mx.kernels[k].label = l;
			j = (size_t)-1;	/* compare again from the first */
		}
	}
}

static enum mx_class classify(const struct mx_case *c)
{
	int differs = 0;

	for (size_t k = 0; k < mx.nkernels; k++) {
		if (mx_is_bad(c->cells[k].st))
			return MX_BAD;
		differs |= c->cells[k].st != c->cells[0].st;
	}
	return differs ? MX_DIFFERS : MX_SAME;
}

static int by_class(const void *a, const void *b)
{
	const struct mx_case *x = a, *y = b;

	if (x->cls != y->cls)
		return (int)x->cls - (int)y->cls;
	return (x->seen > y->seen) - (x->seen < y->seen);
}

/* Failures first, then cases that differ between kernels, then the rest. */
static void order_and_count(void)
{
	for (size_t i = 0; i < mx.ncases; i++) {
		struct mx_case *c = &mx.cases[i];

		c->cls = classify(c);
		for (size_t k = 0; k < mx.nkernels; k++)
			mx.kernels[k].totals[c->cells[k].st]++;
	}
	qsort(mx.cases, mx.ncases, sizeof(*mx.cases), by_class);
}

static void matrix_usage(void)
{
	fputs("usage: pinfork-report --matrix OUT DIR...\n"
	      "  reads each results folder DIR (records.tsv; results.json, env.txt,\n"
	      "  label when there), writes OUT/matrix.tsv, OUT/matrix.json,\n"
	      "  OUT/summary.md and OUT/report.html\n", stderr);
}

static void free_matrix(void)
{
	for (size_t i = 0; i < mx.ncases; i++)
		free(mx.cases[i].cells);
	for (size_t k = 0; k < mx.nkernels; k++) {
		struct mx_kernel *kn = &mx.kernels[k];

		free(kn->label);
		free(kn->release);
		free(kn->uname);
		free(kn->profile);
	}
	free(mx.cases);
	free(mx.kernels);
	free(row_of_key);
	mx_strings_free();
}

static int read_dirs(int ndirs, char **dirs, const char *out)
{
	mx.nkernels = ndirs;
	mx.kernels = xalloc(NULL, ndirs * sizeof(*mx.kernels));
	memset(mx.kernels, 0, ndirs * sizeof(*mx.kernels));
	for (int k = 0; k < ndirs; k++) {
		mx.kernels[k].dir = dirs[k];
		if (read_records(k, dirs[k]))
			return -1;
		read_programs(k, dirs[k]);
		read_kernel_meta(&mx.kernels[k], out);
	}
	unique_labels();
	return 0;
}

/* argv[0] is "--matrix"; argv[1] OUT; then the folders. */
int pf_matrix_main(int argc, char **argv)
{
	const char *out;
	int failed = 0;

	if (argc < 3 || !*argv[1]) {
		matrix_usage();
		return 2;
	}
	out = argv[1];
	if (read_dirs(argc - 2, argv + 2, out)) {
		matrix_usage();
		free_matrix();
		return 2;
	}
	if (mkdir(out, 0755) && errno != EEXIST) {
		fprintf(stderr, "pinfork-report: cannot write %s: %s\n", out, strerror(errno));
		free_matrix();
		return 1;
	}
	mx_find_rows(&mx, "/proc/self/exe");
	order_and_count();
	failed |= mx_write_tsv(&mx, out);
	failed |= mx_write_json(&mx, out);
	failed |= mx_write_summary(&mx, out);
	failed |= mx_write_html(&mx, out);
	free_matrix();
	return failed ? 1 : 0;
}
