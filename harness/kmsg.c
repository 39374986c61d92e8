// SPDX-License-Identifier: GPL-2.0
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const complaints[] = {
	"WARNING:", "BUG:", "kernel BUG", "Oops", "general protection fault",
	"Kernel panic", "list_del corruption", "list_add corruption",
	"UBSAN:", "KASAN:", "KFENCE:", "refcount_t:", "Bad page",
	"page dumped because", "soft lockup", "hung_task", "RCU stall",
};

static unsigned long read_taint(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "re");
	unsigned long t = 0;

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

int kmsg_is_complaint(const char *line)
{
	for (size_t i = 0; i < sizeof(complaints) / sizeof(complaints[0]); i++)
		if (strstr(line, complaints[i]))
			return 1;
	return 0;
}

void kmsg_mark(struct kmsg_mark *m)
{
	m->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (m->fd >= 0)
		lseek(m->fd, 0, SEEK_END);
	m->taint = read_taint();
}

static void append(char *report, size_t size, const char *text)
{
	size_t used = strlen(report);

	if (used + 1 < size)
		snprintf(report + used, size - used, "%s\n", text);
}

int kmsg_check(struct kmsg_mark *m, char *report, size_t size)
{
	char rec[8192];
	unsigned long taint = read_taint();
	int found = 0;

	report[0] = '\0';
	while (m->fd >= 0) {
		ssize_t n = read(m->fd, rec, sizeof(rec) - 1);
		char *msg;

		if (n < 0 && errno == EPIPE)	/* records overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (kmsg_is_complaint(msg) && found++ < 4)
			append(report, size, msg);
	}
	if (taint & ~m->taint) {
		char line[96];

		snprintf(line, sizeof(line), "kernel taint changed: %lu -> %lu",
			 m->taint, taint);
		append(report, size, line);
		found++;
	}
	return found;
}

void kmsg_release(struct kmsg_mark *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}
