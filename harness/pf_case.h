/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test case is data. A program declares templates (a test function plus
 * its metadata); the registry expands each template over every backing and
 * event it accepts into named cases; the runner runs each case in its own
 * process group with a timeout and prints one TAP result per case.
 */
#ifndef PINFORK_CASE_H
#define PINFORK_CASE_H

#include <stddef.h>

#include "tap.h"

struct pf_backing;
struct pf_event;
struct pf_region;

/*
 * A row of a table that lib/ hands to the harness through a template (the
 * pins): the harness knows a row by these fields only. lib's own row
 * struct begins with one, so the test function gets the whole row back.
 */
struct pf_row {
	const char *name;	/* appended to case names */
	const char *summary;
	unsigned flags;		/* the table's own flag bits */
	unsigned needs;		/* enum pf_need */
};

struct pf_table {
	const struct pf_row *const *rows;
	size_t count;
};

/* What a case needs before it can run at all (fstests' _require_*). */
enum pf_need {
	PF_NEED_ROOT	= 1u << 0,
	PF_NEED_THP	= 1u << 1,	/* THP sysfs present and not disabled by us */
	PF_NEED_URING	= 1u << 2,	/* io_uring usable from liburing */
	PF_NEED_ODIRECT	= 1u << 3,	/* a scratch file that takes O_DIRECT */
	PF_NEED_SWAP	= 1u << 4,	/* active swap space */
	PF_NEED_KSM	= 1u << 5,
	PF_NEED_HUGETLB	= 1u << 6,
	PF_NEED_RDMA	= 1u << 7,
	PF_NEED_KPAGEFLAGS = 1u << 8,	/* /proc/kpageflags and pagemap PFNs */
	PF_NEED_UFFD	= 1u << 9,
	PF_NEED_FUSE	= 1u << 10,	/* /dev/fuse, or a fuse module to load */
	PF_NEED_NBD	= 1u << 11,	/* nbd loaded, or an nbd module to load */
};

/* Groups CI selects by (fstests style). */
enum pf_group {
	PF_GROUP_QUICK	= 1u << 0,	/* cheap and deterministic */
	PF_GROUP_RACE	= 1u << 1,	/* time-bounded race; duration is a knob */
	PF_GROUP_STRESS	= 1u << 2,	/* long; only in the stress profile */
};

/* Result of a test function, as seen by the runner (also its exit code). */
enum pf_result {
	PF_PASS = 0,
	PF_FAIL = 1,
	PF_SKIP = 4,
	PF_ERROR = 5,
	PF_XFAIL = 6,	/* exactly the template's documented known issue */
};

struct pf_case;

/* The test function; ctx->region is set up and verified when a backing is used. */
struct pf_ctx {
	const struct pf_case *c;
	struct pf_region *region;	/* NULL for cases without a backing */
	const struct pf_event *event;	/* NULL for cases without an event */
	const struct pf_row *pin;	/* NULL for cases without a pin */
	double race_seconds;		/* duration of time-bounded races */
	const void *arg;		/* the template's arg */
};

typedef enum pf_result (*pf_test_fn)(struct pf_ctx *ctx);

#define PF_MAX_REFS 6

struct pf_template {
	const char *name;		/* name stem; pin/event/backing names are appended */
	const char *summary;
	pf_test_fn run;
	const void *arg;		/* passed to run as ctx->arg: one function, many templates */
	const char *fixes[PF_MAX_REFS];	/* linux-git ids, 12 hex digits */
	const char *cves[PF_MAX_REFS];
	unsigned needs;			/* enum pf_need */
	unsigned groups;		/* enum pf_group; 0 means quick */
	unsigned backing_needs;		/* backing flags it requires (PF_BK_*) */
	unsigned backing_excludes;	/* backing flags it cannot work with */
	int use_backing;		/* expand over backings */
	unsigned event_needs;		/* event flags it requires (PF_EV_*) */
	int use_event;			/* expand over events */
	const struct pf_table *pins;	/* expand over these pins (NULL: none) */
	unsigned pin_needs;		/* pin flags it requires */
	unsigned pin_excludes;		/* pin flags it cannot work with */
	size_t min_len;			/* region length asked from the backing */
	/*
	 * A known kernel limitation with no fix yet, on the backings whose
	 * flags meet known_backings. Only a case that returns
	 * pf_known_symptom() is XFAIL, and only on those backings (elsewhere it
	 * is FAIL); any other failure, and a harness oracle (kernel log,
	 * accounting) failing after the symptom, stay FAIL; a pass there is XPASS.
	 */
	unsigned known_backings;
	const char *known_issue;
	int timeout;			/* seconds; 0 means the default */
};

struct pf_case {
	char name[128];
	char summary[256];
	const struct pf_template *t;
	const struct pf_backing *backing;
	const struct pf_event *event;
	const struct pf_row *pin;
	unsigned needs;
};

/*
 * Result helpers for test functions: they record the reason for the runner
 * and return the status, so a test says `return pf_fail("...")`.
 */
enum pf_result pf_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
enum pf_result pf_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
enum pf_result pf_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The case saw exactly the symptom its template's known_issue documents
 * (and nothing else went wrong): PF_XFAIL, which the runner reports as
 * XFAIL on the template's known_backings and as FAIL anywhere else.
 */
enum pf_result pf_known_symptom(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * For negative self-tests: PF_PASS when got is want (the reason the checked
 * code recorded is shown and forgotten), else a failure naming what.
 */
enum pf_result pf_expect(enum pf_result got, enum pf_result want,
			 const char *what);
/* Monotonic seconds: deadlines of races, waits and case timeouts. */
double pf_now(void);
/* Seconds since the case's process began (since the program began outside a case). */
double pf_case_elapsed(void);
void pf_case_clock_start(void);
/* A '#' diagnostic line, printed at once (policy observations, details). */
void pf_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Entry point of every test program. */
int pf_main(int argc, char **argv, const struct pf_template *templates,
	    size_t count);

#define PF_MAIN(templates)                                                    \
	int main(int argc, char **argv)                                       \
	{                                                                     \
		return pf_main(argc, argv, templates,                         \
			       sizeof(templates) / sizeof(templates[0]));     \
	}

#endif
