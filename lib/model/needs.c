// SPDX-License-Identifier: GPL-2.0
/* The _require_* gates: can a case with these needs run here at all? */
#include "needs.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "knob.h"
#include "odirect.h"
#include "pagemap.h"
#include "rdma.h"
#include "shell.h"
#include "swap.h"
#include "thp.h"
#include "uring.h"

static int need_thp(char *why, size_t size)
{
	char v[64];

	if (knob_read(PF_THP_SYSFS "/enabled", v, sizeof(v))) {
		snprintf(why, size, "kernel without THP (%s/enabled missing)", PF_THP_SYSFS);
		return -1;
	}
	if (!strcmp(v, "never") && geteuid()) {
		snprintf(why, size, "THP is disabled and enabling it needs root");
		return -1;
	}
	return 0;
}

static int need_uring(char *why, size_t size)
{
	struct pf_uring u;
	int err = pf_uring_init(&u);

	if (err) {
		snprintf(why, size, "io_uring unavailable: %s (io_uring_disabled sysctl, seccomp or CONFIG_IO_URING=n)",
			 strerror(-err));
		return -1;
	}
	pf_uring_exit(&u);
	return 0;
}

static int need_odirect(char *why, size_t size)
{
	struct pf_scratch s;
	char reason[256];

	if (pf_scratch_open(&s, 1 << 20, reason, sizeof(reason))) {
		snprintf(why, size, "no O_DIRECT scratch file (set PINFORK_SCRATCH): %s",
			 reason);
		return -1;
	}
	pf_scratch_close(&s);
	return 0;
}

static int need_file(const char *path, const char *what, char *why, size_t size)
{
	if (!access(path, F_OK))
		return 0;
	snprintf(why, size, "%s (%s missing)", what, path);
	return -1;
}

/*
 * Asked in the runner before each case (not cached: swap can go away under a
 * run, and the answer is one read of /proc/swaps): without active swap it sets
 * up a temporary swap file that the runner holds until it exits
 * (lib/kernel/swap.c), so its cases share it rather than each making one.
 */
static int need_swap(char *why, size_t size)
{
	return pf_swap_ensure(why, size);
}

static int dir_has_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d)))
		found = e->d_name[0] != '.';
	if (d)
		closedir(d);
	return found;
}

/* rdma_rxe loaded, or listed for this kernel (modules.dep or modules.builtin). */
static int rxe_available(void)
{
	static const char *const lists[] = { "modules.dep", "modules.builtin" };
	struct utsname u;

	if (!access("/sys/module/rdma_rxe", F_OK))
		return 1;
	/* RDMA core present: a built-in rdma_rxe has no /sys/module entry */
	if (!access("/sys/class/infiniband", F_OK))
		return 1;
	if (uname(&u))
		return 0;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		char path[512], line[512];
		FILE *f;
		int found = 0;

		snprintf(path, sizeof(path), "/lib/modules/%s/%s", u.release, lists[i]);
		f = fopen(path, "re");
		while (f && !found && fgets(line, sizeof(line), f))
			found = strstr(line, "/rdma_rxe.ko") != NULL;
		if (f)
			fclose(f);
		if (found)
			return 1;
	}
	return 0;
}

/* Cheap, without libibverbs: a device, or the means to make a soft-RoCE one. */
static int need_rdma(char *why, size_t size)
{
	if (!HAVE_IBVERBS) {
		snprintf(why, size, PF_RDMA_UNBUILT);
		return -1;
	}
	if (dir_has_entries("/sys/class/infiniband"))
		return 0;
	if (!rxe_available()) {
		snprintf(why, size, "no RDMA device and no rdma_rxe module (kernel without CONFIG_INFINIBAND/CONFIG_RDMA_RXE?)");
		return -1;
	}
	if (geteuid()) {
		snprintf(why, size, "no RDMA device, and making a soft-RoCE (rdma_rxe) one needs root");
		return -1;
	}
	return 0;
}

static int need_root(char *why, size_t size)
{
	if (!geteuid())
		return 0;
	snprintf(why, size, "needs root");
	return -1;
}

static int need_kpageflags(char *why, size_t size)
{
	if (pf_kpageflags_readable())
		return 0;
	snprintf(why, size, "needs /proc/kpageflags and pagemap PFNs (root, CONFIG_PROC_PAGE_MONITOR)");
	return -1;
}

static int need_ksm(char *why, size_t size)
{
	return need_file("/sys/kernel/mm/ksm/run", "kernel without KSM", why, size);
}

static int need_hugetlb(char *why, size_t size)
{
	return need_file("/sys/kernel/mm/hugepages", "kernel without hugetlbfs", why, size);
}

static int need_uffd(char *why, size_t size)
{
	int fd = (int)syscall(__NR_userfaultfd, 0);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return need_file("/dev/userfaultfd", "userfaultfd unavailable", why, size);
}

/* Whether modules.dep of the running kernel lists NAME.ko (any compression). */
static int module_available(const char *name)
{
	char path[320], line[512], want[64];
	struct utsname u;
	FILE *f;
	int found = 0;

	if (uname(&u))
		return 0;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	snprintf(want, sizeof(want), "/%s.ko", name);
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (colon)
			*colon = '\0';
		found = strstr(line, want) != NULL;
	}
	if (f)
		fclose(f);
	return found;
}

/* Built in, loaded, or loadable: the held-I/O backends load it themselves. */
static int need_driver(const char *name, const char *sys, char *why,
		       size_t size)
{
	char mod[128];

	snprintf(mod, sizeof(mod), "/sys/module/%s", name);
	if (!access(sys, F_OK) || !access(mod, F_OK) || module_available(name))
		return 0;
	snprintf(why, size, "kernel without %s (no %s, no %s module)", name, sys, name);
	return -1;
}

/*
 * Loads a fuse module once per program, before any case: a case's own
 * modprobe would be timed as part of it (about a second in a loaded TCG
 * guest). The FUSE backend still loads it itself when run alone.
 */
static int need_fuse(char *why, size_t size)
{
	if (access("/sys/fs/fuse", F_OK) && !geteuid() && module_available("fuse"))
		pf_shell("modprobe -q fuse 2>&1", NULL, 0);
	return need_driver("fuse", "/dev/fuse", why, size);
}

static int need_nbd(char *why, size_t size)
{
	return need_driver("nbd", "/sys/block/nbd0", why, size);
}

/* /sys/devices/system/node/has_memory lists more than one node ("0-1", "0,2"). */
static int need_numa(char *why, size_t size)
{
	FILE *f = fopen("/sys/devices/system/node/has_memory", "re");
	char nodes[256] = "";

	if (f) {
		if (!fgets(nodes, sizeof(nodes), f))
			nodes[0] = '\0';
		fclose(f);
	}
	nodes[strcspn(nodes, "\n")] = '\0';
	if (strpbrk(nodes, "-,"))
		return 0;
	snprintf(why, size, "needs two NUMA nodes with memory (has_memory: %s)",
		 nodes[0] ? nodes : "unreadable");
	return -1;
}

/* In the order a case's reason names the first missing need. */
static const struct {
	unsigned need;
	int (*check)(char *why, size_t size);
} gates[] = {
	{ PF_NEED_ROOT, need_root },
	{ PF_NEED_KPAGEFLAGS, need_kpageflags },
	{ PF_NEED_THP, need_thp },
	{ PF_NEED_URING, need_uring },
	{ PF_NEED_ODIRECT, need_odirect },
	{ PF_NEED_SWAP, need_swap },
	{ PF_NEED_KSM, need_ksm },
	{ PF_NEED_HUGETLB, need_hugetlb },
	{ PF_NEED_UFFD, need_uffd },
	{ PF_NEED_RDMA, need_rdma },
	{ PF_NEED_FUSE, need_fuse },
	{ PF_NEED_NBD, need_nbd },
	{ PF_NEED_NUMA, need_numa },
};

#define NGATES (sizeof(gates) / sizeof(gates[0]))

/* The gates asked before every case, not once per program. */
#define RECHECKED_NEEDS PF_NEED_SWAP

/*
 * Most gates' answers do not change during a run, and some cost a ring or a
 * scratch file: each is asked once per program, not once per case, unless
 * it is one of RECHECKED_NEEDS.
 */
static int gate(size_t i, char *why, size_t size)
{
	static int verdict[NGATES];	/* 0 not asked, 1 holds, -1 missing */
	static char reason[NGATES][256];

	if (!verdict[i] || (gates[i].need & RECHECKED_NEEDS))
		verdict[i] = gates[i].check(reason[i], sizeof(reason[i])) ? -1 : 1;
	if (verdict[i] > 0)
		return 0;
	snprintf(why, size, "%s", reason[i]);
	return -1;
}

int pf_needs_check(unsigned needs, char *why, size_t size)
{
	for (size_t i = 0; i < NGATES; i++)
		if ((needs & gates[i].need) && gate(i, why, size))
			return -1;
	return 0;
}
