// SPDX-License-Identifier: GPL-2.0
#include "record.h"
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_escaped(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		case '\\': fputs("\\\\", f); break;
		default: fputc(*s, f);
		}
	}
}

static void put_refs(FILE *f, const char *const *refs)
{
	for (int i = 0; i < PF_MAX_REFS && refs[i]; i++)
		fprintf(f, "%s%s", i ? "," : "", refs[i]);
}

/*
 * Says, once per program, that the results lost a record: run.sh looks for
 * this line ("# pinfork: cannot write ...") to fail a run whose results are
 * incomplete, instead of the record going missing in silence.
 */
static void say_not_written(const char *path, int err)
{
	static int said;

	if (said++)
		return;
	printf("# pinfork: cannot write %s: %s\n", path, strerror(err));
	fflush(stdout);
}

void pf_record(const char *prog, const struct pf_case *c, enum tap_status st,
	       const char *reason, double seconds)
{
	const char *path = getenv("PINFORK_RECORD");
	FILE *f;
	int err = 0;

	if (!path || !*path)
		return;
	f = fopen(path, "ae");
	if (!f) {
		say_not_written(path, errno);
		return;
	}
	fprintf(f, "%s\t%s\t%s\t%.3f\t", prog, c->name, tap_status_name(st),
		seconds);
	put_escaped(f, reason);
	fputc('\t', f);
	put_escaped(f, c->summary);
	fputc('\t', f);
	put_refs(f, c->t->fixes);
	fputc('\t', f);
	put_refs(f, c->t->cves);
	fputc('\t', f);
	put_escaped(f, pf_case_log());
	fputc('\n', f);
	if (fflush(f) || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (err)
		say_not_written(path, err);
}
