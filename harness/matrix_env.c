// SPDX-License-Identifier: GPL-2.0
/*
 * What the matrix says of a kernel's environment (its results folder's
 * env.txt, "== section" blocks of "path:value" lines): the THP, mTHP, KSM,
 * hugetlb and swap settings in one line, and the kernel config lines.
 */
#include "matrix.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define THP "/sys/kernel/mm/transparent_hugepage/"

/* The value of the env.txt line starting with key, or NULL. */
static const char *value_of(const char *env, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *s = env; s && *s; s += strcspn(s, "\n"), s += *s == '\n') {
		if (strncmp(s, key, klen))
			continue;
		*len = strcspn(s + klen, "\n");
		return s + klen;
	}
	return NULL;
}

/* "always [madvise] never" -> "madvise"; a plain value as it is. */
static void chosen(const char *v, size_t len, char *buf, size_t size)
{
	const char *open = memchr(v, '[', len);
	const char *close = open ? memchr(open, ']', len - (open - v)) : NULL;

	if (open && close) {
		v = open + 1;
		len = close - v;
	}
	while (len && (*v == ' ' || *v == '\t'))
		v++, len--;
	snprintf(buf, size, "%.*s", (int)len, v);
}

static void add(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

static void add_setting(char *buf, size_t size, const char *env,
			const char *key, const char *label)
{
	char val[128];
	size_t len;
	const char *v = value_of(env, key, &len);

	if (!v)
		return;
	chosen(v, len, val, sizeof(val));
	add(buf, size, "%s%s=%s", *buf ? " " : "", label, val);
}

/* mTHP sizes not set to never: "mthp=16kB:always,2048kB:inherit". */
static void add_mthp(char *buf, size_t size, const char *env)
{
	const char *key = THP "hugepages-";
	int first = 1;

	for (const char *s = env; s && *s; s += strcspn(s, "\n"), s += *s == '\n') {
		char sz[32], val[64];
		const char *v;
		int end = 0;

		if (strncmp(s, key, strlen(key)) ||
		    sscanf(s + strlen(key), "%31[0-9kMGB]/enabled:%n", sz, &end) != 1 || !end)
			continue;
		v = strchr(s, ':') + 1;
		chosen(v, strcspn(v, "\n"), val, sizeof(val));
		if (!strcmp(val, "never"))
			continue;
		add(buf, size, "%s%s:%s", first ? " mthp=" : ",", sz, val);
		first = 0;
	}
}

void mx_env_summary(const char *env, char *buf, size_t size)
{
	*buf = '\0';
	if (!env || !*env)
		return;
	add_setting(buf, size, env, THP "enabled:", "thp");
	add_setting(buf, size, env, THP "defrag:", "defrag");
	add_setting(buf, size, env, THP "shmem_enabled:", "shmem_thp");
	add_mthp(buf, size, env);
	add_setting(buf, size, env, "/sys/kernel/mm/ksm/run:", "ksm");
	add_setting(buf, size, env, "/proc/sys/vm/nr_hugepages:", "hugepages");
	add_setting(buf, size, env, "SwapTotal:", "swap");
	add_setting(buf, size, env, "cpus:", "cpus");
}

/* "environment": {"summary": "...", "config": ["CONFIG_...", ...]} */
void mx_env_json(FILE *f, const char *env)
{
	char summary[1024];
	const char *cfg = env ? strstr(env, "== kernel config\n") : NULL;
	int first = 1;

	mx_env_summary(env, summary, sizeof(summary));
	fputs("{\"summary\": ", f);
	mx_json_str(f, summary);
	fputs(", \"config\": [", f);
	for (const char *s = cfg ? strchr(cfg, '\n') + 1 : ""; *s && strncmp(s, "== ", 3);
	     s += strcspn(s, "\n"), s += *s == '\n') {
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)strcspn(s, "\n"), s);
		if (!*line)
			continue;
		fputs(first ? "" : ", ", f);
		mx_json_str(f, line);
		first = 0;
	}
	fputs("]}", f);
}
