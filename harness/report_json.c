// SPDX-License-Identifier: GPL-2.0
/*
 * JSON strings for pinfork-report (report_json.h): one UTF-8 check, one
 * escaper, two modes.
 */
#include "report_json.h"

int utf8_valid_len(const unsigned char *s, int no_nonchars)
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
	    (cp >= 0xd800 && cp <= 0xdfff) || (no_nonchars && (cp == 0xfffe || cp == 0xffff)))
		return 0;
	return len;
}

static int is_js_line_break(const unsigned char *s, int len)
{
	return len == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9);
}

static int needs_u_escape(unsigned char c, enum json_mode mode)
{
	if (c < 0x20 || c == 0x7f)
		return 1;
	return mode == JSON_HTML && (c == '<' || c == '>' || c == '&');
}

/* One valid UTF-8 sequence of len bytes at s. */
static void json_char(FILE *f, const unsigned char *s, int len, enum json_mode mode)
{
	if (mode == JSON_HTML && is_js_line_break(s, len))
		fprintf(f, "\\u%04x", 0x2028 + (s[2] - 0xa8));
	else if (*s == '"' || *s == '\\')
		fprintf(f, "\\%c", *s);
	else if (*s == '\n')
		fputs("\\n", f);
	else if (*s == '\t')
		fputs("\\t", f);
	else if (*s == '\r' && mode == JSON_PLAIN)
		fputs("\\r", f);
	else if (needs_u_escape(*s, mode))
		fprintf(f, "\\u%04x", *s);
	else
		fwrite(s, 1, len, f);
}

void json_write_str(FILE *f, const char *str, enum json_mode mode)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	fputc('"', f);
	while (*s) {
		int len = utf8_valid_len(s, mode == JSON_PLAIN);

		if (len)
			json_char(f, s, len, mode);
		else if (mode == JSON_PLAIN)
			fprintf(f, "\\\\x%02x", *s);	/* not UTF-8: show the byte */
		else
			fputs("\\ufffd", f);
		s += len ? len : 1;
	}
	fputc('"', f);
}

void json_write_member(FILE *f, const char *sep, const char *key, const char *s,
		       enum json_mode mode)
{
	fprintf(f, "%s\"%s\": ", sep, key);
	json_write_str(f, s, mode);
}
