// SPDX-License-Identifier: GPL-2.0
#include "accounting.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Reads "name value" or "name: value" lines of a /proc file. */
static int read_counter(const char *path, const char *name, long *value)
{
	FILE *f = fopen(path, "re");
	size_t len = strlen(name);
	char line[256];
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, len) || (line[len] != ' ' && line[len] != ':'))
			continue;
		found = sscanf(line + len + 1, " %ld", value) == 1;
	}
	if (f)
		fclose(f);
	return found ? 0 : -1;
}

/*
 * vmstat counters are per-CPU and folded lazily, so /proc/vmstat can be
 * off by a few dozen; stat_refresh (root) folds them now.
 */
static int refresh_vmstat(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, "1", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

void acct_mark(struct acct_mark *m)
{
	long acquired, released;

	m->has_pins = !refresh_vmstat() &&
		      !read_counter("/proc/vmstat", "nr_foll_pin_acquired", &acquired) &&
		      !read_counter("/proc/vmstat", "nr_foll_pin_released", &released);
	m->pins_held = m->has_pins ? acquired - released : 0;
	if (read_counter("/proc/meminfo", "HugePages_Total", &m->huge_total) ||
	    read_counter("/proc/meminfo", "HugePages_Free", &m->huge_free))
		m->huge_total = m->huge_free = -1;
}

static int differences(const struct acct_mark *before,
		       const struct acct_mark *now, char *report, size_t size)
{
	int n = 0;
	size_t used = 0;

	report[0] = '\0';
	/* only growth is this case's doing: a drop is an earlier leak ending */
	if (before->has_pins && now->pins_held > before->pins_held) {
		used += snprintf(report + used, size - used,
				 "page pins held (nr_foll_pin_acquired - nr_foll_pin_released): %ld before the case, %ld after\n",
				 before->pins_held, now->pins_held);
		n++;
	}
	if (before->huge_total >= 0 && used < size &&
	    (now->huge_total > before->huge_total ||
	     now->huge_free < before->huge_free)) {
		snprintf(report + used, size - used,
			 "hugetlb pool: total/free %ld/%ld before the case, %ld/%ld after\n",
			 before->huge_total, before->huge_free, now->huge_total,
			 now->huge_free);
		n++;
	}
	return n;
}

int acct_check(const struct acct_mark *m, double max_wait, char *report,
	       size_t size)
{
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	struct acct_mark now;
	int n;

	for (double waited = 0;; waited += 0.02) {
		acct_mark(&now);
		n = differences(m, &now, report, size);
		if (!n || waited >= max_wait)
			return n;
		nanosleep(&pause, NULL);
	}
}
