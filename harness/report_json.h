/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON strings for pinfork-report: the one writer results.json (report.c)
 * and the kernel matrix (matrix.json, report.html) share. The two modes keep
 * what each output has always written.
 */
#ifndef PINFORK_REPORT_JSON_H
#define PINFORK_REPORT_JSON_H

#include <stdio.h>

enum json_mode {
	/*
	 * results.json: a byte that is not UTF-8 (U+FFFE and U+FFFF count as
	 * not) as the text \xNN, \r as \r, everything else as it is.
	 */
	JSON_PLAIN,
	/*
	 * Safe inside <script>: < > & and the JavaScript line breaks U+2028,
	 * U+2029 as \u escapes, a byte that is not UTF-8 as U+FFFD.
	 */
	JSON_HTML,
};

/*
 * Length of the valid UTF-8 sequence at s, 0 when it is not one (overlong,
 * surrogate, beyond U+10FFFF; with no_nonchars also U+FFFE and U+FFFF, which
 * XML does not allow). report.c's XML writer shares it.
 */
int utf8_valid_len(const unsigned char *s, int no_nonchars);

/* s (NULL: "") as a quoted JSON string. */
void json_write_str(FILE *f, const char *s, enum json_mode mode);
/* sep, then one member of an object: "key": and s as above. */
void json_write_member(FILE *f, const char *sep, const char *key, const char *s,
		       enum json_mode mode);

#endif
