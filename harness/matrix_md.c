// SPDX-License-Identifier: GPL-2.0
/*
 * OUT/summary.md, for pasting into a bug or a merge request: the kernels
 * with their totals, then every failure (case, kernel, reason, the fixes the
 * case guards with the release each came in), then the cases whose status
 * differs between kernels. Long lists are cut, saying how many more.
 */
#include "matrix.h"
#include "fixes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_MAX_ROWS 30
#define MD_MAX_TEXT 200

/* Text in a table cell: no line breaks, no '|', no markup, cut at max bytes. */
static void md_text(FILE *f, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;	/* not inside a UTF-8 sequence */
	}
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '|': fputs("\\|", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '`': fputc('\'', f); break;
		case '\n': case '\t': case '\r': fputc(' ', f); break;
		default: fputc(s[i], f);
		}
	}
	if (n < strlen(s))
		fputs("...", f);
}

static void md_totals(FILE *f, const struct mx_matrix *m)
{
	fputs("| kernel | release | profile | cases | pass | fail | skip | xfail | xpass | error | timeout |\n"
	      "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n", f);
	for (size_t k = 0; k < m->nkernels; k++) {
		const struct mx_kernel *kn = &m->kernels[k];
		int n = 0;

		for (int s = 0; s < MX_NONE; s++)
			n += kn->totals[s];
		fputs("| ", f);
		md_text(f, kn->label, MD_MAX_TEXT);
		fputs(" | ", f);
		md_text(f, kn->release, MD_MAX_TEXT);
		fputs(" | ", f);
		md_text(f, kn->profile, MD_MAX_TEXT);
		fprintf(f, " | %d", n);
		for (int s = 0; s < MX_NONE; s++)
			fprintf(f, " | %d", kn->totals[s]);
		fputs(" |\n", f);
	}
}

/* "6.1.0-28-amd64" or "v6.16" as 6001 or 6016; -1 when not a version. */
static int version_of(const char *s)
{
	int major, minor;

	s += *s == 'v';
	return sscanf(s, "%d.%d", &major, &minor) == 2 ? major * 1000 + minor : -1;
}

/*
 * "70e806e4e645 (v5.9) "subject"; ..." for each fix the case guards, with
 * "not in RELEASE" when the kernel is older than the fix's first release.
 */
static void md_fixes(FILE *f, const char *fixes, const char *release)
{
	int kv = version_of(release);

	int first = 1;

	while (*fixes) {
		size_t n = strcspn(fixes, " ,");
		char id[64];
		const struct pf_fix *fx;

		snprintf(id, sizeof(id), "%.*s", (int)(n < 63 ? n : 63), fixes);
		fixes += n;
		fixes += strspn(fixes, " ,");
		if (!*id || !strcmp(id, "-"))
			continue;
		fx = pf_fix_lookup(id);
		fprintf(f, "%s`%s`", first ? "" : "; ", id);
		if (fx) {
			int fv = version_of(fx->release);

			fprintf(f, " (%s%s%s) \"", fx->release,
				kv >= 0 && fv > kv ? ", not in " : "",
				kv >= 0 && fv > kv ? release : "");
			md_text(f, fx->subject, MD_MAX_TEXT);
			fputc('"', f);
		}
		first = 0;
	}
	if (first)
		fputs("none named", f);
}

static void md_case_name(FILE *f, const struct mx_case *c)
{
	fputs("| `", f);
	md_text(f, mx_str(c->prog), MD_MAX_TEXT);
	fputc(' ', f);
	md_text(f, mx_str(c->name), MD_MAX_TEXT);
	fputc('`', f);
}

static void md_failures(FILE *f, const struct mx_matrix *m)
{
	int n = 0;

	for (size_t i = 0; i < m->ncases; i++)
		for (size_t k = 0; k < m->nkernels; k++)
			n += mx_is_bad(m->cases[i].cells[k].st);
	fprintf(f, "\n## Failures (%d)\n\n", n);
	if (!n) {
		fputs("No case failed, erred or timed out on any kernel.\n", f);
		return;
	}
	fputs("| case | kernel | status | reason | fixes the case guards (first release) |\n"
	      "|---|---|---|---|---|\n", f);
	n = 0;
	for (size_t i = 0; i < m->ncases && m->cases[i].cls == MX_BAD; i++) {
		const struct mx_case *c = &m->cases[i];

		for (size_t k = 0; k < m->nkernels; k++) {
			if (!mx_is_bad(c->cells[k].st) || n++ >= MD_MAX_ROWS)
				continue;
			md_case_name(f, c);
			fputs(" | ", f);
			md_text(f, m->kernels[k].label, MD_MAX_TEXT);
			fprintf(f, " | %s | ", mx_status_names[c->cells[k].st]);
			md_text(f, mx_str(c->cells[k].reason), MD_MAX_TEXT);
			fputs(" | ", f);
			if (c->cells[k].st == MX_ERROR)
				fputs("- (an ERROR is the test's own trouble)", f);
			else
				md_fixes(f, mx_str(c->fixes), m->kernels[k].release);
			fputs(" |\n", f);
		}
	}
	if (n > MD_MAX_ROWS)
		fprintf(f, "\n... and %d more failures (matrix.tsv, report.html).\n",
			n - MD_MAX_ROWS);
}

static void md_differs(FILE *f, const struct mx_matrix *m)
{
	int n = 0, shown = 0;

	for (size_t i = 0; i < m->ncases; i++)
		n += m->cases[i].cls == MX_DIFFERS;
	fprintf(f, "\n## Cases whose status differs between kernels (%d, failures above)\n\n", n);
	if (!n)
		return;
	fputs("| case", f);
	for (size_t k = 0; k < m->nkernels; k++) {
		fputs(" | ", f);
		md_text(f, m->kernels[k].label, MD_MAX_TEXT);
	}
	fputs(" |\n|---", f);
	for (size_t k = 0; k < m->nkernels; k++)
		fputs("|---", f);
	fputs("|\n", f);
	for (size_t i = 0; i < m->ncases && shown < MD_MAX_ROWS; i++) {
		const struct mx_case *c = &m->cases[i];

		if (c->cls != MX_DIFFERS)
			continue;
		md_case_name(f, c);
		for (size_t k = 0; k < m->nkernels; k++)
			fprintf(f, " | %s", c->cells[k].st == MX_NONE ? "-"
				: mx_status_names[c->cells[k].st]);
		fputs(" |\n", f);
		shown++;
	}
	if (n > shown)
		fprintf(f, "\n... and %d more (matrix.tsv, report.html).\n", n - shown);
}

static void summary_body(FILE *f, const struct mx_matrix *m)
{
	fprintf(f, "# pinfork: %zu cases on %zu kernel%s\n\n", m->ncases, m->nkernels,
		m->nkernels == 1 ? "" : "s");
	md_totals(f, m);
	md_failures(f, m);
	md_differs(f, m);
}

int mx_write_summary(const struct mx_matrix *m, const char *dir)
{
	return mx_write_file(dir, "summary.md", summary_body, m);
}
