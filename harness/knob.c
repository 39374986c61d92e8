// SPDX-License-Identifier: GPL-2.0
#include "knob.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_NAME "knobs.journal"
#define MAX_ENTRIES 256
#define UNDO_MARK "!undo"	/* journal lines that hold a command, not a path */
#define HELD_MARK "!undo@"	/* ... held by the process whose pid follows */

struct knob_entry {
	char path[256];
	char value[256];
};

const char *knob_state_dir(void)
{
	const char *dir = getenv("PINFORK_STATE_DIR");

	return dir && *dir ? dir : "/var/tmp/pinfork";
}

static void journal_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", knob_state_dir(), JOURNAL_NAME);
}

/* "always [madvise] never" -> "madvise"; anything else: first line. */
static void selected_word(char *s)
{
	char *open = strchr(s, '['), *close = open ? strchr(open, ']') : NULL;

	if (open && close) {
		memmove(s, open + 1, close - open - 1);
		s[close - open - 1] = '\0';
		return;
	}
	s[strcspn(s, "\n")] = '\0';
}

int knob_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	selected_word(buf);
	return 0;
}

long knob_read_long(const char *path)
{
	char v[64];

	return knob_read(path, v, sizeof(v)) ? -1 : strtol(v, NULL, 10);
}

static int write_value(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

static sigset_t unlocked_mask;	/* the signal mask before journal_open() */

/*
 * The signals whose handlers restore: held off while the journal is locked,
 * or a handler restoring in the middle would wait for its own lock forever.
 */
static void block_restoring_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &unlocked_mask);
}

/*
 * Opens and locks the journal. A restore unlinks it under the lock, so after
 * taking the lock make sure the file we hold is still the one at the path.
 */
static int journal_open(int flags)
{
	char path[512];
	struct stat held, named;

	mkdir(knob_state_dir(), 0700);
	journal_path(path, sizeof(path));
	block_restoring_signals();
	for (;;) {
		int fd = open(path, flags | O_CLOEXEC, 0600);

		if (fd < 0) {
			int err = errno;

			sigprocmask(SIG_SETMASK, &unlocked_mask, NULL);
			errno = err;
			return fd;
		}
		flock(fd, LOCK_EX);
		if (!fstat(fd, &held) && !stat(path, &named) &&
		    held.st_ino == named.st_ino && held.st_dev == named.st_dev)
			return fd;
		close(fd);
	}
}

/* Unlocks the journal; a signal that came meanwhile is handled now. */
static void journal_close(int fd)
{
	close(fd);
	sigprocmask(SIG_SETMASK, &unlocked_mask, NULL);
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int journal_load(int fd, struct knob_entry *e, int max)
{
	FILE *f = fdopen(dup(fd), "r");
	char line[600];
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');

		if (!tab)
			continue;
		*tab = '\0';
		tab[1 + strcspn(tab + 1, "\n")] = '\0';
		copy_str(e[n].path, sizeof(e[n].path), line);
		copy_str(e[n].value, sizeof(e[n].value), tab + 1);
		n++;
	}
	fclose(f);
	return n;
}

static int journaled(const struct knob_entry *e, int n, const char *path)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(e[i].path, path))
			return 1;
	return 0;
}

int knob_set(const char *path, const char *value)
{
	static struct knob_entry e[MAX_ENTRIES];
	char old[256];
	int fd, n, err;

	/* read, journal and write under the lock: a concurrent restore must
	 * not slip in between and make us journal its victim's value */
	fd = journal_open(O_RDWR | O_CREAT | O_APPEND);
	if (fd < 0)
		return -errno;
	err = knob_read(path, old, sizeof(old));
	if (!err) {
		n = journal_load(fd, e, MAX_ENTRIES);
		if (!journaled(e, n, path)) {
			dprintf(fd, "%s\t%s\n", path, old);
			fsync(fd);
		}
		err = write_value(path, value);
	}
	journal_close(fd);
	return err;
}

static int journal_undo(const char *mark, const char *cmd)
{
	int fd = journal_open(O_RDWR | O_CREAT | O_APPEND);

	if (fd < 0)
		return -errno;
	dprintf(fd, "%s\t%s\n", mark, cmd);
	fsync(fd);
	journal_close(fd);
	return 0;
}

int knob_undo_cmd(const char *cmd)
{
	return journal_undo(UNDO_MARK, cmd);
}

int knob_undo_cmd_held(const char *cmd)
{
	char mark[32];

	snprintf(mark, sizeof(mark), "%s%d", HELD_MARK, (int)getpid());
	return journal_undo(mark, cmd);
}

static int is_undo(const struct knob_entry *e)
{
	return !strncmp(e->path, UNDO_MARK, strlen(UNDO_MARK));
}

/* The holder of a held change, or 0 when the entry is not held. */
static pid_t holder(const struct knob_entry *e)
{
	if (strncmp(e->path, HELD_MARK, strlen(HELD_MARK)))
		return 0;
	return (pid_t)strtol(e->path + strlen(HELD_MARK), NULL, 10);
}

static int alive(pid_t pid)
{
	return pid > 0 && (!kill(pid, 0) || errno == EPERM);
}

/* What a restore undoes, beyond the changes nobody holds. */
enum restore_mode {
	RESTORE_KEEP_HELD,	/* keeps every live holder's, this process's too */
	RESTORE_FINAL,		/* keeps only other live holders' */
	RESTORE_OWN_HELD,	/* undoes only this process's held changes */
	RESTORE_FORCED,		/* undoes everything */
};

static int kept(const struct knob_entry *e, enum restore_mode mode)
{
	pid_t pid = holder(e);

	switch (mode) {
	case RESTORE_KEEP_HELD:
		return alive(pid);
	case RESTORE_FINAL:
		return pid != getpid() && alive(pid);
	case RESTORE_OWN_HELD:
		return pid != getpid();
	default:
		return 0;
	}
}

static int undo(const struct knob_entry *e)
{
	if (is_undo(e))
		return system(e->value) == 0 ? 0 : -1;
	return write_value(e->path, e->value);
}

/* Leaves only the kept entries in the journal (fd, locked). */
static void journal_keep(int fd, const struct knob_entry *e, int n,
			 const char *keep)
{
	if (ftruncate(fd, 0))
		return;
	lseek(fd, 0, SEEK_SET);
	for (int i = 0; i < n; i++)
		if (keep[i])
			dprintf(fd, "%s\t%s\n", e[i].path, e[i].value);
	fsync(fd);
}

static int restore(enum restore_mode mode)
{
	static struct knob_entry e[MAX_ENTRIES];
	static char keep[MAX_ENTRIES];
	char path[512];
	int fd, n, failed = 0, nkept = 0;

	journal_path(path, sizeof(path));
	if (access(path, F_OK))
		return 0;
	fd = journal_open(O_RDWR);
	if (fd < 0)
		return 0;
	n = journal_load(fd, e, MAX_ENTRIES);
	for (int i = n - 1; i >= 0; i--) {
		keep[i] = kept(&e[i], mode);
		nkept += keep[i];
		/* only the first journaled value of a path is the original */
		if (keep[i] || (!is_undo(&e[i]) && journaled(e, i, e[i].path)))
			continue;
		if (undo(&e[i])) {
			fprintf(stderr, "pinfork: cannot restore %s to %s\n",
				e[i].path, e[i].value);
			failed++;
		}
	}
	if (!failed && !nkept)
		unlink(path);
	else if (!failed)
		journal_keep(fd, e, n, keep);
	journal_close(fd);
	return failed;
}

int knob_restore_all(void)
{
	return restore(RESTORE_KEEP_HELD);
}

int knob_restore_final(void)
{
	return restore(RESTORE_FINAL);
}

int knob_release_held(void)
{
	return restore(RESTORE_OWN_HELD);
}

int knob_restore_forced(void)
{
	return restore(RESTORE_FORCED);
}

static void restore_atexit(void)
{
	knob_restore_final();
}

static void restore_on_signal(int sig)
{
	knob_restore_final();
	signal(sig, SIG_DFL);
	raise(sig);
}

void knob_restore_on_exit(void)
{
	static int installed;

	if (installed++)
		return;
	atexit(restore_atexit);
	signal(SIGINT, restore_on_signal);
	signal(SIGTERM, restore_on_signal);
}
