// SPDX-License-Identifier: GPL-2.0
/*
 * pinfork-report --matrix OUT DIR...: reads one results folder per kernel
 * (records.tsv, programs.tsv, results.json, env.txt, label) into a matrix
 * of cases x kernels and writes OUT/matrix.tsv, matrix.json, summary.md and
 * report.html, failures first, then the cases whose status differs
 * between kernels, then the rest, each group in the order first seen.
 * Readers: matrix_records.c (the cases), matrix_kernel.c (each column),
 * matrix_rows.c (pin, event, backing). Exit: 0 written, 2 usage (no DIR, a DIR without records.tsv), 1 an output
 * could not be written.
 */
#include "matrix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const mx_status_names[MX_STATUSES] = {
	"pass", "fail", "skip", "xfail", "xpass", "error", "timeout", "none",
};

static struct mx_matrix mx;

int mx_is_bad(enum mx_status st)
{
	return st == MX_FAIL || st == MX_ERROR || st == MX_TIMEOUT;
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
	mx_records_free();
	mx_strings_free();
}

static int read_dirs(int ndirs, char **dirs, const char *out)
{
	mx.nkernels = ndirs;
	mx.kernels = mx_alloc(NULL, ndirs * sizeof(*mx.kernels));
	memset(mx.kernels, 0, ndirs * sizeof(*mx.kernels));
	for (int k = 0; k < ndirs; k++) {
		mx.kernels[k].dir = dirs[k];
		if (mx_read_results(&mx, k, dirs[k]))
			return -1;
		mx_read_kernel(&mx.kernels[k], out);
	}
	mx_unique_labels(&mx);
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
