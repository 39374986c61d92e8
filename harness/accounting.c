// SPDX-License-Identifier: GPL-2.0
#include "accounting.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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
		if (strncmp(line, name, len) || (line[len] != ' ' && line[len] != ':' &&
						 line[len] != '\t'))
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

void acct_sample(struct acct_sample *s)
{
	s->has_pins = !refresh_vmstat() &&
		      !read_counter("/proc/vmstat", "nr_foll_pin_acquired", &s->pins_acquired) &&
		      !read_counter("/proc/vmstat", "nr_foll_pin_released", &s->pins_released);
	if (!s->has_pins)
		s->pins_acquired = s->pins_released = 0;
	if (read_counter("/proc/meminfo", "HugePages_Total", &s->huge_total) ||
	    read_counter("/proc/meminfo", "HugePages_Free", &s->huge_free))
		s->huge_total = s->huge_free = -1;
}

static long pins_held(const struct acct_sample *s)
{
	return s->pins_acquired - s->pins_released;
}

static long huge_in_use(const struct acct_sample *s)
{
	return s->huge_total - s->huge_free;
}

/*
 * io_uring fdinfo lists "UserBufs:\tN" then "    0: 0x7f12.../65536" per
 * buffer, but only when it got the ring's lock: -1 when it did not.
 */
static long uring_buf_bytes(const char *fdinfo)
{
	FILE *f = fopen(fdinfo, "re");
	char line[256];
	long total = -1, len;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "UserBufs:", 9))
			total = 0;
		else if (total >= 0 && sscanf(line, " %*u: 0x%*x/%ld", &len) == 1)
			total += len;
	}
	if (f)
		fclose(f);
	return total;
}

static void add_uring_buffers(long pid, struct acct_others *o)
{
	char dir[64], link[96], target[64], fdinfo[96];
	struct dirent *d;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
	fds = opendir(dir);
	while (fds && (d = readdir(fds))) {
		ssize_t n;
		long bytes = -1;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(link, sizeof(link), "%s/%ld", dir, atol(d->d_name));
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "anon_inode:[io_uring]"))
			continue;
		snprintf(fdinfo, sizeof(fdinfo), "/proc/%ld/fdinfo/%ld", pid, atol(d->d_name));
		for (int tries = 0; bytes < 0 && tries < 5; tries++)
			bytes = uring_buf_bytes(fdinfo);
		if (bytes < 0)
			o->uring_rings++;
		else
			o->uring_buf_bytes += bytes;
	}
	if (fds)
		closedir(fds);
}

/*
 * Adds what process pid holds to others, or to the case's when it is a
 * child of this runner (what the case left behind reparents to it).
 */
static void add_process(long pid, struct acct_others *others,
			struct acct_others *cases)
{
	struct acct_others *to = others;
	char path[64];
	long ppid, kb;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (pid == getpid() || read_counter(path, "PPid", &ppid))
		return;
	if (ppid == getpid())
		to = cases;
	if (!to)
		return;
	if (!read_counter(path, "HugetlbPages", &kb))
		to->hugetlb_kb += kb;
	add_uring_buffers(pid, to);
}

/* cases may be NULL. */
static void scan_processes(struct acct_others *others, struct acct_others *cases)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;

	memset(others, 0, sizeof(*others));
	if (cases)
		memset(cases, 0, sizeof(*cases));
	while (proc && (d = readdir(proc)))
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
			add_process(atol(d->d_name), others, cases);
	if (proc)
		closedir(proc);
}

/* What the runner's children hold: processes a case left behind. */
static void scan_children(struct acct_others *cases)
{
	char path[64];
	FILE *f;
	long pid;

	memset(cases, 0, sizeof(*cases));
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", getpid(), getpid());
	f = fopen(path, "re");
	while (f && fscanf(f, "%ld", &pid) == 1) {
		long kb;

		snprintf(path, sizeof(path), "/proc/%ld/status", pid);
		if (!read_counter(path, "HugetlbPages", &kb))
			cases->hugetlb_kb += kb;
		add_uring_buffers(pid, cases);
	}
	if (f)
		fclose(f);
}

void acct_others(struct acct_others *o)
{
	scan_processes(o, NULL);
}

static void pause_ms(long ms)
{
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	nanosleep(&t, NULL);
}

static int pool_moved(const struct acct_sample *a, const struct acct_sample *b)
{
	return a->huge_total != b->huge_total || a->huge_free != b->huge_free;
}

/* The end of the last check: from then until the next mark no case runs. */
static struct acct_sample idle_since;
static int have_idle_since;

void acct_mark(struct acct_mark *m)
{
	struct acct_sample after;

	if (!have_idle_since) {
		acct_sample(&idle_since);
		pause_ms(20);
	}
	acct_sample(&m->at);
	acct_others(&m->others);
	/* the scan of /proc takes a while: pins taken meanwhile (another
	 * process registering its buffers) are in neither picture */
	acct_sample(&after);
	m->pins_busy_before = m->at.pins_acquired != idle_since.pins_acquired ||
			      after.pins_acquired != m->at.pins_acquired;
	m->huge_busy_before = pool_moved(&m->at, &idle_since) ||
			      pool_moved(&after, &m->at);
}

/* What moved while the runner watched the counters after the case. */
struct settle {
	struct acct_sample first, now;
	int pool_moved;
	int late_activity;	/* pins taken or released while we watched longer */
};

static int back_to_mark(const struct acct_mark *m, const struct acct_sample *s)
{
	return pins_held(s) <= pins_held(&m->at) &&
	       (m->at.huge_total < 0 || huge_in_use(s) <= huge_in_use(&m->at));
}

static void settle(const struct acct_mark *m, double max_wait, struct settle *s)
{
	struct acct_sample prev;

	acct_sample(&s->first);
	s->now = s->first;
	s->pool_moved = 0;
	s->late_activity = 0;
	for (double waited = 0; !back_to_mark(m, &s->now) && waited < max_wait;
	     waited += 0.02) {
		pause_ms(20);
		prev = s->now;
		acct_sample(&s->now);
		s->pool_moved |= pool_moved(&prev, &s->now);
	}
}

/* Why growth of the pins may not be the case's, or NULL. */
static const char *pins_alibi(const struct acct_mark *m, const struct settle *s,
			      const struct acct_others *o,
			      const struct acct_others *left_behind)
{
	if (left_behind->uring_buf_bytes)
		return NULL;	/* the case's own processes hold them */
	if (m->pins_busy_before)
		return "pins were taken between cases";
	if (s->now.pins_acquired != s->first.pins_acquired)
		return "pins were taken after the case ended";
	if (s->late_activity)
		return "other pins were taken or released while the count stayed up";
	if (o->uring_buf_bytes != m->others.uring_buf_bytes)
		return "io_uring fixed buffers of other processes changed during the case";
	if (o->uring_rings)
		return "other processes' io_uring rings were too busy to read";
	return NULL;
}

static const char *huge_alibi(const struct acct_mark *m, const struct settle *s,
			      const struct acct_others *o,
			      const struct acct_others *left_behind)
{
	if (left_behind->hugetlb_kb)
		return NULL;
	if (m->huge_busy_before)
		return "the hugetlb pool moved between cases";
	if (s->pool_moved)
		return "the hugetlb pool moved after the case ended";
	if (o->hugetlb_kb != m->others.hugetlb_kb)
		return "other processes' hugetlb mappings changed during the case";
	return NULL;
}

static size_t pins_verdict(const struct acct_mark *m, const struct settle *s,
			   const struct acct_others *others,
			   const struct acct_others *left, char *report, size_t size,
			   int *n)
{
	long before = pins_held(&m->at), after = pins_held(&s->now);
	const char *alibi = pins_alibi(m, s, others, left);

	if (!m->at.has_pins || (after <= before && !left->uring_buf_bytes))
		return 0;
	if (alibi)
		return snprintf(report, size,
				"system-wide page pins held went from %ld to %ld during the case, not charged to it: %s\n",
				before, after, alibi);
	++*n;
	if (!left->uring_buf_bytes)
		return snprintf(report, size,
				"page pins held (nr_foll_pin_acquired - nr_foll_pin_released): %ld before the case, %ld after\n",
				before, after);
	return snprintf(report, size,
			"page pins held by processes the case left behind: %ld bytes of io_uring fixed buffers (system-wide %ld before the case, %ld after)\n",
			left->uring_buf_bytes, before, after);
}

static size_t huge_verdict(const struct acct_mark *m, const struct settle *s,
			   const struct acct_others *others,
			   const struct acct_others *left, char *report, size_t size,
			   int *n)
{
	long before = huge_in_use(&m->at), after = huge_in_use(&s->now);
	const char *alibi = huge_alibi(m, s, others, left);

	if (m->at.huge_total < 0 || (after <= before && !left->hugetlb_kb))
		return 0;
	if (alibi)
		return snprintf(report, size,
				"system-wide hugetlb pages in use went from %ld to %ld during the case, not charged to it: %s\n",
				before, after, alibi);
	++*n;
	return snprintf(report, size,
			"hugetlb pages in use (HugePages_Total - HugePages_Free): %ld before the case, %ld after%s\n",
			before, after, left->hugetlb_kb ?
			"; processes the case left behind map hugetlb pages" : "");
}

/*
 * Pins nobody visibly holds, on a machine that looks quiet: another
 * process's I/O may still be in flight (a read its server holds, a stuck
 * device), taking no new pins while it waits. A leak stays; such pins go
 * when that I/O ends. Watches a while longer before charging the case.
 */
#define LONG_WATCH_SECONDS 10.0

static void watch_longer(const struct acct_mark *m, struct settle *s)
{
	struct acct_sample start = s->now;

	for (double waited = 0; waited < LONG_WATCH_SECONDS; waited += 0.05) {
		pause_ms(50);
		acct_sample(&s->now);
		if (pins_held(&s->now) <= pins_held(&m->at))
			return;
		if (s->now.pins_acquired != start.pins_acquired ||
		    s->now.pins_released != start.pins_released) {
			s->late_activity = 1;
			return;
		}
	}
}

int acct_check(const struct acct_mark *m, double max_wait, char *report,
	       size_t size)
{
	struct acct_others others, left_behind;
	struct settle s;
	size_t used;
	int n = 0;

	report[0] = '\0';
	settle(m, max_wait, &s);
	scan_children(&left_behind);
	if (back_to_mark(m, &s.now) && !left_behind.uring_buf_bytes &&
	    !left_behind.hugetlb_kb)
		return 0;
	scan_processes(&others, NULL);
	if (pins_held(&s.now) > pins_held(&m->at) && !left_behind.uring_buf_bytes &&
	    !pins_alibi(m, &s, &others, &left_behind)) {
		watch_longer(m, &s);
		if (back_to_mark(m, &s.now) && !left_behind.hugetlb_kb)
			return 0;
	}
	used = pins_verdict(m, &s, &others, &left_behind, report, size, &n);
	if (used < size)
		huge_verdict(m, &s, &others, &left_behind, report + used, size - used, &n);
	return n;
}

void acct_idle_start(void)
{
	acct_sample(&idle_since);
	have_idle_since = 1;
}
