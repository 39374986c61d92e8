// SPDX-License-Identifier: GPL-2.0
#include "dirty_cow.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backing.h"
#include "force_write.h"
#include "pagemap.h"
#include "zero_oracle.h"

enum { SEED_PAYLOAD = 0x5c0 };

#define ONCE_LEN 0x200
#define RACE_LEN 0x40
#define MISALIGN 0x123
/* the huge zero page race remaps its region after this many zaps */
#define REMAP_EVERY 8

/* Never zero, so a write into a zero page always shows. */
static void fill_payload(unsigned char *buf, size_t len)
{
	pf_pattern_fill(buf, len, SEED_PAYLOAD);
	for (size_t i = 0; i < len; i++)
		buf[i] |= 0x80;
}

/* The write inside the second page (or the middle of a single page). */
static size_t write_offset(size_t len)
{
	size_t ps = pf_page_size();

	return (len >= 2 * ps ? ps : len / 2 & ~(ps - 1)) + MISALIGN;
}

static enum pf_result write_once(char *at, const void *payload, size_t len)
{
	int fd = pf_force_open();
	enum pf_result res;

	if (fd < 0)
		return pf_error("open /proc/self/mem: %s", strerror(-fd));
	res = pf_force_write_first(fd, at, payload, len);
	close(fd);
	return res;
}

static enum pf_result writer_sees_write(const char *at, const void *payload,
					size_t len)
{
	struct pf_mismatch m;

	if (!pf_compare(at, payload, len, &m))
		return PF_PASS;
	pf_mismatch_diag("the writer's mapping after its FOLL_FORCE write", &m);
	return pf_fail("the writer does not see its own FOLL_FORCE write");
}

static const char *page_kind(const void *addr)
{
	uint64_t pm = pf_pagemap(addr);

	if (!(pm & PM_PRESENT))
		return "not present";
	return pm & PM_FILE ? "a file/shared page" : "an anonymous page";
}

/* The mapping outside [off, off + len) must still be the file. */
static enum pf_result map_keeps_file(const struct pf_rofile *f, const char *map,
				     size_t off, size_t len, const char *when)
{
	char *ref = mmap(NULL, f->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pf_mismatch m;
	int bad;

	if (ref == MAP_FAILED)
		return pf_error("no memory for a reference copy");
	pf_pattern_fill(ref, f->len, f->seed);
	memcpy(ref + off, map + off, len);
	bad = pf_compare(map, ref, f->len, &m);
	munmap(ref, f->len);
	if (!bad)
		return PF_PASS;
	pf_mismatch_diag(when, &m);
	return pf_fail("%s: the private mapping does not read the file", when);
}

enum pf_result pf_cow_file_once(const struct pf_rofile *f, char *map)
{
	unsigned char payload[ONCE_LEN];
	size_t off = write_offset(f->len);
	enum pf_result res;

	fill_payload(payload, sizeof(payload));
	res = map_keeps_file(f, map, 0, 0, "before the write");
	if (res == PF_PASS)
		res = write_once(map + off, payload, sizeof(payload));
	if (res != PF_PASS)
		return res;
	pf_diag("wrote 0x%zx bytes at offset 0x%zx through /proc/self/mem; that page is now %s",
		sizeof(payload), off, page_kind(map + off));
	res = writer_sees_write(map + off, payload, sizeof(payload));
	if (res == PF_PASS)
		res = map_keeps_file(f, map, off, sizeof(payload), "around the write");
	if (res == PF_PASS)
		res = pf_rofile_unchanged(f, "after the FOLL_FORCE write", NULL);
	if (res != PF_PASS)
		return res;
	/* dropping the private copy shows the file again */
	if (madvise(map, f->len, MADV_DONTNEED))
		return pf_error("MADV_DONTNEED: %m");
	return map_keeps_file(f, map, 0, 0, "after MADV_DONTNEED");
}

static enum pf_result file_intact(void *arg)
{
	return pf_rofile_unchanged(arg, "during the race", NULL);
}

static void race_diag(const struct pf_force_race *r)
{
	pf_diag("race: %ld FOLL_FORCE writes (%ld refused), %ld zaps (%ld remaps), %ld reads, %ld checks",
		r->writes, r->refused, r->zaps, r->remaps, r->reads, r->checks);
}

/* A race in which nothing was written checked nothing. */
static enum pf_result race_verdict(enum pf_result res,
				   const struct pf_force_race *r)
{
	race_diag(r);
	if (res == PF_PASS && (!r->writes || !r->zaps))
		return pf_skip("the race did not run: %ld writes, %ld zaps",
			       r->writes, r->zaps);
	return res;
}

enum pf_result pf_cow_file_race(const struct pf_rofile *f, char *map,
				double seconds, const struct pf_uffd_minor *u)
{
	unsigned char payload[RACE_LEN];
	size_t off = write_offset(f->len);
	struct pf_force_race r = {
		.target = map + off, .payload = payload,
		.payload_len = sizeof(payload),
		.zap = map, .zap_len = f->len, .seconds = seconds,
		.check = file_intact, .check_arg = (void *)f,
		/*
		 * CVE-2022-2590: GUP may not wait for a userfaultfd, so the
		 * page is mapped again by user reads (UFFDIO_CONTINUE mapped it
		 * dirty before 5535be309971) while the writer's retry after its
		 * COW trusted a dirty PTE.
		 */
		.user_reader = u != NULL, .writes_may_fail = u != NULL,
	};
	enum pf_result res;

	fill_payload(payload, sizeof(payload));
	res = write_once(map + off, payload, sizeof(payload));
	if (res != PF_PASS)
		return res;
	res = pf_force_race_run(&r);
	if (u)
		pf_diag("race: %ld minor faults resolved by UFFDIO_CONTINUE", u->continues);
	if (u && u->error && res == PF_PASS)
		return pf_error("UFFDIO_CONTINUE failed: %s", strerror(u->error));
	if (res == PF_PASS)
		res = pf_rofile_unchanged(f, "after the race", NULL);
	return race_verdict(res, &r);
}

static enum pf_result zeros_around(const char *region, size_t len, size_t off,
				   size_t wlen)
{
	enum pf_result res = pf_reads_zeros(region, off, "the writer's mapping before the write", NULL);

	if (res == PF_PASS)
		res = pf_reads_zeros(region + off + wlen, len - off - wlen,
				     "the writer's mapping after the write", NULL);
	return res;
}

enum pf_result pf_cow_zero_once(char *region, const char *witness, size_t len)
{
	unsigned char payload[ONCE_LEN];
	size_t off = write_offset(len);
	enum pf_result res;

	fill_payload(payload, sizeof(payload));
	res = write_once(region + off, payload, sizeof(payload));
	if (res != PF_PASS)
		return res;
	pf_diag("wrote 0x%zx bytes at offset 0x%zx through /proc/self/mem; the region is now %s (policy, not checked)",
		sizeof(payload), off, pf_mapping_state(region, len));
	res = writer_sees_write(region + off, payload, sizeof(payload));
	if (res == PF_PASS)
		res = zeros_around(region, len, off, sizeof(payload));
	if (res == PF_PASS)
		res = pf_reads_zeros(witness, len, "another mapping of the zero page", NULL);
	return res;
}

static enum pf_result witness_zero(void *arg)
{
	const char **w = arg;

	return pf_reads_zeros(w[0], (size_t)(w[1] - w[0]),
			      "another mapping of the zero page, during the race", NULL);
}

enum pf_result pf_cow_zero_race(char *region, const char *witness, size_t len,
				int huge, double seconds)
{
	unsigned char payload[RACE_LEN];
	size_t off = write_offset(len);
	const char *span[2] = { witness, witness + len };
	struct pf_force_race r = {
		.target = region + off, .payload = payload,
		.payload_len = sizeof(payload),
		.zap = region, .zap_len = len, .seconds = seconds,
		.remap_every = huge ? REMAP_EVERY : 0, .gup_reader = 1,
		.check = witness_zero, .check_arg = span,
	};
	enum pf_result res;

	fill_payload(payload, sizeof(payload));
	res = write_once(region + off, payload, sizeof(payload));
	if (res != PF_PASS)
		return res;
	res = pf_force_race_run(&r);
	if (res == PF_PASS)
		res = pf_reads_zeros(witness, len, "another mapping of the zero page, after the race", NULL);
	return race_verdict(res, &r);
}
