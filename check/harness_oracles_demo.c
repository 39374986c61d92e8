// SPDX-License-Identifier: GPL-2.0
/*
 * Cases with known outcomes for the harness's system-wide oracles and its
 * process hygiene (check/sections/15-harness-oracles.sh runs them):
 * accounting on a busy machine, the kernel log in real formats, the run
 * lock and cases that must die with their runner.
 *
 *   harness_oracles_demo [pf_main options]     the cases
 *   harness_oracles_demo churn SECONDS         another process that keeps
 *                                                  registering fixed buffers
 *   harness_oracles_demo hold-on-signal SEC    registers one on SIGUSR1
 *                                                  and holds it SEC seconds
 */
#include <fcntl.h>
#include <liburing.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "knob.h"
#include "model.h"
#include "pf_case.h"
#include "uring.h"

#define BUF_LEN (64 << 10)

static char pin_buf[BUF_LEN] __attribute__((aligned(4096)));

/* ---- other processes on a busy machine (not cases) ---- */

static int churn(double seconds)
{
	double end = pf_now() + seconds;
	struct iovec iov = { pin_buf, sizeof(pin_buf) };
	struct io_uring ring;

	if (io_uring_queue_init(4, &ring, 0))
		return 1;
	while (pf_now() < end) {
		if (io_uring_register_buffers(&ring, &iov, 1))
			return 1;
		usleep(3000);
		io_uring_unregister_buffers(&ring);
		usleep(2000);
	}
	return 0;
}

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static int hold_on_signal(double seconds)
{
	struct pf_uring u;

	signal(SIGUSR1, on_usr1);
	while (!go)
		pause();
	if (pf_uring_init(&u) || pf_uring_register(&u, pin_buf, sizeof(pin_buf)))
		return 1;
	kill(getppid(), 0);
	usleep((useconds_t)(seconds * 1e6));
	return 0;
}

/* ---- accounting ---- */

static enum pf_result clean(struct pf_ctx *ctx)
{
	(void)ctx;
	usleep(100 * 1000);
	pf_diag("a clean case: takes no pin");
	return PF_PASS;
}

/* An outside process takes a long-term pin while the case runs. */
static enum pf_result clean_holder_midcase(struct pf_ctx *ctx)
{
	const char *holder = getenv("PINFORK_SELFTEST_HOLDER");

	(void)ctx;
	if (!holder || kill(atoi(holder), SIGUSR1))
		return pf_skip("no holder process (PINFORK_SELFTEST_HOLDER)");
	usleep(300 * 1000);
	return PF_PASS;
}

/*
 * Leaves a process outside the case's group holding a fixed buffer. With
 * hidden, the ring's fd is closed and only its mmaps keep it alive, so no
 * fdinfo shows the pins: like a kernel leak, only a
 * quiet machine can charge them to the case.
 */
static void leave_holder(int hidden)
{
	struct io_uring ring;
	struct iovec iov = { pin_buf, sizeof(pin_buf) };

	if (fork())
		_exit(0);
	setsid();
	if (io_uring_queue_init(4, &ring, 0) || io_uring_register_buffers(&ring, &iov, 1))
		_exit(1);
	if (hidden)
		close(ring.ring_fd);	/* its mmaps keep the ring alive */
	sleep(30);
	_exit(0);
}

static enum pf_result leak_pins(int hidden)
{
	pid_t pid = fork();

	if (pid == 0)
		leave_holder(hidden);
	waitpid(pid, NULL, 0);
	usleep(500 * 1000);	/* let the registration happen */
	return PF_PASS;		/* the runner must turn this into a failure */
}

static enum pf_result leak_left_behind(struct pf_ctx *ctx)
{
	(void)ctx;
	return leak_pins(0);
}

static enum pf_result leak_hidden(struct pf_ctx *ctx)
{
	(void)ctx;
	return leak_pins(1);
}

/* ---- kernel log: each line as the kernel prints it, tagged ---- */

static const char *const kernel_formats[] = {
	"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
	"rcu: INFO: rcu_sched self-detected stall on CPU",
	"INFO: task kworker/0:1:123 blocked for more than 120 seconds.",
	"BUG: Bad page state in process cat  pfn:1a2b3",
	"page dumped because: nonzero mapcount",
	"BUG: KASAN: use-after-free in folio_try_get+0x1c/0x80",
	"BUG: KFENCE: out-of-bounds read in gup_fast+0x40/0x90",
	"kernel BUG at mm/memory.c:123!",
	"Oops: 0000 [#1] PREEMPT SMP NOPTI",
	"WARNING: CPU: 1 PID: 2 at mm/gup.c:2233 try_grab_folio+0x5b/0x180",
};

static int write_kmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int write_kmsg(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC), n;

	if (fd < 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = write(fd, line, n) == n ? 0 : -1;
	close(fd);
	return n;
}

static enum pf_result kmsg_format(struct pf_ctx *ctx)
{
	const char *line = kernel_formats[(long)ctx->arg];

	if (write_kmsg("<4>pinfork-selftest [pinfork-case=%s] %s\n", ctx->c->name, line))
		return pf_skip("cannot write /dev/kmsg");
	return PF_PASS;	/* the runner must turn this into a failure */
}

/* The line comes about 20 ms after the case ended, from what it left behind. */
static enum pf_result kmsg_late(struct pf_ctx *ctx)
{
	if (fork() == 0) {
		setsid();
		usleep(5 * 1000);
		write_kmsg("<4>pinfork-selftest [pinfork-case=%s] WARNING: CPU: 0 PID: 1 at mm/gup.c:1 late\n",
			   ctx->c->name);
		_exit(0);
	}
	return PF_PASS;	/* the runner must turn this into a failure */
}

/* Not the kernel's complaint, or not this case's: must not fail it. */
static enum pf_result kmsg_not_ours(struct pf_ctx *ctx)
{
	(void)ctx;
	if (write_kmsg("<4>pinfork-selftest [pinfork-case=some-other-case] WARNING: CPU: 1 PID: 2 at mm/gup.c:1 x\n") ||
	    write_kmsg("<4>traps: pinfork-selftest[1] general protection fault ip:0 sp:0 error:0 [pinfork-case=%s]\n",
		       ctx->c->name) ||
	    write_kmsg("<4>some-daemon: WARNING: BUG: Oops: not the kernel's\n"))
		return pf_skip("cannot write /dev/kmsg");
	return PF_PASS;
}

/* ---- run lock and runner death ---- */

static void write_pid_file(const char *env)
{
	const char *path = getenv(env);
	FILE *f = path ? fopen(path, "w") : NULL;

	if (f) {
		fprintf(f, "%d\n", getpid());
		fclose(f);
	}
}

static enum pf_result sleep_a_while(struct pf_ctx *ctx)
{
	const char *env = getenv("PINFORK_SELFTEST_SLEEP");
	const char *knob = getenv("PINFORK_SELFTEST_KNOB");

	(void)ctx;
	if (knob && knob_set(knob, "changed"))
		return pf_error("cannot set %s", knob);
	write_pid_file("PINFORK_SELFTEST_PIDFILE");
	usleep((useconds_t)((env ? atof(env) : 1.5) * 1e6));
	return PF_PASS;
}

static const struct pf_template templates[] = {
	{ .name = "acct-clean", .summary = "takes no pin", .run = clean },
	{ .name = "acct-clean-holder-midcase", .summary = "another process pins pages during the case", .run = clean_holder_midcase, .needs = PF_NEED_ROOT | PF_NEED_URING },
	{ .name = "acct-leak-left-behind", .summary = "leaves a process holding a fixed buffer", .run = leak_left_behind, .needs = PF_NEED_ROOT | PF_NEED_URING },
	{ .name = "acct-leak-hidden", .summary = "leaves pins no fdinfo shows", .run = leak_hidden, .needs = PF_NEED_ROOT | PF_NEED_URING },
	{ .name = "kmsg-rcu-stall", .summary = "RCU stall", .run = kmsg_format, .arg = (void *)0, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-rcu-self-stall", .summary = "RCU self-detected stall", .run = kmsg_format, .arg = (void *)1, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-hung-task", .summary = "hung task", .run = kmsg_format, .arg = (void *)2, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-bad-page", .summary = "bad page state", .run = kmsg_format, .arg = (void *)3, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-page-dumped", .summary = "page dumped", .run = kmsg_format, .arg = (void *)4, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-kasan", .summary = "KASAN report", .run = kmsg_format, .arg = (void *)5, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-kfence", .summary = "KFENCE report", .run = kmsg_format, .arg = (void *)6, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-bug-on", .summary = "BUG_ON", .run = kmsg_format, .arg = (void *)7, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-oops", .summary = "Oops", .run = kmsg_format, .arg = (void *)8, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-warn", .summary = "WARN", .run = kmsg_format, .arg = (void *)9, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-late", .summary = "a WARNING 5 ms after the case", .run = kmsg_late, .needs = PF_NEED_ROOT },
	{ .name = "kmsg-not-ours", .summary = "lines that are not this case's kernel complaints", .run = kmsg_not_ours, .needs = PF_NEED_ROOT },
	{ .name = "sleep-a-while", .summary = "sleeps (lock and runner-death tests)", .run = sleep_a_while, .timeout = 60 },
};

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "churn"))
		return churn(atof(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "hold-on-signal"))
		return hold_on_signal(atof(argv[2]));
	return pf_main(argc, argv, templates, sizeof(templates) / sizeof(templates[0]),
		       pf_model());
}
