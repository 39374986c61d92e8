// SPDX-License-Identifier: GPL-2.0
/*
 * What the matrix says of each kernel: its release, uname and profile from
 * results.json (else env.txt's "== uname -a"), its env.txt, and its column
 * label: DIR/label when there is one, else the basename of DIR, or the
 * kernel release when DIR is OUT itself (a one-kernel run); two folders of
 * one label become "name" and "name#N" (N: the column).
 */
#include "matrix.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A top-level string of results.json ("kernel": "..."), unescaped. */
static char *json_top_str(const char *json, const char *key)
{
	char pat[64], *out, *w;
	const char *s;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	s = json ? strstr(json, pat) : NULL;
	if (!s)
		return NULL;
	s += strlen(pat);
	out = w = mx_alloc(NULL, strlen(s) + 1);
	for (; *s && *s != '"'; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*w++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'u' ? '?' : *s;
			if (*s == 'u')
				s += strspn(s + 1, "0123456789abcdefABCDEF") > 3 ? 4 : 0;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return out;
}

/* The line after "== NAME" in env.txt, or NULL. */
static char *env_line_after(const char *env, const char *header)
{
	const char *s = env ? strstr(env, header) : NULL;

	if (!s)
		return NULL;
	s += strcspn(s, "\n");
	if (!*s++)
		return NULL;
	return strndup(s, strcspn(s, "\n"));
}

/* The first line of DIR/label, or NULL. */
static char *read_label(const char *dir)
{
	char *text = mx_slurp(dir, "label");
	size_t start;

	if (!text)
		return NULL;
	start = strspn(text, " \t\r\n");
	memmove(text, text + start, strlen(text + start) + 1);
	text[strcspn(text, "\r\n")] = '\0';
	while (*text && strchr(" \t", text[strlen(text) - 1]))
		text[strlen(text) - 1] = '\0';
	if (*text)
		return text;
	free(text);
	return NULL;
}

static int same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

static char *dir_basename(const char *dir)
{
	char *copy = mx_strdup(dir), *base;

	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	base = mx_strdup(basename(copy));
	free(copy);
	return base;
}

void mx_read_kernel(struct mx_kernel *kn, const char *out)
{
	char *json = mx_slurp(kn->dir, "results.json");
	char *env = mx_slurp(kn->dir, "env.txt");
	char *uline;

	kn->release = json_top_str(json, "kernel");
	kn->uname = json_top_str(json, "uname");
	kn->profile = json_top_str(json, "profile");
	uline = env_line_after(env, "\n== uname -a");
	if (!kn->uname && uline)
		kn->uname = mx_strdup(uline);
	if (!kn->release && uline) {
		char rel[256] = "";

		sscanf(uline, "%*s %*s %255s", rel);
		kn->release = *rel ? mx_strdup(rel) : NULL;
	}
	if (!kn->release)
		kn->release = mx_strdup("?");
	if (!kn->uname)
		kn->uname = mx_strdup("");
	if (!kn->profile)
		kn->profile = mx_strdup("");
	kn->env = mx_intern(env);
	kn->label = read_label(kn->dir);
	if (!kn->label)
		kn->label = same_dir(kn->dir, out) ? mx_strdup(kn->release)
						   : dir_basename(kn->dir);
	free(uline);
	free(json);
	free(env);
}

/* Two columns of one label: the later is "label#N", N its column. */
void mx_unique_labels(struct mx_matrix *m)
{
	for (size_t k = 1; k < m->nkernels; k++) {
		for (size_t j = 0; j < k; j++) {
			if (strcmp(m->kernels[j].label, m->kernels[k].label))
				continue;
			char *l = mx_alloc(NULL, strlen(m->kernels[k].label) + 24);

			sprintf(l, "%s#%zu", m->kernels[k].label, k + 1);
			free(m->kernels[k].label);
			m->kernels[k].label = l;
			j = (size_t)-1;	/* compare again from the first */
		}
	}
}
