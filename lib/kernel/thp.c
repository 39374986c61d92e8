// SPDX-License-Identifier: GPL-2.0
#include "thp.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "knob.h"

size_t pf_thp_size(void)
{
	static size_t size;
	FILE *f;

	if (size)
		return size;
	f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "re");
	if (!f || fscanf(f, "%zu", &size) != 1)
		size = 2u << 20;
	if (f)
		fclose(f);
	return size;
}

static int knob_allows(const char *value, int inherit_ok)
{
	return !strcmp(value, "always") || !strcmp(value, "madvise") ||
	       (inherit_ok && !strcmp(value, "inherit"));
}

static enum pf_result allow_knob(const char *path, int inherit_ok)
{
	char value[64];
	int err;

	if (knob_read(path, value, sizeof(value)))
		return pf_skip("THP not supported: %s unreadable", path);
	if (knob_allows(value, inherit_ok))
		return PF_PASS;
	if (geteuid())
		return pf_skip("%s is %s and changing it needs root", path, value);
	err = knob_set(path, "madvise");
	if (err)
		return pf_skip("cannot set %s to madvise: %s", path, strerror(-err));
	pf_diag("set %s from %s to madvise (restored after the case)", path, value);
	return PF_PASS;
}

enum pf_result pf_thp_allow(size_t size)
{
	char path[256];
	enum pf_result r;

	r = allow_knob(PF_THP_SYSFS "/enabled", 0);
	if (r != PF_PASS || !size || size == pf_thp_size())
		return r;
	snprintf(path, sizeof(path), PF_THP_SYSFS "/hugepages-%zukB/enabled",
		 size >> 10);
	if (access(path, F_OK))
		return pf_skip("no %zu KiB mTHP support (%s missing)", size >> 10, path);
	return allow_knob(path, 1);
}
