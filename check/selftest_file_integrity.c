// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the file integrity oracles (lib/oracle/rofile.c,
 * lib/backing/zeropage.c) and of the Dirty COW / Dirty Pipe scenarios built on them
 * (lib/scenario/dirty_cow.c, lib/scenario/dirty_pipe.c). The symptom of those bugs is built
 * in userspace: the read-only file is modified through a second, writable
 * handle (a MAP_SHARED mapping, a pipe spliced into it), the "zero page" is
 * a shared memfd that a write does reach. Each case passes when the oracle
 * or scenario reported the change (with the right first bad offset where
 * the case can know it).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "dirty_cow.h"
#include "dirty_pipe.h"
#include "model.h"
#include "pagemap.h"
#include "rofile.h"
#include "zero_oracle.h"
#include "zeropage.h"

enum { SEED_FILE = 0x5e1f };

#define FILE_LEN (4 * pf_page_size())
#define SHARED_OFF 0x1abcu
#define PIPE_OFF 0x2345u

/* A read-only file and a writable handle on it (root: mode 0444). */
struct victim {
	struct pf_rofile f;
	int wfd;
};

static enum pf_result victim_open(struct victim *v)
{
	enum pf_result res = pf_rofile_create(&v->f, PF_ROFILE_BLOCK, FILE_LEN, SEED_FILE);

	v->wfd = -1;
	if (res != PF_PASS)
		return res;
	v->wfd = open(v->f.path, O_RDWR | O_CLOEXEC);
	if (v->wfd < 0)
		return pf_skip("a writable handle on a mode 0444 file needs root: %s",
			       strerror(errno));
	return PF_PASS;
}

static void victim_close(struct victim *v)
{
	if (v->wfd >= 0)
		close(v->wfd);
	pf_rofile_close(&v->f);
}

static char *map_shared_writable(struct victim *v)
{
	char *p = mmap(NULL, v->f.len, PROT_READ | PROT_WRITE, MAP_SHARED, v->wfd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* The oracle must fail and point at off. */
static enum pf_result expect_change_at(const struct pf_rofile *f, size_t off,
				       const char *what)
{
	struct pf_mismatch m;
	enum pf_result res = pf_rofile_unchanged(f, what, &m);

	if (res == PF_FAIL && m.offset != off) {
		pf_diag("first bad offset 0x%zx, the change was made at 0x%zx",
			m.offset, off);
		res = PF_PASS;	/* reported, but not where: not what we want */
	}
	return pf_expect(res, PF_FAIL, what);
}

static enum pf_result setup_is_read_only(enum pf_rofile_kind kind)
{
	struct pf_rofile f;
	enum pf_result res = pf_rofile_create(&f, kind, FILE_LEN, SEED_FILE);
	struct stat st;

	if (res != PF_PASS)
		return res;
	if ((fcntl(f.fd, F_GETFL) & O_ACCMODE) != O_RDONLY ||
	    fstat(f.fd, &st) || (st.st_mode & 07777) != 0444)
		res = pf_fail("the %s is not O_RDONLY with mode 0444", pf_rofile_kind_name(kind));
	else if (kind == PF_ROFILE_MEMFD && !(fcntl(f.fd, F_GET_SEALS) & F_SEAL_WRITE))
		res = pf_fail("the memfd is not sealed against writes");
	else if (write(f.fd, "x", 1) != -1)
		res = pf_fail("a write through the read-only fd succeeded");
	else
		res = pf_rofile_unchanged(&f, "untouched", NULL);
	pf_rofile_close(&f);
	return res;
}

static enum pf_result block_setup_is_read_only(struct pf_ctx *ctx)
{
	(void)ctx;
	return setup_is_read_only(PF_ROFILE_BLOCK);
}

static enum pf_result memfd_setup_is_read_only(struct pf_ctx *ctx)
{
	(void)ctx;
	return setup_is_read_only(PF_ROFILE_MEMFD);
}

static enum pf_result oracle_sees_shared_write(struct pf_ctx *ctx)
{
	struct victim v;
	enum pf_result res = victim_open(&v);
	char *map;

	(void)ctx;
	if (res == PF_PASS && !(map = map_shared_writable(&v)))
		res = pf_error("mmap MAP_SHARED: %s", strerror(errno));
	if (res == PF_PASS) {
		map[SHARED_OFF] = (char)~map[SHARED_OFF];
		munmap(map, v.f.len);
		res = expect_change_at(&v.f, SHARED_OFF, "a byte written through MAP_SHARED");
	}
	victim_close(&v);
	return res;
}

static enum pf_result oracle_sees_pipe_into_file(struct pf_ctx *ctx)
{
	struct victim v;
	enum pf_result res = victim_open(&v);
	unsigned char data[16];
	off64_t to = PIPE_OFF;
	int fds[2] = { -1, -1 };

	(void)ctx;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)~pf_pattern_byte(SEED_FILE, PIPE_OFF + i);
	if (res == PF_PASS && (pipe2(fds, O_CLOEXEC) ||
			       write(fds[1], data, sizeof(data)) != sizeof(data) ||
			       splice(fds[0], NULL, v.wfd, &to, sizeof(data), 0) != sizeof(data)))
		res = pf_error("pipe spliced into the file: %s", strerror(errno));
	if (res == PF_PASS)
		res = expect_change_at(&v.f, PIPE_OFF, "a pipe spliced into the file");
	if (fds[0] >= 0) {
		close(fds[0]);
		close(fds[1]);
	}
	victim_close(&v);
	return res;
}

/* Dirty COW on a MAP_SHARED writable mapping: the write is meant to land. */
static enum pf_result cow_scenario_on_shared(int race)
{
	struct victim v;
	enum pf_result res = victim_open(&v);
	char *map = NULL;

	if (res == PF_PASS && !(map = map_shared_writable(&v)))
		res = pf_error("mmap MAP_SHARED: %s", strerror(errno));
	if (res == PF_PASS) {
		res = race ? pf_cow_file_race(&v.f, map, 0.3, NULL)
			   : pf_cow_file_once(&v.f, map);
		res = pf_expect(res, PF_FAIL, race ? "Dirty COW race on a shared mapping"
						   : "FOLL_FORCE write into a shared mapping");
	}
	if (map)
		munmap(map, v.f.len);
	victim_close(&v);
	return res;
}

static enum pf_result cow_once_reported(struct pf_ctx *ctx)
{
	(void)ctx;
	return cow_scenario_on_shared(0);
}

static enum pf_result cow_race_reported(struct pf_ctx *ctx)
{
	(void)ctx;
	return cow_scenario_on_shared(1);
}

/* Dirty Pipe with the pipe written into the file instead of read. */
static enum pf_result dirty_pipe_reported(struct pf_ctx *ctx)
{
	struct victim v;
	enum pf_result res = victim_open(&v);

	(void)ctx;
	if (res == PF_PASS)
		res = pf_expect(pf_dirty_pipe_run(&v.f, v.wfd), PF_FAIL,
				"Dirty Pipe scenario with the pipe spliced into the file");
	victim_close(&v);
	return res;
}

static enum pf_result zero_oracle_sees_nonzero(struct pf_ctx *ctx)
{
	char buf[4096] = { 0 };
	struct pf_mismatch m;
	enum pf_result res;

	(void)ctx;
	buf[0x777] = 1;
	res = pf_reads_zeros(buf, sizeof(buf), "a buffer with one byte set", &m);
	if (res == PF_FAIL && m.offset != 0x777)
		return pf_fail("reported offset 0x%zx, not 0x777", m.offset);
	return pf_expect(res, PF_FAIL, "zero oracle on a non-zero byte");
}

/* A "zero page" that writes reach: two shared mappings of one memfd. */
static enum pf_result zero_scenario_on_shared(int race)
{
	size_t len = pf_page_size();
	int fd = memfd_create("pinfork-fake-zero", MFD_CLOEXEC);
	char *region = MAP_FAILED, *witness = MAP_FAILED;
	enum pf_result res;

	if (fd < 0 || ftruncate(fd, (off_t)len))
		return pf_error("memfd: %s", strerror(errno));
	region = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	witness = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (region == MAP_FAILED || witness == MAP_FAILED)
		return pf_error("mmap of the memfd: %s", strerror(errno));
	res = race ? pf_cow_zero_race(region, witness, len, 0, 0.3)
		   : pf_cow_zero_once(region, witness, len);
	munmap(region, len);
	munmap(witness, len);
	return pf_expect(res, PF_FAIL, race ? "zero page race on a shared memfd"
					    : "FOLL_FORCE write into a shared memfd");
}

static enum pf_result zero_once_reported(struct pf_ctx *ctx)
{
	(void)ctx;
	return zero_scenario_on_shared(0);
}

static enum pf_result zero_race_reported(struct pf_ctx *ctx)
{
	(void)ctx;
	return zero_scenario_on_shared(1);
}

/* The setup check must refuse what is not the (huge) zero page. */
static enum pf_result zero_backing_verified(struct pf_ctx *ctx)
{
	struct pf_zero_map z;
	char *page = mmap(NULL, pf_page_size(), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char why[160];
	enum pf_result res;

	(void)ctx;
	if (page == MAP_FAILED)
		return pf_error("mmap: %s", strerror(errno));
	page[0] = 1;
	if (!pf_zero_backed(page, pf_page_size(), 0, NULL, why, sizeof(why)))
		res = pf_fail("a written anonymous page passed for the zero page");
	else if ((res = pf_zero_map(&z, 0)) == PF_PASS &&
		 !pf_zero_backed(z.base, z.len, 1, NULL, why, sizeof(why)))
		res = pf_fail("the small zero page passed for the huge zero page");
	else if (res == PF_PASS)
		pf_diag("refused as huge: %s", why);
	pf_zero_unmap(&z);
	munmap(page, pf_page_size());
	return res;
}

static const struct pf_template templates[] = {
	{
		.name = "rofile-block-is-read-only",
		.summary = "the block-fs read-only file is O_RDONLY, mode 0444, refuses writes, and the oracle passes it untouched",
		.run = block_setup_is_read_only,
	},
	{
		.name = "rofile-memfd-is-sealed",
		.summary = "the memfd read-only file is O_RDONLY, mode 0444, sealed F_SEAL_WRITE, and the oracle passes it untouched",
		.run = memfd_setup_is_read_only,
	},
	{
		.name = "rofile-oracle-sees-shared-write",
		.summary = "file-unchanged oracle reports a byte written through a MAP_SHARED mapping, at its offset",
		.run = oracle_sees_shared_write, .needs = PF_NEED_ROOT,
	},
	{
		.name = "rofile-oracle-sees-pipe-into-file",
		.summary = "file-unchanged oracle reports a pipe spliced into the file, at its offset",
		.run = oracle_sees_pipe_into_file, .needs = PF_NEED_ROOT,
	},
	{
		.name = "dirty-cow-once-reported-shared",
		.summary = "the FOLL_FORCE write scenario fails on a MAP_SHARED writable mapping, where the write reaches the file",
		.run = cow_once_reported, .needs = PF_NEED_ROOT,
	},
	{
		.name = "dirty-cow-race-reported-shared",
		.summary = "the Dirty COW race scenario fails on a MAP_SHARED writable mapping",
		.run = cow_race_reported, .needs = PF_NEED_ROOT,
	},
	{
		.name = "dirty-pipe-reported-sink",
		.summary = "the Dirty Pipe scenario fails when its pipe is spliced into the file",
		.run = dirty_pipe_reported, .needs = PF_NEED_ROOT,
	},
	{
		.name = "zero-oracle-sees-nonzero",
		.summary = "zero oracle reports one non-zero byte at its offset",
		.run = zero_oracle_sees_nonzero,
	},
	{
		.name = "zero-cow-once-reported-shared",
		.summary = "the zero-page write scenario fails when region and witness share a memfd page",
		.run = zero_once_reported,
	},
	{
		.name = "zero-cow-race-reported-shared",
		.summary = "the zero-page race scenario fails when region and witness share a memfd page",
		.run = zero_race_reported,
	},
	{
		.name = "zero-backing-verified",
		.summary = "the zero-page setup check refuses a written page, and the small zero page as the huge one",
		.run = zero_backing_verified, .needs = PF_NEED_KPAGEFLAGS,
	},
};

PF_MAIN(templates)
