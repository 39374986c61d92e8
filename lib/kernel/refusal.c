// SPDX-License-Identifier: GPL-2.0
#include "refusal.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int has_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return !!(data[CAP_IPC_LOCK / 32].effective & (1u << (CAP_IPC_LOCK % 32)));
}

/* Pinned and mlocked memory counts against it unless CAP_IPC_LOCK. */
static int memlock_limited(char *why, size_t size)
{
	struct rlimit lim;

	if (has_cap_ipc_lock() || getrlimit(RLIMIT_MEMLOCK, &lim) ||
	    lim.rlim_cur == RLIM_INFINITY)
		return 0;
	snprintf(why, size, "RLIMIT_MEMLOCK is %llu KiB without CAP_IPC_LOCK",
		 (unsigned long long)lim.rlim_cur >> 10);
	return 1;
}

int pf_missing_prerequisite(int err, char *why, size_t size)
{
	switch (err) {
	case ENOSYS:
		snprintf(why, size, "not available in this kernel");
		return 1;
	case ENOMEM:
	case EAGAIN:
		return memlock_limited(why, size);
	case EPERM:
	case EACCES:
		if (memlock_limited(why, size))
			return 1;
		if (geteuid() == 0)
			return 0;
		snprintf(why, size, "not permitted as non-root");
		return 1;
	default:
		return 0;
	}
}

enum pf_result pf_refusal_verdict(const char *what, int err, int control_err)
{
	char why[128];

	if (pf_missing_prerequisite(err, why, sizeof(why)))
		return pf_skip("%s: %s (%s)", what, strerror(err), why);
	if (!control_err)
		return pf_fail("%s refused on this memory (%s), accepted on plain anonymous memory",
			       what, strerror(err));
	return pf_error("%s: %s (plain anonymous memory: %s)", what, strerror(err),
			strerror(control_err));
}
