/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test case is data. A program declares templates (a test function plus
 * its metadata); the registry expands each template over every row it
 * accepts of the tables it is handed (backings, events, pins) into named
 * cases; the runner runs each case in its own process group with a timeout
 * and prints one TAP result per case.
 */
#ifndef PINFORK_CASE_H
#define PINFORK_CASE_H

#include <stddef.h>

#include "tap.h"

/* Types of lib/'s tables, opaque here: the harness hands them on. */
struct pf_event;
struct pf_pin;
struct pf_region;

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
	PF_NEED_NUMA	= 1u << 12,	/* two NUMA nodes with memory */
};

/*
 * What kind of case a template makes; harness/cover.c turns it into the
 * profiles (quick < full < exhaustive < stress) that run each case.
 */
enum pf_group {
	PF_GROUP_QUICK	= 1u << 0,	/* deterministic: quick and full pick by pairs */
	PF_GROUP_RACE	= 1u << 1,	/* time-bounded race (duration a knob): one case
					   a template in full, all in exhaustive */
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
	const struct pf_pin *pin;	/* NULL for cases without a pin */
	double race_seconds;		/* duration of time-bounded races */
	const void *arg;		/* the template's arg */
	int rows_entered;		/* the runner's: rows whose run is in place */
};

typedef enum pf_result (*pf_test_fn)(struct pf_ctx *ctx);

/*
 * The dimensions a template expands over. A case's name is the template's
 * stem followed by the names of its rows in this order.
 */
enum pf_dim { PF_DIM_PIN, PF_DIM_EVENT, PF_DIM_BACKING, PF_DIMS };

/* A row of one of lib/'s tables, as the harness sees it. */
struct pf_row {
	const char *name;	/* appended to case names */
	const char *summary;
	unsigned flags;		/* the table's own flags, which templates select by */
	unsigned needs;		/* enum pf_need */
	const void *row;	/* the table's row itself, handed to the case */
};

struct pf_table {
	const char *label;	/* names the row in case summaries: "memory", "event" */
	const struct pf_row *rows;
	size_t count;
	/*
	 * Runs fn in the case's process with the row in place (a backing sets
	 * up ctx->region, verifies it, tears it down); NULL: fn runs as is.
	 */
	enum pf_result (*run)(const struct pf_row *row, struct pf_ctx *ctx,
			      pf_test_fn fn);
};

/* What lib/ hands pf_main: its tables, and the gates of enum pf_need. */
struct pf_tables {
	struct pf_table dim[PF_DIMS];
	/* 0 when every need in needs holds; else why not. NULL: all hold. */
	int (*needs_check)(unsigned needs, char *why, size_t size);
};

#define PF_MAX_REFS 6

struct pf_template {
	const char *name;		/* name stem; backing/event names are appended */
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
	unsigned pin_needs;		/* pin flags it requires */
	unsigned pin_excludes;		/* pin flags it cannot work with */
	int use_pin;			/* expand over pins */
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
	/*
	 * One of the suite's pairwise scenarios: full runs every event x
	 * backing pair of it and quick every pin x event pair; any other
	 * template runs each of its pins and events once (harness/cover.c).
	 */
	int pairwise;
};

struct pf_case {
	char name[128];
	char summary[256];
	const struct pf_template *t;
	const struct pf_tables *tables;		/* the tables it was expanded over */
	const struct pf_row *row[PF_DIMS];	/* NULL where it does not expand */
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
/*
 * The one rule that merges two results of a case (its steps, or the two
 * processes of a fork), so that the merge of a sequence is:
 *  - FAIL, when any step failed: a finding about the kernel is never hidden
 *    by a step that could not run, before or after it;
 *  - else the first result that is not PASS (ERROR, SKIP or XFAIL): it is
 *    the one closest to the cause, whose reason was recorded first, and a
 *    step after an ERROR or SKIP only meets what that step left undone;
 *  - PASS when every step passed.
 * A timeout is the runner's verdict on the whole case, never merged here.
 */
enum pf_result pf_worst(enum pf_result a, enum pf_result b);
/* Monotonic seconds: deadlines of races, waits and case timeouts. */
double pf_now(void);
/* Seconds since the case's process began (since the program began outside a case). */
double pf_case_elapsed(void);
void pf_case_clock_start(void);
/* A '#' diagnostic line, printed at once (policy observations, details). */
void pf_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Entry point of every test program: its templates over the tables. */
int pf_main(int argc, char **argv, const struct pf_template *templates,
	    size_t count, const struct pf_tables *tables);

#define PF_MAIN_WITH(templates, tables)                                       \
	int main(int argc, char **argv)                                       \
	{                                                                     \
		return pf_main(argc, argv, templates,                         \
			       sizeof(templates) / sizeof(templates[0]),      \
			       tables);                                       \
	}

#endif
