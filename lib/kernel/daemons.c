// SPDX-License-Identifier: GPL-2.0
/* ksmd and khugepaged driven through journaled knobs (daemons.h). */

#include "daemons.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "knob.h"
#include "thp.h"

#define KSM_DIR "/sys/kernel/mm/ksm"
#define KHUGEPAGED_DIR PF_THP_SYSFS "/khugepaged"
#define SCANS_AT_LEAST 2	/* a page must look the same twice to merge */
#define SCANS_AT_MOST 6

struct knob_value {
	const char *path;
	const char *value;
};

static enum pf_result set_knobs(const struct knob_value *kv, size_t n)
{
	if (geteuid())
		return pf_skip("driving %s needs root", kv[0].path);
	for (size_t i = 0; i < n; i++) {
		int err = knob_set(kv[i].path, kv[i].value);

		if (err)
			return pf_skip("cannot set %s to %s: %s", kv[i].path,
				       kv[i].value, strerror(-err));
	}
	return PF_PASS;
}

static long wait_scans(const char *counter, int (*done)(void *), void *arg,
		       double seconds)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	double deadline = pf_now() + seconds;
	long first = knob_read_long(counter), seen = 0;

	while (pf_now() < deadline) {
		seen = knob_read_long(counter) - first;
		if (seen >= SCANS_AT_MOST ||
		    (seen >= SCANS_AT_LEAST && (!done || done(arg))))
			break;
		nanosleep(&pause, NULL);
	}
	return seen;
}

enum pf_result pf_ksm_start(void)
{
	static const struct knob_value kv[] = {
		{ KSM_DIR "/pages_to_scan", "10000" },
		{ KSM_DIR "/sleep_millisecs", "0" },
		{ KSM_DIR "/run", "1" },
	};

	return set_knobs(kv, sizeof(kv) / sizeof(kv[0]));
}

long pf_ksm_wait(int (*done)(void *arg), void *arg, double seconds)
{
	return wait_scans(KSM_DIR "/full_scans", done, arg, seconds);
}

void pf_ksm_diag(void)
{
	FILE *f = fopen("/proc/self/ksm_stat", "re");
	char line[128];

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "merging_pages") || strstr(line, "rmap_items"))
			pf_diag("ksm_stat %s", line);
	}
	if (f)
		fclose(f);
	pf_diag("ksm pages_sharing (all processes) %ld",
		knob_read_long(KSM_DIR "/pages_sharing"));
}

enum pf_result pf_khugepaged_start(void)
{
	static const struct knob_value kv[] = {
		{ KHUGEPAGED_DIR "/pages_to_scan", "65536" },
		{ KHUGEPAGED_DIR "/scan_sleep_millisecs", "0" },
		{ KHUGEPAGED_DIR "/alloc_sleep_millisecs", "0" },
	};

	if (access(KHUGEPAGED_DIR "/full_scans", F_OK))
		return pf_skip("no khugepaged (%s missing)", KHUGEPAGED_DIR);
	return set_knobs(kv, sizeof(kv) / sizeof(kv[0]));
}

long pf_khugepaged_wait(int (*done)(void *arg), void *arg, double seconds)
{
	return wait_scans(KHUGEPAGED_DIR "/full_scans", done, arg, seconds);
}
