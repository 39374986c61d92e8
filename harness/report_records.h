/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading records.tsv (record.h's lines) for pinfork-report: report.c and
 * the kernel matrix (matrix_records.c) read it alike. An empty line is
 * skipped; a line too short to name its case (fewer than 3 fields, or no
 * program or name: a program killed while it wrote it) is a damaged one.
 */
#ifndef PINFORK_REPORT_RECORDS_H
#define PINFORK_REPORT_RECORDS_H

#include <stddef.h>
#include <stdio.h>

/* record.h's nine, then the hints of a merged --repeat run (--cases-out) */
#define RECORD_FIELDS 10

/* Undoes record.c's escaping (\t \n \\) in place. */
char *record_unescape(char *s);

/* Splits line (its end of line dropped) at tabs into at most max fields. */
int record_split_tabs(char *line, char **f, int max);

/* fl: RECORD_FIELDS fields, the missing ones empty writable strings. */
typedef void record_fn(void *ctx, char **fl);
/* fl: the n fields the damaged line at lineno has. */
typedef void damaged_fn(void *ctx, long lineno, char **fl, int n);

/* Every line of f, to on_record or on_damaged. */
void record_read_lines(FILE *f, record_fn *on_record, damaged_fn *on_damaged, void *ctx);

/* A damaged line's case: its summary, name and reason; and the reason of a
 * status the reader does not know. */
#define RECORD_DAMAGED_SUMMARY "a case record the results writer could not read whole"
void record_damaged_name(char *buf, size_t len, long lineno);
void record_damaged_why(char *buf, size_t len, const char *path, long lineno, int n);
void record_unknown_status_why(char *buf, size_t len, const char *status);

#endif
