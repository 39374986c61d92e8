// SPDX-License-Identifier: GPL-2.0
#include "odirect.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

static size_t dio_mem_align(int fd)
{
#ifdef STATX_DIOALIGN
	struct statx stx;

	if (!statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) &&
	    (stx.stx_mask & STATX_DIOALIGN) && stx.stx_dio_mem_align)
		return stx.stx_dio_mem_align;
#else
	(void)fd;
#endif
	return 512;
}

static int try_dir(struct pf_scratch *s, const char *dir, size_t len,
		   char *why, size_t size)
{
	struct statfs sfs;

	if (statfs(dir, &sfs) || sfs.f_type == TMPFS_MAGIC ||
	    sfs.f_type == RAMFS_MAGIC) {
		snprintf(why, size, "%s: not a block filesystem", dir);
		return -1;
	}
	snprintf(s->path, sizeof(s->path), "%s/pinfork-scratch-XXXXXX", dir);
	s->fd = mkostemp(s->path, O_CLOEXEC);
	if (s->fd < 0) {
		snprintf(why, size, "%s: %s", dir, strerror(errno));
		return -1;
	}
	s->dio_fd = open(s->path, O_RDWR | O_DIRECT | O_CLOEXEC);
	unlink(s->path);
	if (s->dio_fd < 0 || ftruncate(s->fd, (off_t)len)) {
		snprintf(why, size, "%s: O_DIRECT open: %s", dir, strerror(errno));
		pf_scratch_close(s);
		return -1;
	}
	s->mem_align = dio_mem_align(s->dio_fd);
	s->len = len;
	return 0;
}

int pf_scratch_open(struct pf_scratch *s, size_t len, char *why, size_t size)
{
	const char *dirs[] = { getenv("PINFORK_SCRATCH"), "/var/tmp", "." };

	memset(s, 0, sizeof(*s));
	s->fd = s->dio_fd = -1;
	snprintf(why, size, "no scratch directory");
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		if (!try_dir(s, dirs[i], len, why, size)) {
			char buf[4096] __attribute__((aligned(4096)));

			memset(buf, 0, sizeof(buf));
			if (!pf_dio_write(s, buf, sizeof(buf), 0))
				return 0;
			snprintf(why, size, "%s: O_DIRECT write fails", dirs[i]);
			pf_scratch_close(s);
		}
	}
	return -1;
}

void pf_scratch_close(struct pf_scratch *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->dio_fd >= 0)
		close(s->dio_fd);
	s->fd = s->dio_fd = -1;
}

int pf_dio_read(struct pf_scratch *s, void *buf, size_t len, size_t off)
{
	ssize_t n = pread(s->dio_fd, buf, len, (off_t)off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int pf_dio_write(struct pf_scratch *s, const void *buf, size_t len, size_t off)
{
	ssize_t n = pwrite(s->dio_fd, buf, len, (off_t)off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* A private bounce buffer: never shared with a child, never pinned by us. */
static void *bounce(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int pf_scratch_fill(struct pf_scratch *s, size_t off, size_t len, uint32_t seed)
{
	void *b = bounce(len);
	int rc;

	if (!b)
		return -ENOMEM;
	pf_pattern_fill(b, len, seed);
	rc = pf_dio_write(s, b, len, off);
	munmap(b, len);
	return rc;
}

int pf_scratch_compare(struct pf_scratch *s, size_t off, size_t len,
		       const void *ref, struct pf_mismatch *m)
{
	void *b = bounce(len);
	int rc;

	if (!b)
		return -2;
	rc = pf_dio_read(s, b, len, off) ? -2 : pf_compare(b, ref, len, m);
	munmap(b, len);
	return rc;
}

int pf_scratch_check(struct pf_scratch *s, size_t off, size_t len,
		     uint32_t seed, struct pf_mismatch *m)
{
	void *b = bounce(len);
	int rc;

	if (!b)
		return -2;
	rc = pf_dio_read(s, b, len, off) ? -2 : pf_pattern_check(b, len, seed, m);
	munmap(b, len);
	return rc;
}
