// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix for machines: OUT/matrix.tsv (program, case, one status per
 * kernel, "-" where the case did not run there) and OUT/matrix.json
 * (kernels with their environment and totals, cases with each kernel's
 * status and reason, the fixes the cases guard). Also the JSON string
 * writer report.html shares: safe inside <script> (< > & as \u escapes,
 * invalid UTF-8 as U+FFFD).
 */
#include "matrix.h"
#include "fixes.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s, 0 when it is not one. */
static int utf8_len(const unsigned char *s)
{
	unsigned cp;
	int len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void mx_json_str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	fputc('"', f);
	while (*s) {
		int len = utf8_len(s);

		if (!len) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		if (len == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
			fprintf(f, "\\u%04x", 0x2028 + (s[2] - 0xa8));	/* JS line breaks */
		else if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if (*s < 0x20 || *s == '<' || *s == '>' || *s == '&' || *s == 0x7f)
			fprintf(f, "\\u%04x", *s);
		else
			fwrite(s, 1, len, f);
		s += len;
	}
	fputc('"', f);
}

FILE *mx_open_output(const char *dir, const char *name, char **path)
{
	FILE *f;

	*path = malloc(strlen(dir) + strlen(name) + 2);
	if (!*path)
		return NULL;
	sprintf(*path, "%s/%s", dir, name);
	f = fopen(*path, "w");
	if (!f)
		fprintf(stderr, "pinfork-report: cannot write %s: %s\n", *path, strerror(errno));
	return f;
}

/* Closes f; 1 (and says why) when the file could not be written whole. */
int mx_close_output(FILE *f, const char *path)
{
	int err = ferror(f) ? (errno ? errno : EIO) : 0;

	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (err)
		fprintf(stderr, "pinfork-report: cannot write %s: %s\n", path, strerror(err));
	return err != 0;
}

/* Tabs and newlines in a TSV field as spaces. */
static void tsv_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

int mx_write_tsv(const struct mx_matrix *m, const char *dir)
{
	char *path;
	FILE *f = mx_open_output(dir, "matrix.tsv", &path);
	int failed;

	if (!f) {
		free(path);
		return 1;
	}
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
	failed = mx_close_output(f, path);
	free(path);
	return failed;
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

		fputs(k ? ",\n    {\"label\": " : "\n    {\"label\": ", f);
		mx_json_str(f, kn->label);
		fputs(", \"dir\": ", f);
		mx_json_str(f, kn->dir);
		fputs(", \"kernel\": ", f);
		mx_json_str(f, kn->release);
		fputs(", \"uname\": ", f);
		mx_json_str(f, kn->uname);
		fputs(", \"profile\": ", f);
		mx_json_str(f, kn->profile);
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
	fputs("\n    {\"program\": ", f);
	mx_json_str(f, mx_str(c->prog));
	fputs(", \"name\": ", f);
	mx_json_str(f, mx_str(c->name));
	fprintf(f, ", \"class\": \"%s\", \"pin\": ", class_names[c->cls]);
	mx_json_str(f, mx_str(c->pin));
	fputs(", \"event\": ", f);
	mx_json_str(f, mx_str(c->event));
	fputs(", \"backing\": ", f);
	mx_json_str(f, mx_str(c->backing));
	fputs(",\n     \"summary\": ", f);
	mx_json_str(f, mx_str(c->summary));
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

	fputs(first ? "\n    {\"id\": " : ",\n    {\"id\": ", f);
	mx_json_str(f, mx_str(id));
	fputs(", \"release\": ", f);
	mx_json_str(f, fx ? fx->release : "");
	fputs(", \"subject\": ", f);
	mx_json_str(f, fx ? fx->subject : "");
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

int mx_write_json(const struct mx_matrix *m, const char *dir)
{
	char *path;
	FILE *f = mx_open_output(dir, "matrix.json", &path);
	int failed;

	if (!f) {
		free(path);
		return 1;
	}
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
	failed = mx_close_output(f, path);
	free(path);
	return failed;
}
