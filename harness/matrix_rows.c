// SPDX-License-Identifier: GPL-2.0
/*
 * The pin, event and backing rows of each case, for the report's filters.
 * Records carry only the case name (stem-pin-event-backing, where a row's
 * name may hold '-' too), so the rows come from the program itself: its
 * `-l -p stress` lists every case with its rows. The programs are looked for
 * next to pinfork-report (build/tests/PROG, or PROG beside it as installed);
 * a program not found leaves its cases' rows empty ("unknown" in the page).
 */
#include "matrix.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIST_SECONDS 20

struct listed {
	int name, pin, event, backing;
};

static int program_path(const char *bindir, const char *prog, char *path, size_t len)
{
	static const char *const where[] = { "%s/tests/%s", "%s/%s", "%s/pinfork/%s" };

	if (strchr(prog, '/') || strchr(prog, '\'') || !*prog)
		return -1;
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(path, len, where[i], bindir, prog);
		if (!access(path, X_OK) && strcmp(prog, "pinfork-report"))
			return 0;
	}
	return -1;
}

/* "-" is how -l says a case has no row of that kind. */
static int row_id(const char *field)
{
	return strcmp(field, "-") ? mx_intern(field) : 0;
}

/* Runs `PROG -l -p stress` (bounded by timeout(1)); its lines, parsed. */
static struct listed *list_program(const char *path, size_t *n)
{
	char cmd[PATH_MAX + 64], *line = NULL;
	size_t cap = 0, have = 0;
	struct listed *l = NULL;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "exec timeout %d '%s' -l -p stress 2>/dev/null </dev/null",
		 LIST_SECONDS, path);
	p = popen(cmd, "r");
	*n = 0;
	if (!p)
		return NULL;
	while (getline(&line, &cap, p) > 0) {
		char *f[4], *s = line;
		int k;

		line[strcspn(line, "\n")] = '\0';
		for (k = 0; k < 4 && s; k++) {
			f[k] = s;
			s = strchr(s, '\t');
			if (s)
				*s++ = '\0';
		}
		if (k < 4)
			continue;
		if (*n == have) {
			struct listed *more = realloc(l, (have = have ? 2 * have : 256) * sizeof(*l));

			if (!more)
				break;
			l = more;
		}
		l[(*n)++] = (struct listed){ mx_intern(f[0]), row_id(f[1]),
					     row_id(f[2]), row_id(f[3]) };
	}
	free(line);
	pclose(p);
	return l;
}

static void apply_listing(struct mx_matrix *m, int prog, const struct listed *l, size_t n)
{
	int nstrs = mx_nstrs();
	int *at = calloc(nstrs, sizeof(int));

	if (!at)
		return;
	for (size_t i = 0; i < n; i++)
		if (l[i].name < nstrs)
			at[l[i].name] = (int)i + 1;
	for (size_t i = 0; i < m->ncases; i++) {
		struct mx_case *c = &m->cases[i];

		if (c->prog != prog || c->name >= nstrs || !at[c->name])
			continue;
		c->pin = l[at[c->name] - 1].pin;
		c->event = l[at[c->name] - 1].event;
		c->backing = l[at[c->name] - 1].backing;
	}
	free(at);
}

void mx_find_rows(struct mx_matrix *m, const char *self)
{
	char exe[PATH_MAX], path[PATH_MAX], *bindir;
	ssize_t len = readlink(self, exe, sizeof(exe) - 1);
	char *done = calloc(mx_nstrs() + 1, 1);
	int nstrs = mx_nstrs();

	if (len <= 0 || !done) {
		free(done);
		return;
	}
	exe[len] = '\0';
	bindir = dirname(exe);
	for (size_t i = 0; i < m->ncases; i++) {
		int prog = m->cases[i].prog;
		struct listed *l;
		size_t n;

		if (prog >= nstrs || done[prog])
			continue;
		done[prog] = 1;
		if (program_path(bindir, mx_str(prog), path, sizeof(path)))
			continue;
		l = list_program(path, &n);
		apply_listing(m, prog, l, n);
		free(l);
	}
	free(done);
}
