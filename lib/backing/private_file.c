// SPDX-License-Identifier: GPL-2.0
#include "private_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pagemap.h"
#include "pattern.h"

#define FILE_DEFAULT_LEN (16u << 10)
#define FILE_SEED 0x46494c45u	/* what setup writes to the file */

struct private_file {
	int fd;
};

enum pf_result pf_file_pages_verify(const void *addr, size_t len)
{
	size_t ps = pf_page_size();

	for (size_t off = 0; off < len; off += ps) {
		uint64_t e = pf_pagemap((const char *)addr + off);

		if (!(e & PM_PRESENT) || !(e & PM_FILE))
			return pf_skip("page at offset 0x%zx is %s, not a page cache page",
				       off, !(e & PM_PRESENT) ? "not present" : "anonymous");
	}
	return PF_PASS;
}

enum pf_result pf_file_backing_intact(const struct pf_region *r)
{
	const struct private_file *pfile = r->priv;
	char *buf = malloc(r->len);
	struct pf_mismatch m;
	enum pf_result res = PF_PASS;

	if (!buf || !pfile)
		res = pf_error("no file to check");
	else if (pread(pfile->fd, buf, r->len, 0) != (ssize_t)r->len)
		res = pf_error("reading the file back: %s", strerror(errno));
	else if (pf_pattern_check(buf, r->len, FILE_SEED, &m)) {
		pf_mismatch_diag("the file under the private mapping", &m);
		res = pf_fail("the file changed under a MAP_PRIVATE mapping at offset 0x%zx",
			      m.offset);
	}
	free(buf);
	return res;
}

static enum pf_result fill_file(int fd, size_t len)
{
	char *buf = malloc(len);
	ssize_t n = -1;

	if (buf) {
		pf_pattern_fill(buf, len, FILE_SEED);
		n = pwrite(fd, buf, len, 0);
		free(buf);
	}
	return n == (ssize_t)len ? PF_PASS : pf_error("writing the file: %s", strerror(errno));
}

static enum pf_result map_file(struct pf_region *r, size_t len, int fd)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	if (p == MAP_FAILED)
		return pf_error("mmap MAP_PRIVATE: %s", strerror(errno));
	r->map = r->base = p;
	r->map_len = r->len = len;
	r->folio = pf_page_size();
	for (size_t off = 0; off < len; off += pf_page_size())
		(void)*(volatile char *)(p + off);	/* read faults */
	return pf_file_pages_verify(p, len);
}

enum pf_result pf_private_file_setup(struct pf_region *r, size_t min_len, int fd)
{
	size_t ps = pf_page_size();
	size_t len = min_len > FILE_DEFAULT_LEN ? min_len : FILE_DEFAULT_LEN;
	struct private_file *pfile = calloc(1, sizeof(*pfile));
	enum pf_result res;

	if (!pfile) {
		close(fd);
		return pf_error("out of memory");
	}
	pfile->fd = fd;
	r->priv = pfile;
	len = (len + ps - 1) & ~(ps - 1);
	res = fill_file(fd, len);
	return res == PF_PASS ? map_file(r, len, fd) : res;
}

void pf_private_file_teardown(struct pf_region *r)
{
	struct private_file *pfile = r->priv;

	pf_unmap_region(r);
	if (pfile) {
		close(pfile->fd);
		free(pfile);
	}
	r->priv = NULL;
}
