/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel matrix (pinfork-report --matrix OUT DIR...): the cases of
 * several results folders, one folder per kernel, as rows x kernels.
 * matrix.c reads the folders (matrix_records.c, matrix_kernel.c,
 * matrix_rows.c); matrix_out.c writes matrix.tsv and
 * matrix.json; matrix_md.c summary.md; matrix_html.c report.html.
 * Strings are interned (matrix_strings.c): one id per distinct text, so the
 * writers can dedupe them.
 */
#ifndef PINFORK_MATRIX_H
#define PINFORK_MATRIX_H

#include <stddef.h>
#include <stdio.h>

#include "report_json.h"
#include "report_out.h"

/* The statuses of records.tsv, in report.c's order, then "did not run". */
enum mx_status { MX_PASS, MX_FAIL, MX_SKIP, MX_XFAIL, MX_XPASS, MX_ERROR,
		 MX_TIMEOUT, MX_NONE, MX_STATUSES };

extern const char *const mx_status_names[MX_STATUSES];

/* One case on one kernel; text fields are string ids (0: empty). */
struct mx_cell {
	enum mx_status st;
	int reason, diag;
};

struct mx_kernel {
	char *dir, *label, *release, *uname, *profile;
	int env;			/* env.txt, whole */
	int totals[MX_STATUSES];
};

/* Kinds of row, in the order the outputs list them. */
enum mx_class { MX_BAD, MX_DIFFERS, MX_SAME };

struct mx_case {
	int prog, name, summary, fixes, cves;	/* fixes: space-separated ids */
	int pin, event, backing;		/* table rows, 0 when unknown */
	enum mx_class cls;
	size_t seen;				/* first-seen order */
	struct mx_cell *cells;			/* one per kernel */
};

struct mx_matrix {
	struct mx_kernel *kernels;
	size_t nkernels;
	struct mx_case *cases;
	size_t ncases;
};

/* matrix_strings.c: the string pool; id 0 is "". */
int mx_intern(const char *s);
int mx_intern_n(const char *s, size_t len);
const char *mx_str(int id);
int mx_nstrs(void);
void mx_strings_free(void);
/* ... and memory (exit 2 when there is none; report.c's too), files read whole (or NULL) */
void *mx_alloc(void *p, size_t n);
char *mx_strdup(const char *s);
char *mx_slurp(const char *dir, const char *name);

/* matrix_records.c: DIR's records.tsv and programs.tsv into column k */
int mx_read_results(struct mx_matrix *m, size_t k, const char *dir);
void mx_records_free(void);

/* matrix_kernel.c: release, uname, profile, env.txt and label of a column */
void mx_read_kernel(struct mx_kernel *kn, const char *out);
void mx_unique_labels(struct mx_matrix *m);

/* matrix_rows.c: pin, event and backing of each case, from its program's -l. */
void mx_find_rows(struct mx_matrix *m, const char *self);

/* matrix_out.c */
int mx_is_bad(enum mx_status st);
/* DIR/name written by body; 1 (and says why) when not written whole. */
typedef void mx_writer(FILE *f, const struct mx_matrix *m);
int mx_write_file(const char *dir, const char *name, mx_writer *body,
		  const struct mx_matrix *m);
int mx_write_tsv(const struct mx_matrix *m, const char *dir);
int mx_write_json(const struct mx_matrix *m, const char *dir);
/* Interns every fix id the cases name; returns the pool size after. */
int mx_intern_fix_ids(const struct mx_matrix *m);

/* The matrix's JSON strings (matrix.json, report.html) are HTML-safe. */
static inline void mx_json_str(FILE *f, const char *s)
{
	json_write_str(f, s, JSON_HTML);
}

static inline void mx_json_member(FILE *f, const char *sep, const char *key, const char *s)
{
	json_write_member(f, sep, key, s, JSON_HTML);
}

/* matrix_env.c: a one-line summary of a kernel's env.txt */
void mx_env_summary(const char *env, char *buf, size_t len);
void mx_env_json(FILE *f, const char *env);

/* matrix_md.c, matrix_html.c */
int mx_write_summary(const struct mx_matrix *m, const char *dir);
int mx_write_html(const struct mx_matrix *m, const char *dir);

/* matrix.c: the entry point report.c's main hands --matrix to */
int pf_matrix_main(int argc, char **argv);

#endif
