// SPDX-License-Identifier: GPL-2.0
/*
 * Runs one case in its own process group, forwards what it prints as '#'
 * lines, kills the whole group when its time is up, restores any knob it
 * changed and checks the kernel log it left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accounting.h"
#include "case_shared.h"
#include "kmsg.h"
#include "knob.h"
#include "run_lock.h"
#include "runner.h"

#define DEFAULT_TIMEOUT 30

static volatile sig_atomic_t current_group;

static void on_signal(int sig)
{
	if (current_group > 0)
		kill(-current_group, SIGKILL);
	knob_restore_final();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signal_handlers(void)
{
	static int done;

	if (done++)
		return;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	/* what a case leaves outside its process group reparents to us: its
	 * pins are still the case's, and we can end it */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

/*
 * Runs the template's function inside the run of each of the case's rows
 * that has one (a backing sets up its region around it), in dimension order.
 */
static enum pf_result enter_rows(struct pf_ctx *ctx)
{
	const struct pf_tables *tables = ctx->c->tables;

	while (ctx->rows_entered < PF_DIMS) {
		int d = ctx->rows_entered++;
		const struct pf_row *row = ctx->c->row[d];

		if (row && tables->dim[d].run)
			return tables->dim[d].run(row, ctx, enter_rows);
	}
	return ctx->c->t->run(ctx);
}

static enum pf_result case_body(const struct pf_case *c,
				const struct pf_options *o)
{
	const struct pf_row *event = c->row[PF_DIM_EVENT];
	const struct pf_row *pin = c->row[PF_DIM_PIN];
	struct pf_ctx ctx = {
		.c = c,
		.event = event ? event->row : NULL,
		.pin = pin ? pin->row : NULL,
		.race_seconds = o->race_seconds,
		.arg = c->t->arg,
	};

	return enter_rows(&ctx);
}

/* The case dies with its runner, even though it leads its own group. */
static void die_with_runner(pid_t runner)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != runner)	/* the runner died before prctl */
		_exit(PF_ERROR);
}

static void child_main(const struct pf_case *c, const struct pf_options *o,
		       int out_fd, pid_t runner)
{
	enum pf_result r;

	pf_case_clock_start();
	die_with_runner(runner);
	run_lock_close_in_child();
	setpgid(0, 0);
	/* tells LD_PRELOAD fault injectors (check/) which forks are the case's */
	setenv("PINFORK_CASE", c->name, 1);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	dup2(out_fd, STDOUT_FILENO);
	dup2(out_fd, STDERR_FILENO);
	close(out_fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
	knob_restore_on_exit();
	r = case_body(c, o);
	fflush(stdout);
	exit(r);	/* exit, not _exit: atexit restores knobs */
}

/* Forwards complete lines from the case, each as a '#' line. */
struct line_buf {
	char buf[8192];
	size_t len;
};

/* The case's diagnostics, kept for the records (JUnit failure text). */
static char case_log[4096];
static size_t case_log_len;

const char *pf_case_log(void)
{
	return case_log;
}

void pf_case_log_clear(void)
{
	case_log[0] = '\0';
	case_log_len = 0;
}

static void keep_line(const char *s, size_t len)
{
	if (len && s[0] == '#')
		s++, len--;
	while (len && *s == ' ')
		s++, len--;
	if (case_log_len + len + 2 >= sizeof(case_log))
		return;
	memcpy(case_log + case_log_len, s, len);
	case_log_len += len;
	case_log[case_log_len++] = '\n';
	case_log[case_log_len] = '\0';
}

static void emit_line(const char *s, size_t len)
{
	keep_line(s, len);
	if (len && s[0] == '#')
		printf("%.*s\n", (int)len, s);
	else
		printf("# %.*s\n", (int)len, s);
}

static void forward(struct line_buf *lb, int fd, int flush)
{
	ssize_t n = read(fd, lb->buf + lb->len, sizeof(lb->buf) - lb->len);
	char *nl;

	if (n > 0)
		lb->len += n;
	while ((nl = memchr(lb->buf, '\n', lb->len))) {
		size_t l = nl - lb->buf;

		emit_line(lb->buf, l);
		memmove(lb->buf, nl + 1, lb->len - l - 1);
		lb->len -= l + 1;
	}
	if (lb->len && (flush || lb->len == sizeof(lb->buf))) {
		emit_line(lb->buf, lb->len);
		lb->len = 0;
	}
	fflush(stdout);
}

static int case_timeout(const struct pf_case *c, const struct pf_options *o)
{
	int t = c->t->timeout ? c->t->timeout : DEFAULT_TIMEOUT;

	if (c->t->groups & PF_GROUP_RACE)
		t += (int)o->race_seconds;
	return o->timeout ? o->timeout : t;
}

static void reap_zombies(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Kills a process group and waits (a second at most) until it is gone. */
static void kill_group(pid_t pgid)
{
	double deadline = pf_now() + 1;

	while (kill(-pgid, SIGKILL) == 0 && pf_now() < deadline) {
		reap_zombies();	/* as subreaper, its members' zombies are ours */
		usleep(1000);
	}
}

/* Kills the runner's children; how many there were. */
static int kill_children(void)
{
	char path[64];
	FILE *f;
	int pid, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", getpid(), getpid());
	f = fopen(path, "re");
	while (f && fscanf(f, "%d", &pid) == 1) {
		kill(pid, SIGKILL);
		n++;
	}
	if (f)
		fclose(f);
	return n;
}

/*
 * Ends what the case left outside its group (setsid, double fork): as
 * subreaper we inherit it, and its own children once it dies.
 */
static void kill_leftovers(void)
{
	double deadline = pf_now() + 1;
	int first, n;

	reap_zombies();	/* a daemon that already ended is not left behind */
	first = n = kill_children();

	while (n && pf_now() < deadline) {
		reap_zombies();
		usleep(1000);
		n = kill_children();
	}
	reap_zombies();
	if (first)
		printf("# killed %d process(es) the case left outside its process group\n", first);
}

/* Waits for the child, forwarding its output; -1 on timeout. */
static int wait_child(pid_t pid, int fd, int timeout, int *status)
{
	double deadline = pf_now() + timeout;
	struct line_buf lb = { .len = 0 };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc = 0;

	for (;;) {
		if (poll(&p, 1, 20) > 0)
			forward(&lb, fd, 0);
		if (waitpid(pid, status, WNOHANG) == pid)
			break;
		if (pf_now() > deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			rc = -1;
			break;
		}
	}
	kill_group(pid);	/* whatever the case left behind */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
		size_t before = lb.len;

		forward(&lb, fd, 0);
		if (lb.len == before)
			break;
	}
	forward(&lb, fd, 1);
	return rc;
}

static enum tap_status status_of(int rc, int status, int timeout,
				 char *reason, size_t size)
{
	if (rc < 0) {
		snprintf(reason, size, "%d seconds", timeout);
		return TAP_TIMEOUT;
	}
	if (WIFSIGNALED(status)) {
		snprintf(reason, size, "case process killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
		return TAP_ERROR;
	}
	switch (WEXITSTATUS(status)) {
	case PF_PASS:
		return TAP_PASS;
	case PF_FAIL:
		return TAP_FAIL;
	case PF_SKIP:
		return TAP_SKIP;
	case PF_ERROR:
		return TAP_ERROR;
	case PF_XFAIL:
		return TAP_XFAIL;	/* pf_main: XFAIL only on the known backings */
	default:
		snprintf(reason, size, "case process exited with %d",
			 WEXITSTATUS(status));
		return TAP_ERROR;
	}
}

/* Pins and hugetlb pages a case took must be given back once it is gone. */
static enum tap_status accounting_verdict(enum tap_status st,
					  const struct acct_mark *m,
					  char *reason, size_t size)
{
	char report[1024];

	if (!acct_check(m, 3.0, report, sizeof(report))) {
		for (char *line = strtok(report, "\n"); line; line = strtok(NULL, "\n"))
			printf("# accounting: %s\n", line);
		return st;
	}
	printf("# accounting did not return to its baseline:\n");
	for (char *line = strtok(report, "\n"); line; line = strtok(NULL, "\n"))
		printf("#   %s\n", line);
	if (st == TAP_PASS || st == TAP_SKIP || st == TAP_XFAIL) {
		snprintf(reason, size, "pins or hugetlb pages not given back after the case");
		return TAP_FAIL;
	}
	return st;
}

/* Lines the kernel logs shortly after the case ended are still its own. */
static void wait_grace(double case_end)
{
	double until = case_end + kmsg_grace_seconds();

	for (double now = pf_now(); now < until; now = pf_now())
		usleep((useconds_t)((until - now) * 1e6) + 1);
}

static enum tap_status kernel_log_verdict(enum tap_status st,
					  const struct pf_case *c,
					  struct kmsg_mark *m, char *reason,
					  size_t size)
{
	char report[2048];

	if (!kmsg_check(m, c->name, report, sizeof(report)))
		return st;
	printf("# kernel log during this case:\n");
	for (char *line = strtok(report, "\n"); line; line = strtok(NULL, "\n"))
		printf("#   %s\n", line);
	if (st == TAP_PASS || st == TAP_SKIP || st == TAP_XFAIL) {
		snprintf(reason, size, "kernel warned or got tainted during the case");
		return TAP_FAIL;
	}
	return st;
}

enum tap_status pf_run_case(const struct pf_case *c,
			    const struct pf_options *o, char *reason,
			    size_t reason_size, double *seconds)
{
	struct pf_shared *shared;
	struct kmsg_mark mark;
	struct acct_mark acct;
	int pipefd[2], status = 0, rc, timeout = case_timeout(c, o);
	double start = pf_now(), case_end;
	enum tap_status st;
	pid_t pid, runner;

	install_signal_handlers();
	reason[0] = '\0';
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || pipe2(pipefd, O_CLOEXEC)) {
		snprintf(reason, reason_size, "runner: %s", strerror(errno));
		return TAP_ERROR;
	}
	memset(shared, 0, sizeof(*shared));
	kmsg_mark(&mark);
	acct_mark(&acct);
	fflush(stdout);
	fflush(stderr);
	runner = getpid();
	pid = fork();
	if (pid == 0) {
		pf_shared = shared;
		close(pipefd[0]);
		child_main(c, o, pipefd[1], runner);
	}
	close(pipefd[1]);
	if (pid < 0) {
		snprintf(reason, reason_size, "fork: %s", strerror(errno));
		st = TAP_ERROR;
		goto out;
	}
	setpgid(pid, pid);	/* no race with the child's own setpgid */
	current_group = pid;
	rc = wait_child(pid, pipefd[0], timeout, &status);
	case_end = pf_now();
	current_group = 0;
	knob_restore_all();	/* the case's changes; what the runner holds stays */
	snprintf(reason, reason_size, "%s", shared->reason);
	st = status_of(rc, status, timeout, reason, reason_size);
	st = accounting_verdict(st, &acct, reason, reason_size);
	acct_idle_start();
	if (mark.fd >= 0)
		wait_grace(case_end);
	st = kernel_log_verdict(st, c, &mark, reason, reason_size);
	kill_leftovers();
out:
	close(pipefd[0]);
	kmsg_release(&mark);
	munmap(shared, sizeof(*shared));
	*seconds = pf_now() - start;
	return st;
}
