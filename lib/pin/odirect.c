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

#define PROBE_LEN (16u << 10)	/* bytes written and read to prove O_DIRECT */

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

	if (statfs(dir, &sfs) || (!pf_scratch_test_hooks.any_fs &&
				  (sfs.f_type == TMPFS_MAGIC ||
				   sfs.f_type == RAMFS_MAGIC))) {
		snprintf(why, size, "%s: not a block filesystem", dir);
		return -1;
	}
	snprintf(s->path, sizeof(s->path), "%s/pinfork-scratch-XXXXXX", dir);
	s->fd = mkostemp(s->path, O_CLOEXEC);
	if (s->fd < 0) {
		snprintf(why, size, "%s: %s", dir, strerror(errno));
		return -1;
	}
	s->dio_fd = open(s->path, O_RDWR | O_CLOEXEC |
			 (pf_scratch_test_hooks.buffered ? 0 : O_DIRECT));
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

struct pf_scratch_hooks pf_scratch_test_hooks;

/* A private bounce buffer: never shared with a child, never pinned by us. */
static void *bounce(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Pages of the file's first len bytes in the page cache, or -errno. */
static long cached_pages(int fd, size_t len)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char vec[PROBE_LEN / 4096];
	void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	long cached = 0;

	if (map == MAP_FAILED)
		return -errno;
	if (len / ps > sizeof(vec) || mincore(map, len, vec))
		cached = len / ps > sizeof(vec) ? -EINVAL : -errno;
	for (size_t i = 0; cached >= 0 && i < len / ps; i++)
		cached += vec[i] & 1;
	munmap(map, len);
	return cached;
}

/* Drops the file's clean page cache; written-back first only if needed. */
static long drop_cache(int fd, size_t len)
{
	long cached;

	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	cached = cached_pages(fd, len);
	if (cached <= 0)
		return cached;
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return cached_pages(fd, len);
}

/*
 * Some filesystems take O_DIRECT and quietly do buffered I/O (ext4 with
 * data=journal, tmpfs since v6.6, overlayfs on top of either). Direct I/O
 * leaves the page cache alone: with the file's cache dropped, an O_DIRECT
 * write and read of the probe must leave none of it cached.
 */
static int dio_proven(struct pf_scratch *s, const char *dir, char *why,
		      size_t size)
{
	const char *where = "stay cached after fsync and POSIX_FADV_DONTNEED";
	char *buf = bounce(PROBE_LEN);
	long cached = -ENOMEM;
	int err = -ENOMEM;

	if (buf) {
		memset(buf, 0, PROBE_LEN);
		err = pf_dio_write(s, buf, PROBE_LEN, 0);
	}
	if (!err && !(cached = drop_cache(s->fd, PROBE_LEN))) {
		where = "got cached by an O_DIRECT write and read";
		err = pf_dio_write(s, buf, PROBE_LEN, 0);
		err = err ? err : pf_dio_read(s, buf, PROBE_LEN, 0);
		cached = err ? 0 : cached_pages(s->fd, PROBE_LEN);
	}
	if (buf)
		munmap(buf, PROBE_LEN);
	if (err)
		snprintf(why, size, "%s: O_DIRECT I/O fails: %s", dir, strerror(-err));
	else if (cached < 0)
		snprintf(why, size, "%s: mincore of the scratch file: %s", dir,
			 strerror((int)-cached));
	else if (cached)
		snprintf(why, size, "%s: O_DIRECT is not direct here: %ld of %u probe pages %s",
			 dir, cached, PROBE_LEN / 4096, where);
	return err || cached ? -1 : 0;
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
		if (try_dir(s, dirs[i], len, why, size))
			continue;
		if (!dio_proven(s, dirs[i], why, size))
			return 0;
		pf_scratch_close(s);
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
