// SPDX-License-Identifier: GPL-2.0
/*
 * process_vm_readv/writev on our own pid: the kernel pins the target pages
 * (pin_user_pages_remote, FOLL_WRITE for writev) for the copy only.
 */
#include "pin.h"

#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

static int transferred(ssize_t n, size_t len)
{
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int copy_out(struct pf_pin_state *st, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { st->io, len };

	return transferred(process_vm_readv(getpid(), &local, 1, &remote, 1, 0), len);
}

static int copy_in(struct pf_pin_state *st, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { st->io, len };

	return transferred(process_vm_writev(getpid(), &local, 1, &remote, 1, 0), len);
}

/* Short-term: nothing is held between the calls. */
static enum pf_result process_vm_take(struct pf_pin_state *st)
{
	(void)st;
	return PF_PASS;
}

static enum pf_result process_vm_send(struct pf_pin_state *st, uint32_t seed)
{
	return pf_pin_copy_send(st, seed, copy_out, "process_vm_readv");
}

static enum pf_result process_vm_bring(struct pf_pin_state *st, uint32_t seed)
{
	return pf_pin_copy_bring(st, seed, copy_in, "process_vm_writev");
}

const struct pf_pin pf_pin_process_vm = {
	.name = "process-vm",
	.summary = "process_vm_readv/writev (short-term pin)",
	.flags = PF_PIN_SHORTTERM | PF_PIN_DEV_READS | PF_PIN_DEV_WRITES,
	.take = process_vm_take,
	.send = process_vm_send,
	.bring = process_vm_bring,
};
