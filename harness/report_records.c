// SPDX-License-Identifier: GPL-2.0
/*
 * records.tsv lines for pinfork-report (report_records.h): split, unescaped,
 * and the damaged ones told apart, for report.c and matrix_records.c alike.
 */
#include "report_records.h"

#include <stdlib.h>
#include <string.h>

char *record_unescape(char *s)
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

int record_split_tabs(char *line, char **f, int max)
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

void record_read_lines(FILE *f, record_fn *on_record, damaged_fn *on_damaged, void *ctx)
{
	char *line = NULL, *fl[RECORD_FIELDS];
	size_t cap = 0;
	long lineno = 0;

	while (getline(&line, &cap, f) > 0) {
		/* missing fields are empty, writable strings (unescape writes) */
		char blank[RECORD_FIELDS][1] = { { 0 } };
		int n = record_split_tabs(line, fl, RECORD_FIELDS);

		lineno++;
		if (n == 1 && !*fl[0])
			continue;	/* an empty line */
		if (n < 3 || !*fl[0] || !*fl[1]) {
			on_damaged(ctx, lineno, fl, n);
			continue;
		}
		for (int i = n; i < RECORD_FIELDS; i++)
			fl[i] = blank[i];
		on_record(ctx, fl);
	}
	free(line);
}

void record_damaged_name(char *buf, size_t len, long lineno)
{
	snprintf(buf, len, "damaged-record-line-%ld", lineno);
}

void record_damaged_why(char *buf, size_t len, const char *path, long lineno, int n)
{
	snprintf(buf, len,
		 "damaged record: line %ld of %s has %d of the 9 fields (cut short by a crash?)",
		 lineno, path, n);
}

void record_unknown_status_why(char *buf, size_t len, const char *status)
{
	snprintf(buf, len, "damaged record: unknown status '%.64s'", status);
}
