// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/mem of our own pid: reads and writes go through GUP with
 * FOLL_FORCE (a write into a read-only private mapping would COW), for the
 * syscall only. The fd holds the mm it was opened on.
 */
#include "pin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "force_write.h"

struct proc_mem {
	int fd;
};

/*
 * The kernel may refuse FOLL_FORCE writes (proc_mem.force_override, an
 * LSM): SKIP then. The probe writes back the byte that is there.
 */
static enum pf_result first_write_allowed(struct pf_pin_state *st)
{
	struct proc_mem *pm = st->priv;
	char byte = *(volatile char *)st->io;

	return pf_force_write_first(pm->fd, st->io, &byte, 1);
}

static enum pf_result proc_mem_take(struct pf_pin_state *st)
{
	struct proc_mem *pm = pf_pin_priv(st, sizeof(*pm));
	char path[64];

	if (!pm)
		return pf_error("out of memory");
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)getpid());
	pm->fd = open(path, O_RDWR | O_CLOEXEC);
	if (pm->fd < 0)
		return pf_skip("open %s: %s", path, strerror(errno));
	return first_write_allowed(st);
}

static int copy_out(struct pf_pin_state *st, void *buf, size_t len)
{
	struct proc_mem *pm = st->priv;
	ssize_t n = pread(pm->fd, buf, len, (off_t)(uintptr_t)st->io);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int copy_in(struct pf_pin_state *st, void *buf, size_t len)
{
	struct proc_mem *pm = st->priv;

	return pf_force_write(pm->fd, st->io, buf, len);
}

static enum pf_result proc_mem_send(struct pf_pin_state *st, uint32_t seed)
{
	return pf_pin_copy_send(st, seed, copy_out, "read of /proc/PID/mem");
}

static enum pf_result proc_mem_bring(struct pf_pin_state *st, uint32_t seed)
{
	return pf_pin_copy_bring(st, seed, copy_in, "write of /proc/PID/mem");
}

static void proc_mem_release(struct pf_pin_state *st)
{
	struct proc_mem *pm = st->priv;

	if (pm && pm->fd >= 0)
		close(pm->fd);
}

const struct pf_pin pf_pin_proc_mem = {
	.name = "proc-mem",
	.summary = "/proc/PID/mem read/write (FOLL_FORCE)",
	.flags = PF_PIN_SHORTTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES |
		 PF_PIN_FOLL_FORCE,
	.take = proc_mem_take,
	.send = proc_mem_send,
	.bring = proc_mem_bring,
	.release = proc_mem_release,
};
