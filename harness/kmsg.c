// SPDX-License-Identifier: GPL-2.0
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * How long after a case's end a kernel log line is still its own. The
 * case's own syscalls log synchronously (printk stores the record before it
 * returns); what runs after the case's exit is deferred work, and the one
 * that matters most here, io_uring's ring teardown (io_ring_exit_work, which
 * unpins the fixed buffers), has already run when the accounting check
 * before this wait saw the pins given back.
 */
#define DEFAULT_GRACE_SECONDS 0.01

/* A complaint: the message contains what, and also and_also when set. */
struct complaint {
	const char *what;
	const char *and_also;
};

/* The formats as the kernel prints them (see the self-test for examples). */
static const struct complaint complaints[] = {
	{ "WARNING:", NULL },		/* WARN(): "WARNING: CPU: 1 PID: 2 at mm/gup.c:..." */
	{ "BUG:", NULL },		/* Bad page state, KASAN, KFENCE, soft lockup, NULL deref */
	{ "kernel BUG at", NULL },	/* BUG_ON(): "kernel BUG at mm/memory.c:123!" */
	{ "Oops", NULL },
	{ "general protection fault", NULL },
	{ "Kernel panic", NULL },
	{ "list_del corruption", NULL },
	{ "list_add corruption", NULL },
	{ "UBSAN:", NULL },
	{ "KASAN:", NULL },
	{ "KFENCE:", NULL },
	{ "refcount_t:", NULL },
	{ "Bad page", NULL },		/* "Bad page state", "Bad page map" */
	{ "page dumped because", NULL },
	{ "detected stall", NULL },	/* "rcu: INFO: rcu_preempt detected stalls", "self-detected stall" */
	{ "INFO: task ", " blocked for more than" },	/* hung task */
};

/*
 * The kernel also reports faults of user programs ("traps: prog[123]
 * general protection fault ip:...", "prog[123]: segfault at 0 ip ...");
 * those are the program's bugs, not the kernel's.
 */
static int user_fault(const char *msg)
{
	return !strncmp(msg, "traps: ", 7) || strstr(msg, "]: segfault at ");
}

int kmsg_is_complaint(const char *msg)
{
	if (user_fault(msg))
		return 0;
	for (size_t i = 0; i < sizeof(complaints) / sizeof(complaints[0]); i++) {
		const struct complaint *c = &complaints[i];

		if (strstr(msg, c->what) && (!c->and_also || strstr(msg, c->and_also)))
			return 1;
	}
	return 0;
}

double kmsg_grace_seconds(void)
{
	const char *env = getenv("PINFORK_KMSG_GRACE");

	return env && *env ? atof(env) : DEFAULT_GRACE_SECONDS;
}

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

/* For run.sh's env.txt: $PINFORK_ENV_NOTES names a file to append to. */
static void env_note(const char *note)
{
	const char *path = getenv("PINFORK_ENV_NOTES");
	FILE *f = path && *path ? fopen(path, "ae") : NULL;

	if (!f)
		return;
	fprintf(f, "%s\n", note);
	fclose(f);
}

static void say_unreadable_once(int err)
{
	static int said;
	char note[256];

	if (said++)
		return;
	snprintf(note, sizeof(note),
		 "kernel log: cannot read /dev/kmsg (%s%s): the kernel-log oracle checks only the taint flags",
		 strerror(err),
		 err == EPERM || err == EACCES ? "; kernel.dmesg_restrict=1? run as root" : "");
	printf("# %s\n", note);
	fflush(stdout);
	env_note(note);
}

void kmsg_mark(struct kmsg_mark *m)
{
	m->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (m->fd >= 0)
		lseek(m->fd, 0, SEEK_END);
	else
		say_unreadable_once(errno);
	m->taint = read_taint();
}

static void append(char *report, size_t size, const char *text)
{
	size_t used = strlen(report);

	if (used + 1 < size)
		snprintf(report + used, size - used, "%s\n", text);
}

/* A line userspace wrote: is it a self-test's line meant for this case? */
static int injected_for_case(const char *msg, const char *case_name)
{
	const char *tag = strstr(msg, "[pinfork-case=");
	size_t len;

	/* untagged: another run's self-test on a shared machine, never ours */
	if (!tag)
		return 0;
	tag += strlen("[pinfork-case=");
	len = strcspn(tag, "]");
	return case_name && len == strlen(case_name) && !strncmp(tag, case_name, len);
}

/*
 * A record is "prio,seq,usec,flags;message" then " KEY=value" lines.
 * prio is facility << 3 | level; the kernel forces facility LOG_USER (1)
 * on what userspace writes, so facility 0 is the kernel's own.
 */
static int record_counts(char *rec, const char *case_name, const char **msg)
{
	char *semi = strchr(rec, ';');
	long prio = strtol(rec, NULL, 10);

	*msg = semi ? semi + 1 : rec;
	rec[strcspn(rec, "\n")] = '\0';
	if (!kmsg_is_complaint(*msg))
		return 0;
	return (prio >> 3) == 0 || injected_for_case(*msg, case_name);
}

int kmsg_check(struct kmsg_mark *m, const char *case_name, char *report,
	       size_t size)
{
	char rec[8192];
	unsigned long taint = read_taint();
	int found = 0;

	report[0] = '\0';
	while (m->fd >= 0) {
		ssize_t n = read(m->fd, rec, sizeof(rec) - 1);
		const char *msg;

		if (n < 0 && errno == EPIPE)	/* records overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (record_counts(rec, case_name, &msg) && found++ < 4)
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
