// SPDX-License-Identifier: GPL-2.0
#include "uffd_minor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backing.h"

#define POLL_MS 20

/*
 * Faults from the kernel (GUP for /proc/self/mem) need a userfaultfd
 * without UFFD_USER_MODE_ONLY: root, vm.unprivileged_userfaultfd=1 or
 * access to /dev/userfaultfd.
 */
static int open_uffd(void)
{
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
#ifdef USERFAULTFD_IOC_NEW
	if (fd < 0) {
		int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);

		if (dev >= 0) {
			fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
			close(dev);
		}
	}
#endif
	return fd;
}

static enum pf_result negotiate(struct pf_uffd_minor *u)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_MINOR_SHMEM };

	if (ioctl(u->fd, UFFDIO_API, &api))
		return pf_skip("userfaultfd without UFFD_FEATURE_MINOR_SHMEM (before 5.14?): %s",
			       strerror(errno));
	return PF_PASS;
}

static enum pf_result register_minor(struct pf_uffd_minor *u)
{
	struct uffdio_register reg = {
		.range = { (uintptr_t)u->addr, u->len },
		.mode = UFFDIO_REGISTER_MODE_MINOR,
	};

	if (ioctl(u->fd, UFFDIO_REGISTER, &reg))
		return pf_skip("UFFDIO_REGISTER_MODE_MINOR on shmem: %s", strerror(errno));
	if (!(reg.ioctls & (1ull << _UFFDIO_CONTINUE)))
		return pf_skip("UFFDIO_CONTINUE not offered for the range");
	return PF_PASS;
}

static void resolve(struct pf_uffd_minor *u, const struct uffd_msg *msg)
{
	uintptr_t ps = pf_page_size();
	struct uffdio_continue cont = {
		.range = { msg->arg.pagefault.address & ~(ps - 1), ps },
	};

	if (msg->event != UFFD_EVENT_PAGEFAULT ||
	    !(msg->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_MINOR))
		return;
	if (!ioctl(u->fd, UFFDIO_CONTINUE, &cont)) {
		u->continues++;
		return;
	}
	/* EEXIST: mapped meanwhile. A failed CONTINUE wakes nobody: the
	 * faulting thread must be woken to retry its fault. */
	if (errno != EEXIST)
		u->error = errno;
	ioctl(u->fd, UFFDIO_WAKE, &cont.range);
}

static void *handler_main(void *arg)
{
	struct pf_uffd_minor *u = arg;
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };
	struct uffd_msg msg;

	while (!u->stop) {
		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		if (read(u->fd, &msg, sizeof(msg)) == sizeof(msg))
			resolve(u, &msg);
	}
	return NULL;
}

enum pf_result pf_uffd_minor_start(struct pf_uffd_minor *u, char *addr,
				   size_t len)
{
	enum pf_result r;

	memset(u, 0, sizeof(*u));
	u->addr = addr;
	u->len = len;
	u->fd = open_uffd();
	if (u->fd < 0)
		return pf_skip("userfaultfd for kernel faults: %s (needs root, vm.unprivileged_userfaultfd=1 or /dev/userfaultfd)",
			       strerror(errno));
	r = negotiate(u);
	if (r == PF_PASS)
		r = register_minor(u);
	if (r == PF_PASS && pthread_create(&u->thread, NULL, handler_main, u))
		r = pf_error("pthread_create failed");
	if (r != PF_PASS) {
		close(u->fd);
		u->fd = -1;
		return r;
	}
	u->running = 1;
	return PF_PASS;
}

void pf_uffd_minor_stop(struct pf_uffd_minor *u)
{
	if (u->running) {
		u->stop = 1;
		pthread_join(u->thread, NULL);
		u->running = 0;
	}
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}
