// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix for machines: OUT/matrix.tsv (program, case, one status per
 * kernel, "-" where the case did not run there) and OUT/matrix.json
 * (kernels with their environment and totals, cases with each kernel's
 * status and reason, the fixes the cases guard). Its strings, like
 * report.html's, are report_json.c's JSON_HTML ones: safe inside <script>.
 */
#include "matrix.h"
#include "fixes.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int mx_write_file(const char *dir, const char *name, mx_writer *body,
		  const struct mx_matrix *m)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;
	int failed;

	if (!path)
		return 1;
	sprintf(path, "%s/%s", dir, name);
	f = report_open_output(path);
	if (!f) {
		free(path);
		return 1;
	}
	body(f, m);
	failed = report_close_output(f, path);
	free(path);
	return failed;
}

/* Tabs and newlines in a TSV field as spaces. */
static void tsv_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void tsv_body(FILE *f, const struct mx_matrix *m)
{
	fputs("program\tcase", f);
	for (size_t k = 0; k < m->nkernels; k++) {
		fputc('\t', f);
		tsv_field(f, m->kernels[k].label);
	}
	fputc('\n', f);
	for (size_t i = 0; i < m->ncases; i++) {
		const struct mx_case *c = &m->cases[i];

		tsv_field(f, mx_str(c->prog));
		fputc('\t', f);
		tsv_field(f, mx_str(c->name));
		for (size_t k = 0; k < m->nkernels; k++)
			fprintf(f, "\t%s", c->cells[k].st == MX_NONE ? "-"
				: mx_status_names[c->cells[k].st]);
		fputc('\n', f);
	}
}

int mx_write_tsv(const struct mx_matrix *m, const char *dir)
{
	return mx_write_file(dir, "matrix.tsv", tsv_body, m);
}

/* A space-separated list as a JSON array. */
static void json_words(FILE *f, const char *s)
{
	int first = 1;

	fputc('[', f);
	while (*s) {
		size_t n = strcspn(s, " ,");

		if (n && !(n == 1 && *s == '-')) {
			char word[128];

			snprintf(word, sizeof(word), "%.*s", (int)n, s);
			fputs(first ? "" : ", ", f);
			mx_json_str(f, word);
			first = 0;
		}
		s += n;
		s += strspn(s, " ,");
	}
	fputc(']', f);
}

static void json_totals(FILE *f, const int *t)
{
	int n = 0;

	for (int s = 0; s < MX_NONE; s++)
		n += t[s];
	fprintf(f, "{\"cases\": %d", n);
	for (int s = 0; s < MX_STATUSES; s++)
		fprintf(f, ", \"%s\": %d", mx_status_names[s], t[s]);
	fputc('}', f);
}

static void json_kernels(FILE *f, const struct mx_matrix *m)
{
	fputs("  \"kernels\": [", f);
	for (size_t k = 0; k < m->nkernels; k++) {
		const struct mx_kernel *kn = &m->kernels[k];

		fputs(k ? ",\n    {" : "\n    {", f);
		mx_json_member(f, "", "label", kn->label);
		mx_json_member(f, ", ", "dir", kn->dir);
		mx_json_member(f, ", ", "kernel", kn->release);
		mx_json_member(f, ", ", "uname", kn->uname);
		mx_json_member(f, ", ", "profile", kn->profile);
		fputs(",\n     \"environment\": ", f);
		mx_env_json(f, mx_str(kn->env));
		fputs(",\n     \"totals\": ", f);
		json_totals(f, kn->totals);
		fputc('}', f);
	}
	fputs("\n  ],\n", f);
}

static const char *const class_names[] = { "bad", "differs", "same" };

static void json_case(FILE *f, const struct mx_matrix *m, const struct mx_case *c)
{
	fputs("\n    {", f);
	mx_json_member(f, "", "program", mx_str(c->prog));
	mx_json_member(f, ", ", "name", mx_str(c->name));
	fprintf(f, ", \"class\": \"%s\"", class_names[c->cls]);
	mx_json_member(f, ", ", "pin", mx_str(c->pin));
	mx_json_member(f, ", ", "event", mx_str(c->event));
	mx_json_member(f, ", ", "backing", mx_str(c->backing));
	mx_json_member(f, ",\n     ", "summary", mx_str(c->summary));
	fputs(", \"fixes\": ", f);
	json_words(f, mx_str(c->fixes));
	fputs(", \"cves\": ", f);
	json_words(f, mx_str(c->cves));
	fputs(",\n     \"results\": [", f);
	for (size_t k = 0; k < m->nkernels; k++) {
		fprintf(f, "%s{\"status\": \"%s\", \"reason\": ", k ? ", " : "",
			mx_status_names[c->cells[k].st]);
		mx_json_str(f, mx_str(c->cells[k].reason));
		fputc('}', f);
	}
	fputs("]}", f);
}

/* Interns each 12-hex fix id of every case; returns the string count. */
int mx_intern_fix_ids(const struct mx_matrix *m)
{
	for (size_t i = 0; i < m->ncases; i++)
		for (const char *s = mx_str(m->cases[i].fixes); *s; s += strspn(s, " ,")) {
			size_t n = strcspn(s, " ,");

			mx_intern_n(s, n);
			s += n;
		}
	return mx_nstrs();
}

static void json_fix(FILE *f, int id, int first)
{
	const struct pf_fix *fx = pf_fix_lookup(mx_str(id));

	fputs(first ? "\n    {" : ",\n    {", f);
	mx_json_member(f, "", "id", mx_str(id));
	mx_json_member(f, ", ", "release", fx ? fx->release : "");
	mx_json_member(f, ", ", "subject", fx ? fx->subject : "");
	fputc('}', f);
}

/* Each fix any case guards, once, with its release when fixes.def has it. */
static void json_fixes(FILE *f, const struct mx_matrix *m)
{
	int nstrs = mx_intern_fix_ids(m), first = 1;
	char *seen = calloc(nstrs + 1, 1);

	fputs("  \"fixes\": [", f);
	for (size_t i = 0; seen && i < m->ncases; i++)
		for (const char *s = mx_str(m->cases[i].fixes); *s; s += strspn(s, " ,")) {
			size_t n = strcspn(s, " ,");
			int id = mx_intern_n(s, n);

			s += n;
			if (n != 12 || id >= nstrs || seen[id])
				continue;
			seen[id] = 1;
			json_fix(f, id, first);
			first = 0;
		}
	fputs(first ? "]\n" : "\n  ]\n", f);
	free(seen);
}

static void json_body(FILE *f, const struct mx_matrix *m)
{
	fputs("{\n  \"suite\": \"pinfork\",\n  \"format\": 1,\n", f);
	json_kernels(f, m);
	fputs("  \"cases\": [", f);
	for (size_t i = 0; i < m->ncases; i++) {
		fputs(i ? "," : "", f);
		json_case(f, m, &m->cases[i]);
	}
	fputs(m->ncases ? "\n  ],\n" : "],\n", f);
	json_fixes(f, m);
	fputs("}\n", f);
}

int mx_write_json(const struct mx_matrix *m, const char *dir)
{
	return mx_write_file(dir, "matrix.json", json_body, m);
}
