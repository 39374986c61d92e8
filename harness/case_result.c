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

/* pf_fail(), pf_skip(), pf_error(): record the reason, return the result. */
#define RESULT_FN(fn, result)					\
enum pf_result fn(const char *fmt, ...)				\
{								\
	va_list ap;						\
	enum pf_result r;					\
								\
	va_start(ap, fmt);					\
	r = record(result, fmt, ap);				\
	va_end(ap);						\
	return r;						\
}

RESULT_FN(pf_fail, PF_FAIL)
RESULT_FN(pf_skip, PF_SKIP)
RESULT_FN(pf_error, PF_ERROR)
RESULT_FN(pf_known_symptom, PF_XFAIL)

enum pf_result pf_worst(enum pf_result a, enum pf_result b)
{
	if (a == PF_FAIL || b == PF_FAIL)
		return PF_FAIL;
	return a != PF_PASS ? a : b;
}

static const char *result_name(enum pf_result r)
{
	switch (r) {
	case PF_PASS: return "pass";
	case PF_FAIL: return "fail";
	case PF_SKIP: return "skip";
	case PF_XFAIL: return "known symptom";
	default: return "error";
	}
}

enum pf_result pf_expect(enum pf_result got, enum pf_result want,
			 const char *what)
{
	const char *said = pf_shared ? pf_shared->reason : "";

	if (got != want) {
		if (pf_shared)
			pf_shared->reason[0] = '\0';
		return pf_fail("%s: %s, expected %s", what, result_name(got),
			       result_name(want));
	}
	pf_diag("%s: %s as expected%s%s", what, result_name(got),
		*said ? ": " : "", said);
	if (pf_shared)
		memset(pf_shared->reason, 0, sizeof(pf_shared->reason));
	return PF_PASS;
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
