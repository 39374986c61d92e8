// SPDX-License-Identifier: GPL-2.0
/*
 * OUT/report.html: the page harness/matrix_page.html (embedded in this
 * program by .incbin) with the matrix put in once as compact JSON where its
 * PINFORK-DATA marker is. Every text is stored once ("s", by index) and
 * cases refer to texts by index:
 *   k: [label, release, uname, profile, dir, environment, env.txt, totals]
 *   c: [program, name, summary, fixes, cves, pin, event, backing, class,
 *       one status digit per kernel, reasons or 0, diagnostics or 0]
 *   fx: {fix id: [release, subject]}
 * Diagnostics of failed, erred, xfail and xpass results are always in;
 * those of passed and skipped results while they fit DIAG_BUDGET bytes, so
 * that 10 kernels x every case stays a page a browser opens quickly.
 */
#include "matrix.h"
#include "fixes.h"

#include <stdlib.h>
#include <string.h>

#ifndef PF_MATRIX_PAGE
#define PF_MATRIX_PAGE "harness/matrix_page.html"
#endif

__asm__(".pushsection .rodata\n"
	".globl pf_matrix_page\n.hidden pf_matrix_page\n"
	"pf_matrix_page:\n"
	".incbin \"" PF_MATRIX_PAGE "\"\n"
	".globl pf_matrix_page_end\n.hidden pf_matrix_page_end\n"
	"pf_matrix_page_end:\n"
	".byte 0\n"
	".popsection\n");

extern const char pf_matrix_page[], pf_matrix_page_end[];

#define DATA_MARKER "/*PINFORK-DATA*/"
#define DIAG_BUDGET (1536 * 1024)

/* The strings the page holds: pool id -> index in "s" (0: not held). */
struct page_strings {
	int *index;
	int *pool_id;		/* by index */
	int n, cap;
	size_t bytes;
};

static int hold(struct page_strings *ps, int id)
{
	if (id <= 0 || ps->index[id])
		return id > 0 ? ps->index[id] : 0;
	ps->index[id] = ps->n;
	ps->pool_id[ps->n++] = id;
	ps->bytes += strlen(mx_str(id));
	return ps->index[id];
}

static int keeps_diag(enum mx_status st)
{
	return st != MX_PASS && st != MX_SKIP && st != MX_NONE;
}

/* What the page holds, in the order it is first needed. */
static void choose_strings(const struct mx_matrix *m, struct page_strings *ps)
{
	for (size_t k = 0; k < m->nkernels; k++)
		hold(ps, m->kernels[k].env);
	for (size_t i = 0; i < m->ncases; i++) {
		const struct mx_case *c = &m->cases[i];
		int texts[] = { c->prog, c->name, c->summary, c->fixes, c->cves,
				c->pin, c->event, c->backing };

		for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
			hold(ps, texts[t]);
		for (size_t k = 0; k < m->nkernels; k++) {
			hold(ps, c->cells[k].reason);
			if (keeps_diag(c->cells[k].st))
				hold(ps, c->cells[k].diag);
		}
	}
	for (size_t i = 0, extra = 0; i < m->ncases; i++)
		for (size_t k = 0; k < m->nkernels; k++) {
			int d = m->cases[i].cells[k].diag;
			size_t len = strlen(mx_str(d));

			if (d && !ps->index[d] && extra + len <= DIAG_BUDGET) {
				hold(ps, d);
				extra += len;
			}
		}
}

static int omitted_diags(const struct mx_matrix *m, const struct page_strings *ps)
{
	int n = 0;

	for (size_t i = 0; i < m->ncases; i++)
		for (size_t k = 0; k < m->nkernels; k++)
			n += m->cases[i].cells[k].diag && !ps->index[m->cases[i].cells[k].diag];
	return n;
}

static void put_kernels(FILE *f, const struct mx_matrix *m, const struct page_strings *ps)
{
	fputs("\"k\":[", f);
	for (size_t k = 0; k < m->nkernels; k++) {
		const struct mx_kernel *kn = &m->kernels[k];
		const char *texts[] = { kn->label, kn->release, kn->uname, kn->profile, kn->dir };
		char env[1024];

		fputs(k ? ",[" : "[", f);
		for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
			mx_json_str(f, texts[t]);
			fputc(',', f);
		}
		mx_env_summary(mx_str(kn->env), env, sizeof(env));
		mx_json_str(f, env);
		fprintf(f, ",%d,[", ps->index[kn->env]);
		for (int s = 0; s < MX_STATUSES; s++)
			fprintf(f, "%s%d", s ? "," : "", kn->totals[s]);
		fputs("]]", f);
	}
	fputs("],\n", f);
}

static void put_strings(FILE *f, const struct page_strings *ps)
{
	fputs("\"s\":[\"\"", f);
	for (int i = 1; i < ps->n; i++) {
		fputs(i % 64 ? "," : ",\n", f);
		mx_json_str(f, mx_str(ps->pool_id[i]));
	}
	fputs("],\n", f);
}

/* The reasons (or diagnostics) of a case as an index list, 0 when all empty. */
static void put_cell_texts(FILE *f, const struct mx_case *c, size_t nk,
			   const struct page_strings *ps, int diags)
{
	int any = 0;

	for (size_t k = 0; k < nk; k++)
		any |= ps->index[diags ? c->cells[k].diag : c->cells[k].reason];
	if (!any) {
		fputs(",0", f);
		return;
	}
	for (size_t k = 0; k < nk; k++)
		fprintf(f, "%s%d", k ? "," : ",[",
			ps->index[diags ? c->cells[k].diag : c->cells[k].reason]);
	fputc(']', f);
}

static void put_cases(FILE *f, const struct mx_matrix *m, const struct page_strings *ps)
{
	fputs("\"c\":[", f);
	for (size_t i = 0; i < m->ncases; i++) {
		const struct mx_case *c = &m->cases[i];

		fprintf(f, "%s[%d,%d,%d,%d,%d,%d,%d,%d,%d,\"", i ? ",\n" : "",
			ps->index[c->prog], ps->index[c->name], ps->index[c->summary],
			ps->index[c->fixes], ps->index[c->cves], ps->index[c->pin],
			ps->index[c->event], ps->index[c->backing], (int)c->cls);
		for (size_t k = 0; k < m->nkernels; k++)
			fputc('0' + c->cells[k].st, f);
		fputc('"', f);
		put_cell_texts(f, c, m->nkernels, ps, 0);
		put_cell_texts(f, c, m->nkernels, ps, 1);
		fputc(']', f);
	}
	fputs("],\n", f);
}

/* "fx": each fix a case names that fixes.def knows, once. */
static void put_fixes(FILE *f, const struct mx_matrix *m, int nstrs)
{
	char *seen = calloc(nstrs + 1, 1);
	int first = 1;

	fputs("\"fx\":{", f);
	for (size_t i = 0; seen && i < m->ncases; i++)
		for (const char *s = mx_str(m->cases[i].fixes); *s; s += strspn(s, " ,")) {
			size_t n = strcspn(s, " ,");
			int id = mx_intern_n(s, n);
			const struct pf_fix *fx = pf_fix_lookup(mx_str(id));

			s += n;
			if (n != 12 || !fx || id >= nstrs || seen[id])
				continue;
			seen[id] = 1;
			fputs(first ? "" : ",", f);
			mx_json_str(f, mx_str(id));
			fputs(":[", f);
			mx_json_str(f, fx->release);
			fputc(',', f);
			mx_json_str(f, fx->subject);
			fputc(']', f);
			first = 0;
		}
	fputs("},\n", f);
	free(seen);
}

static void put_data(FILE *f, const struct mx_matrix *m)
{
	int nstrs = mx_intern_fix_ids(m);
	struct page_strings ps = { 0 };

	ps.index = calloc(nstrs + 1, sizeof(int));
	ps.pool_id = calloc(nstrs + 1, sizeof(int));
	if (!ps.index || !ps.pool_id) {
		perror("pinfork-report");
		exit(2);
	}
	ps.n = 1;
	choose_strings(m, &ps);
	fputs("{\"st\":[", f);
	for (int s = 0; s < MX_STATUSES; s++)
		fprintf(f, "%s\"%s\"", s ? "," : "", mx_status_names[s]);
	fputs("],\n", f);
	put_kernels(f, m, &ps);
	put_strings(f, &ps);
	put_fixes(f, m, nstrs);
	put_cases(f, m, &ps);
	fprintf(f, "\"omitted\":%d}", omitted_diags(m, &ps));
	free(ps.index);
	free(ps.pool_id);
}

/* Where the page takes its data, or NULL. */
static const char *data_marker(void)
{
	return memmem(pf_matrix_page, pf_matrix_page_end - pf_matrix_page,
		      DATA_MARKER, strlen(DATA_MARKER));
}

static void html_body(FILE *f, const struct mx_matrix *m)
{
	const char *marker = data_marker();

	fwrite(pf_matrix_page, 1, marker - pf_matrix_page, f);
	put_data(f, m);
	marker += strlen(DATA_MARKER);
	fwrite(marker, 1, pf_matrix_page_end - marker, f);
}

int mx_write_html(const struct mx_matrix *m, const char *dir)
{
	if (!data_marker()) {
		fprintf(stderr, "pinfork-report: the embedded page has no data marker\n");
		return 1;
	}
	return mx_write_file(dir, "report.html", html_body, m);
}
