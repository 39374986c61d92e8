// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix's string pool: every distinct text once, by id (0 is ""), so a
 * reason shared by a thousand cells is stored, and written, once. Also the
 * allocation and whole-file reading the matrix's readers share.
 */
#include "matrix.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char **strs;		/* by id */
static int nstrs, strs_cap;
static int *slots;		/* open addressing: id + 1, 0 when free */
static size_t nslots;

static uint32_t hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static size_t find_slot(const char *s, size_t len)
{
	size_t i = hash(s, len) & (nslots - 1);

	while (slots[i]) {
		const char *t = strs[slots[i] - 1];

		if (!strncmp(t, s, len) && !t[len])
			break;
		i = (i + 1) & (nslots - 1);
	}
	return i;
}

static void rehash(void)
{
	size_t old = nslots;

	nslots = old ? 2 * old : 1024;
	free(slots);
	slots = mx_alloc(NULL, nslots * sizeof(*slots));
	memset(slots, 0, nslots * sizeof(*slots));
	for (int id = 0; id < nstrs; id++)
		slots[find_slot(strs[id], strlen(strs[id]))] = id + 1;
}

int mx_intern_n(const char *s, size_t len)
{
	size_t i;
	char *copy;

	if (!nstrs) {
		rehash();
		strs = mx_alloc(NULL, 64 * sizeof(*strs));
		strs_cap = 64;
		strs[nstrs++] = mx_alloc(NULL, 1);
		strs[0][0] = '\0';
		slots[find_slot("", 0)] = 1;
	}
	if (!s)
		return 0;
	i = find_slot(s, len);
	if (slots[i])
		return slots[i] - 1;
	if (nstrs == strs_cap) {
		strs_cap *= 2;
		strs = mx_alloc(strs, strs_cap * sizeof(*strs));
	}
	copy = mx_alloc(NULL, len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	strs[nstrs] = copy;
	slots[i] = ++nstrs;
	if (2 * (size_t)nstrs > nslots)
		rehash();
	return nstrs - 1;
}

int mx_intern(const char *s)
{
	return mx_intern_n(s, s ? strlen(s) : 0);
}

const char *mx_str(int id)
{
	return id > 0 && id < nstrs ? strs[id] : "";
}

int mx_nstrs(void)
{
	return nstrs;
}

void mx_strings_free(void)
{
	for (int i = 0; i < nstrs; i++)
		free(strs[i]);
	free(strs);
	free(slots);
	strs = NULL;
	slots = NULL;
	nstrs = strs_cap = 0;
	nslots = 0;
}

void *mx_alloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		perror("pinfork-report");
		exit(2);
	}
	return p;
}

char *mx_strdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		perror("pinfork-report");
		exit(2);
	}
	return d;
}

/* The whole of a small file, or NULL when it cannot be read. */
char *mx_slurp(const char *dir, const char *name)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	do {
		if (cap - len < 4096)
			buf = mx_alloc(buf, cap = 2 * cap + 8192);
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	buf[len] = '\0';
	fclose(f);
	return buf;
}
