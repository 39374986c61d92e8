// SPDX-License-Identifier: GPL-2.0
/* Result helpers used inside a case's process. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "case_shared.h"
#include "pf_case.h"

struct pf_shared *pf_shared;

static enum pf_result record(enum pf_result r, const char *fmt, va_list ap)
{
	char buf[PF_REASON_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* keep the first reason: it is the one closest to the cause */
	if (pf_shared && !pf_shared->reason[0])
		snprintf(pf_shared->reason, sizeof(pf_shared->reason), "%s", buf);
	else if (!pf_shared)
		fprintf(stderr, "%s\n", buf);
	return r;
}

enum pf_result pf_fail(const char *fmt, ...)
{
	va_list ap;
	enum pf_result r;

	va_start(ap, fmt);
	r = record(PF_FAIL, fmt, ap);
	va_end(ap);
	return r;
}

enum pf_result pf_skip(const char *fmt, ...)
{
	va_list ap;
	enum pf_result r;

	va_start(ap, fmt);
	r = record(PF_SKIP, fmt, ap);
	va_end(ap);
	return r;
}

enum pf_result pf_error(const char *fmt, ...)
{
	va_list ap;
	enum pf_result r;

	va_start(ap, fmt);
	r = record(PF_ERROR, fmt, ap);
	va_end(ap);
	return r;
}

void pf_diag(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("# %s\n", buf);
	fflush(stdout);
}
