// SPDX-License-Identifier: GPL-2.0
#include "tap.h"

#include <stdarg.h>
#include <string.h>

void tap_init(struct tap *t, FILE *out)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->next = 1;
	fprintf(out, "TAP version 13\n");
	fflush(out);
}

void tap_plan(struct tap *t, int n)
{
	t->planned = n;
	fprintf(t->out, "1..%d\n", n);
	fflush(t->out);
}

/* Writes text as '#' lines, one per line of input. */
static void diag_lines(FILE *out, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);

		fprintf(out, "# %.*s\n", len, text);
		text += len + (nl ? 1 : 0);
	}
}

void tap_diag(struct tap *t, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_lines(t->out, buf);
	fflush(t->out);
}

/* A reason goes after '#' on the result line: keep it to one line. */
static void one_line(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i + 1 < size; i++)
		dst[i] = (src[i] == '\n' || src[i] == '#') ? ' ' : src[i];
	dst[i] = '\0';
}

void tap_result(struct tap *t, const char *name, enum tap_status st,
		const char *reason)
{
	char why[512];
	int n = t->next++;

	one_line(why, sizeof(why), reason);
	t->counts[st]++;
	switch (st) {
	case TAP_PASS:
		fprintf(t->out, "ok %d %s\n", n, name);
		break;
	case TAP_SKIP:
		/* LKFT appends text after "# SKIP" to the name: keep it apart */
		if (why[0])
			fprintf(t->out, "# SKIP %s: %s\n", name, why);
		fprintf(t->out, "ok %d %s # SKIP\n", n, name);
		break;
	case TAP_XFAIL:
		fprintf(t->out, "ok %d %s # XFAIL %s\n", n, name, why);
		break;
	case TAP_XPASS:
		fprintf(t->out, "ok %d %s # XPASS %s\n", n, name, why);
		break;
	case TAP_TIMEOUT:
		fprintf(t->out, "not ok %d %s # TIMEOUT %s\n", n, name, why);
		break;
	case TAP_ERROR:
		fprintf(t->out, "not ok %d %s # ERROR %s\n", n, name, why);
		break;
	case TAP_FAIL:
	default:
		if (why[0])
			fprintf(t->out, "not ok %d %s # %s\n", n, name, why);
		else
			fprintf(t->out, "not ok %d %s\n", n, name);
		break;
	}
	fflush(t->out);
}

void tap_skip_all(struct tap *t, const char *reason)
{
	char why[512];

	one_line(why, sizeof(why), reason);
	fprintf(t->out, "1..0 # SKIP %s\n", why);
	fflush(t->out);
}

void tap_bail_out(struct tap *t, const char *reason)
{
	char why[512];

	one_line(why, sizeof(why), reason);
	fprintf(t->out, "Bail out! %s\n", why);
	fflush(t->out);
}

void tap_totals(struct tap *t)
{
	fprintf(t->out,
		"# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d\n",
		t->counts[TAP_PASS], t->counts[TAP_FAIL], t->counts[TAP_XFAIL],
		t->counts[TAP_XPASS], t->counts[TAP_SKIP],
		t->counts[TAP_ERROR] + t->counts[TAP_TIMEOUT]);
	fflush(t->out);
}

int tap_exit_code(const struct tap *t)
{
	int ran = t->next - 1;

	if (t->counts[TAP_FAIL] || t->counts[TAP_ERROR] ||
	    t->counts[TAP_TIMEOUT])
		return TAP_EXIT_FAIL;
	if (ran > 0 && t->counts[TAP_SKIP] == ran)
		return TAP_EXIT_SKIP;
	return TAP_EXIT_PASS;
}

const char *tap_status_name(enum tap_status st)
{
	static const char *const names[] = {
		"pass", "fail", "skip", "xfail", "xpass", "error", "timeout",
	};
	return names[st];
}
