// SPDX-License-Identifier: GPL-2.0
#include "force_write.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHECK_PERIOD_US 10000

int pf_force_open(void)
{
	int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int pf_force_write(int fd, void *addr, const void *buf, size_t len)
{
	ssize_t n = pwrite(fd, buf, len, (off_t)(uintptr_t)addr);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

enum pf_result pf_force_write_first(int fd, void *addr, const void *buf,
				    size_t len)
{
	int err = pf_force_write(fd, addr, buf, len);

	if (!err)
		return PF_PASS;
	/* since 6.12, proc_mem.force_override=never writes without FOLL_FORCE */
	if (err == -EIO || err == -EPERM || err == -EACCES || err == -EFAULT)
		return pf_skip("the kernel refuses FOLL_FORCE writes through /proc/self/mem (%s): proc_mem.force_override=never, CONFIG_PROC_MEM_NO_FORCE or an LSM",
			       strerror(-err));
	return pf_error("write through /proc/self/mem: %s", strerror(-err));
}

struct race_state {
	struct pf_force_race *r;
	int mem_fd;
	volatile int stop;
	int write_err;
};

static void *writer_main(void *arg)
{
	struct race_state *s = arg;
	struct pf_force_race *r = s->r;

	while (!s->stop) {
		int err = pf_force_write(s->mem_fd, r->target, r->payload,
					 r->payload_len);

		if (s->r->writes_may_fail && (err == -EIO || err == -EFAULT)) {
			r->refused++;
			continue;
		}
		if (err) {
			s->write_err = -err;
			s->stop = 1;
			break;
		}
		r->writes++;
	}
	return NULL;
}

static void remap_huge(struct pf_force_race *r)
{
	if (mmap(r->zap, r->zap_len, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED)
		madvise(r->zap, r->zap_len, MADV_HUGEPAGE);
	r->remaps++;
}

static void *zapper_main(void *arg)
{
	struct race_state *s = arg;
	struct pf_force_race *r = s->r;

	while (!s->stop) {
		if (r->remap_every && r->zaps % r->remap_every == r->remap_every - 1)
			remap_huge(r);
		else
			madvise(r->zap, r->zap_len, MADV_DONTNEED);
		r->zaps++;
	}
	return NULL;
}

static void *reader_main(void *arg)
{
	struct race_state *s = arg;
	struct pf_force_race *r = s->r;
	char buf[64];
	size_t len = r->payload_len < sizeof(buf) ? r->payload_len : sizeof(buf);

	while (!s->stop) {
		if (pread(s->mem_fd, buf, len, (off_t)(uintptr_t)r->target) < 0)
			break;
		r->reads++;
	}
	return NULL;
}

/* The caller's thread checks the victim until the time is up. */
static enum pf_result watch(struct race_state *s)
{
	struct pf_force_race *r = s->r;
	double end = pf_now() + r->seconds;
	enum pf_result res = PF_PASS;

	while (!s->stop && pf_now() < end) {
		usleep(CHECK_PERIOD_US);
		r->checks++;
		res = r->check(r->check_arg);
		if (res != PF_PASS)
			break;
	}
	s->stop = 1;
	return res;
}

static void *toucher_main(void *arg)
{
	struct race_state *s = arg;
	volatile const char *at = s->r->target;

	while (!s->stop) {
		(void)*at;
		s->r->reads++;
		sched_yield();	/* leave the CPUs to the others, it only refaults */
	}
	return NULL;
}

static int start_threads(struct race_state *s, pthread_t *t, int *n)
{
	void *(*mains[4])(void *) = { writer_main, zapper_main };
	int count = 2;

	if (s->r->gup_reader)
		mains[count++] = reader_main;
	if (s->r->user_reader)
		mains[count++] = toucher_main;
	for (*n = 0; *n < count; (*n)++)
		if (pthread_create(&t[*n], NULL, mains[*n], s))
			return -1;
	return 0;
}

enum pf_result pf_force_race_run(struct pf_force_race *r)
{
	struct race_state s = { .r = r };
	enum pf_result res = PF_PASS;
	pthread_t threads[4];
	int started;

	r->writes = r->zaps = r->remaps = r->reads = r->checks = 0;
	s.mem_fd = pf_force_open();
	if (s.mem_fd < 0)
		return pf_error("open /proc/self/mem: %s", strerror(-s.mem_fd));
	if (start_threads(&s, threads, &started))
		res = pf_error("pthread_create failed");
	else
		res = watch(&s);
	s.stop = 1;
	while (started--)
		pthread_join(threads[started], NULL);
	close(s.mem_fd);
	if (res == PF_PASS && s.write_err)
		return pf_error("write through /proc/self/mem during the race: %s",
				strerror(s.write_err));
	return res;
}
