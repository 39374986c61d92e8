// SPDX-License-Identifier: GPL-2.0
#include "rofile.h"

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

#include "pagemap.h"

const char *pf_rofile_kind_name(enum pf_rofile_kind kind)
{
	return kind == PF_ROFILE_MEMFD ? "sealed memfd" : "block-fs file";
}

/* A page-aligned private buffer (O_DIRECT wants alignment). */
static void *scratch_buf(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int write_pattern(int fd, size_t len, uint32_t seed)
{
	char *buf = scratch_buf(len);
	ssize_t n;

	if (!buf)
		return -1;
	pf_pattern_fill(buf, len, seed);
	n = pwrite(fd, buf, len, 0);
	munmap(buf, len);
	if (n != (ssize_t)len) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* Drops the writable fd: from here on only an O_RDONLY one exists. */
static int reopen_read_only(struct pf_rofile *f, int wfd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", wfd);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	close(wfd);
	if (f->fd < 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
	return 0;
}

static int block_dir_ok(const char *dir)
{
	struct statfs sfs;

	return !statfs(dir, &sfs) && sfs.f_type != TMPFS_MAGIC &&
	       sfs.f_type != RAMFS_MAGIC;
}

static enum pf_result create_block(struct pf_rofile *f)
{
	const char *dirs[] = { getenv("PINFORK_SCRATCH"), "/var/tmp" };
	char tmpl[256];
	int wfd;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !*dirs[i] || !block_dir_ok(dirs[i]))
			continue;
		snprintf(tmpl, sizeof(tmpl), "%s/pinfork-rofile-XXXXXX", dirs[i]);
		wfd = mkostemp(tmpl, O_CLOEXEC);
		if (wfd < 0)
			continue;
		snprintf(f->where, sizeof(f->where), "block-fs file %s (unlinked)", tmpl);
		unlink(tmpl);
		/* on disk and clean in the page cache before the case starts */
		if (write_pattern(wfd, f->len, f->seed) || fsync(wfd) ||
		    fchmod(wfd, 0444) || reopen_read_only(f, wfd)) {
			int err = errno;

			close(wfd);
			return pf_error("scratch file in %s: %s", dirs[i], strerror(err));
		}
		return PF_PASS;
	}
	return pf_skip("no block filesystem for a scratch file ($PINFORK_SCRATCH, /var/tmp are tmpfs, missing or not writable)");
}

static enum pf_result create_memfd(struct pf_rofile *f)
{
	int wfd = memfd_create("pinfork-rofile", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (wfd < 0)
		return pf_skip("memfd_create with sealing: %s", strerror(errno));
	snprintf(f->where, sizeof(f->where), "memfd sealed F_SEAL_WRITE|SHRINK|GROW");
	if (write_pattern(wfd, f->len, f->seed)) {
		close(wfd);
		return pf_error("memfd write: %s", strerror(errno));
	}
	if (fcntl(wfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
		close(wfd);
		return pf_skip("memfd F_SEAL_WRITE: %s", strerror(errno));
	}
	if (fchmod(wfd, 0444) || reopen_read_only(f, wfd))
		return pf_error("memfd read-only reopen: %s", strerror(errno));
	return PF_PASS;
}

enum pf_result pf_rofile_create(struct pf_rofile *f, enum pf_rofile_kind kind,
				size_t len, uint32_t seed)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->kind = kind;
	f->len = len;
	f->seed = seed;
	if (!len || len % pf_page_size())
		return pf_error("read-only file of %zu bytes: not whole pages", len);
	return kind == PF_ROFILE_MEMFD ? create_memfd(f) : create_block(f);
}

void pf_rofile_close(struct pf_rofile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* Reads the whole file through a fresh open with extra open flags. */
static int read_fresh(const struct pf_rofile *f, int flags, char *buf)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | flags);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, f->len, 0);
	close(fd);
	if (n != (ssize_t)f->len) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* Diagnostic only: did the change reach the disk, or the page cache alone? */
static void disk_diag(const struct pf_rofile *f, char *buf)
{
	struct pf_mismatch m;

	if (f->kind != PF_ROFILE_BLOCK)
		return;
	if (read_fresh(f, O_DIRECT, buf)) {
		pf_diag("on disk: unknown (O_DIRECT read: %s)", strerror(errno));
		return;
	}
	if (pf_pattern_check(buf, f->len, f->seed, &m))
		pf_mismatch_diag("on disk too (O_DIRECT read)", &m);
	else
		pf_diag("on disk: unchanged (the change is in the page cache only)");
}

enum pf_result pf_rofile_unchanged(const struct pf_rofile *f, const char *when,
				   struct pf_mismatch *m)
{
	char *buf = scratch_buf(f->len);
	struct pf_mismatch local;
	enum pf_result res = PF_PASS;

	if (!m)
		m = &local;
	memset(m, 0, sizeof(*m));
	if (!buf)
		return pf_error("no memory for the read-back");
	if (read_fresh(f, 0, buf)) {
		res = pf_error("%s: fresh read of the %s: %s", when,
			       pf_rofile_kind_name(f->kind), strerror(errno));
	} else if (pf_pattern_check(buf, f->len, f->seed, m)) {
		pf_diag("%s: %s", when, f->where);
		pf_mismatch_diag("read-only file read through a fresh open", m);
		disk_diag(f, buf);
		res = pf_fail("%s: the read-only %s changed at offset 0x%zx",
			      when, pf_rofile_kind_name(f->kind), m->offset);
	}
	munmap(buf, f->len);
	return res;
}
