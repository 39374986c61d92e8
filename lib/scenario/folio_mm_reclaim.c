// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim through the rmap, as memory pressure does it: a memory cgroup of
 * the case's own, asked to reclaim what it holds (cgroup v2 memory.reclaim,
 * v5.19+; v1 memory.force_empty). MADV_PAGEOUT is no substitute for a large
 * folio it does not see whole: it splits the folio first
 * (madvise_cold_or_pageout_pte_range()). And the swap each case that
 * swaps makes sure of itself (pf_fmm_swap_ready()).
 */
#include "folio_mm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "knob.h"
#include "swap.h"

#define CG_ROOT "/sys/fs/cgroup"
#define CG_V1_MEMORY CG_ROOT "/memory"
#define V2_RECLAIM_BYTES "256M"

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

static int file_has_word(const char *path, const char *word)
{
	char buf[512];
	FILE *f = fopen(path, "re");
	int found = 0;

	while (f && !found && fscanf(f, "%511s", buf) == 1)
		found = !strcmp(buf, word);
	if (f)
		fclose(f);
	return found;
}

/*
 * This process's cgroup path from /proc/self/cgroup: the v2 line "0::PATH",
 * or the v1 line "N:memory:PATH" (tag ":memory:").
 */
static int own_path(const char *tag, char *out, size_t size)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[512];
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, tag);

		if (!p || (!strcmp(tag, "0::") && p != line))
			continue;
		p += strlen(tag);
		p[strcspn(p, "\n")] = '\0';
		snprintf(out, size, "%s", strcmp(p, "/") ? p : "");
		found = 1;
	}
	if (f)
		fclose(f);
	return found ? 0 : -1;
}

static void use_v2(struct pf_memcg *m, const char *root, const char *own)
{
	m->v2 = 1;
	snprintf(m->dir, sizeof(m->dir), "%s/pinfork-fmm-%d", root, (int)getpid());
	snprintf(m->home, sizeof(m->home), "%s%s/cgroup.procs", root, own);
}

static int mounted_anywhere(const char *fstype)
{
	FILE *f = fopen("/proc/mounts", "re");
	char dev[256], dir[256], type[64];
	int found = 0;

	while (f && !found && fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3)
		found = !strcmp(type, fstype);
	if (f)
		fclose(f);
	return found;
}

/*
 * Hands the memory controller to root's children when root does not yet
 * (a cgroup2 root without systemd: the VM mode); journaled, undone by
 * pf_memcg_leave() or the restore. 0, or -1 when root has no memory controller.
 */
static int enable_memory(struct pf_memcg *m, const char *root)
{
	char undo[700], ctl[240], have[240];

	snprintf(have, sizeof(have), "%s/cgroup.controllers", root);
	snprintf(ctl, sizeof(ctl), "%s/cgroup.subtree_control", root);
	if (!file_has_word(have, "memory"))
		return -1;
	if (file_has_word(ctl, "memory"))
		return 0;
	snprintf(undo, sizeof(undo), "[ ! -e %s ] || echo -memory > %s 2>/dev/null || true", ctl, ctl);
	if (knob_undo_cmd(undo) || write_str(ctl, "+memory"))
		return -1;
	snprintf(m->enabled, sizeof(m->enabled), "%s", ctl);
	pf_diag("enabled the memory controller in %s (undone after the case)", ctl);
	return 0;
}

/*
 * No cgroup hierarchy at all (a minimal init, the VM mode): a cgroup2 mount
 * of the case's own in the state directory, memory enabled at its root;
 * both journaled, undone by pf_memcg_leave() or the restore.
 */
static int mount_own_v2(struct pf_memcg *m, char *why, size_t size)
{
	char undo[1000];

	snprintf(m->mnt, sizeof(m->mnt), "%s/fmm-cgroup2", knob_state_dir());
	snprintf(undo, sizeof(undo), "! grep -qF ' %s ' /proc/mounts || umount %s; [ ! -d %s ] || rmdir %s",
		 m->mnt, m->mnt, m->mnt, m->mnt);
	mkdir(knob_state_dir(), 0700);
	if (knob_undo_cmd(undo) || (mkdir(m->mnt, 0700) && errno != EEXIST) ||
	    mount("none", m->mnt, "cgroup2", 0, NULL)) {
		snprintf(why, size, "no cgroup hierarchy, and mounting cgroup2 at %s failed: %s",
			 m->mnt, strerror(errno));
		rmdir(m->mnt);
		return -1;
	}
	m->mounted = 1;
	if (enable_memory(m, m->mnt)) {
		snprintf(why, size, "cgroup2 without the memory controller");
		return -1;
	}
	use_v2(m, m->mnt, "");
	return 0;
}

/* Which hierarchy: v2 when the root hands out memory, else v1's memory, else our own v2. */
static int choose(struct pf_memcg *m, char *why, size_t size)
{
	char path[200];

	if (!enable_memory(m, CG_ROOT) && !own_path("0::", path, sizeof(path))) {
		use_v2(m, CG_ROOT, path);
		return 0;
	}
	if (!access(CG_V1_MEMORY "/memory.force_empty", F_OK) ||
	    !access(CG_V1_MEMORY "/memory.usage_in_bytes", F_OK)) {
		if (own_path(":memory:", path, sizeof(path)))
			path[0] = '\0';
		snprintf(m->dir, sizeof(m->dir), CG_V1_MEMORY "/pinfork-fmm-%d", (int)getpid());
		snprintf(m->home, sizeof(m->home), CG_V1_MEMORY "%s/cgroup.procs", path);
		return 0;
	}
	if (!mounted_anywhere("cgroup2") && !mounted_anywhere("cgroup"))
		return mount_own_v2(m, why, size);
	snprintf(why, size, "no cgroup v2 memory controller at %s and no v1 %s", CG_ROOT,
		 CG_V1_MEMORY);
	return -1;
}

enum pf_result pf_memcg_enter(struct pf_memcg *m)
{
	char why[256], undo[600], pid[32], procs[300];
	int err;

	memset(m, 0, sizeof(*m));
	if (geteuid())
		return pf_skip("a memory cgroup of the case's own needs root");
	if (choose(m, why, sizeof(why))) {
		pf_memcg_leave(m);
		return pf_skip("%s", why);
	}
	snprintf(undo, sizeof(undo), "[ ! -d %s ] || rmdir %s", m->dir, m->dir);
	if (knob_undo_cmd(undo))
		return pf_skip("cannot journal the removal of %s", m->dir);
	if (mkdir(m->dir, 0755) && errno != EEXIST)
		return pf_skip("mkdir %s: %s", m->dir, strerror(errno));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", m->dir);
	err = write_str(procs, pid);
	if (err) {
		pf_memcg_leave(m);
		return pf_skip("cannot move into %s: %s", m->dir, strerror(-err));
	}
	pf_diag("moved into the memory cgroup %s (cgroup v%d)", m->dir, m->v2 ? 2 : 1);
	return PF_PASS;
}

int pf_memcg_reclaim(struct pf_memcg *m)
{
	char path[300];
	int err;

	snprintf(path, sizeof(path), "%s/%s", m->dir,
		 m->v2 ? "memory.reclaim" : "memory.force_empty");
	err = write_str(path, m->v2 ? V2_RECLAIM_BYTES : "0");
	/* v2 says EAGAIN when it reclaimed less than asked: it still reclaimed */
	return err == -EAGAIN ? 0 : err;
}

void pf_memcg_leave(struct pf_memcg *m)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (m->home[0] && write_str(m->home, pid) && !m->mounted)
		write_str(m->v2 ? CG_ROOT "/cgroup.procs" : CG_V1_MEMORY "/cgroup.procs", pid);
	if (m->dir[0])
		rmdir(m->dir);
	if (m->enabled[0])
		write_str(m->enabled, "-memory");
	if (m->mounted) {
		umount(m->mnt);
		rmdir(m->mnt);
	}
}

enum pf_result pf_fmm_swap_ready(void)
{
	char why[256];

	if (pf_swap_ensure(why, sizeof(why)))
		return pf_skip("%s", why);
	return PF_PASS;
}
