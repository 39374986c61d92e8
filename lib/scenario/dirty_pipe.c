// SPDX-License-Identifier: GPL-2.0
#include "dirty_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backing.h"

enum { SEED_PAYLOAD = 0xd1 };

#define PAYLOAD_LEN 0x40
#define MAX_PROBES 3

struct probe {
	int rd, wr;		/* the pipe, non-blocking: nothing here waits */
	size_t off;		/* file offset of the first byte written */
	unsigned char payload[PAYLOAD_LEN];
};

/* Offsets inside one page each, never at its start (one byte is spliced
 * from the byte before), with room for the payload. */
static size_t pick_offsets(size_t len, size_t *off)
{
	size_t ps = pf_page_size(), n = 0;

	off[n++] = 1;
	if (len >= 3 * ps)
		off[n++] = len / 2 / ps * ps + 0x123;
	if (len >= 2 * ps)
		off[n++] = len - PAYLOAD_LEN - 0x10;
	return n;
}

/* Every slot of the ring gets an anonymous buffer, then is emptied. */
static int prime(const struct probe *p)
{
	size_t ps = pf_page_size();
	long cap = fcntl(p->wr, F_GETPIPE_SZ);
	char *page = mmap(NULL, ps, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int rc = 0;

	if (cap <= 0 || page == MAP_FAILED)
		return -1;
	memset(page, 0xaa, ps);
	for (long done = 0; !rc && done < cap; done += (long)ps)
		rc = write(p->wr, page, ps) == (ssize_t)ps ? 0 : -1;
	for (long done = 0; !rc && done < cap; done += (long)ps)
		rc = read(p->rd, page, ps) == (ssize_t)ps ? 0 : -1;
	munmap(page, ps);
	return rc;
}

static int splice_then_write(const struct pf_rofile *f, const struct probe *p)
{
	off64_t from = (off64_t)p->off - 1;

	if (splice(f->fd, &from, p->wr, NULL, 1, SPLICE_F_NONBLOCK) != 1)
		return -1;
	return write(p->wr, p->payload, PAYLOAD_LEN) == PAYLOAD_LEN ? 0 : -1;
}

/* The reader gets the spliced byte of the file, then the written data. */
static enum pf_result pipe_holds(const struct pf_rofile *f, const struct probe *p)
{
	unsigned char want[1 + PAYLOAD_LEN], got[2 + PAYLOAD_LEN];
	ssize_t n = read(p->rd, got, sizeof(got));
	struct pf_mismatch m;

	want[0] = pf_pattern_byte(f->seed, p->off - 1);
	memcpy(want + 1, p->payload, PAYLOAD_LEN);
	if (n != (ssize_t)sizeof(want))
		return pf_fail("the pipe returned %zd bytes, not the %zu spliced and written",
			       n, sizeof(want));
	if (!pf_compare(got, want, sizeof(want), &m))
		return PF_PASS;
	pf_mismatch_diag("what the pipe returned", &m);
	return pf_fail("the pipe returned other data than was spliced and written");
}

static enum pf_result drain_into(int sink, const struct probe *p)
{
	off64_t to = (off64_t)p->off - 1;

	if (splice(p->rd, NULL, sink, &to, 1 + PAYLOAD_LEN, 0) != 1 + PAYLOAD_LEN)
		return pf_error("splice of the pipe into the sink: %s", strerror(errno));
	return PF_PASS;
}

static enum pf_result run_probe(const struct pf_rofile *f, struct probe *p,
				int sink)
{
	int fds[2];
	enum pf_result res;
	char when[64];

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
		return pf_error("pipe: %s", strerror(errno));
	p->rd = fds[0];
	p->wr = fds[1];
	if (prime(p) || splice_then_write(f, p))
		res = pf_error("fill/drain, splice or write at file offset 0x%zx: %s",
			       p->off, strerror(errno));
	else
		res = sink < 0 ? pipe_holds(f, p) : drain_into(sink, p);
	close(p->rd);
	close(p->wr);
	if (res != PF_PASS)
		return res;
	snprintf(when, sizeof(when), "after the pipe write at offset 0x%zx", p->off);
	return pf_rofile_unchanged(f, when, NULL);
}

enum pf_result pf_dirty_pipe_run(const struct pf_rofile *f, int sink)
{
	size_t off[MAX_PROBES];
	size_t n = pick_offsets(f->len, off);
	struct probe p;
	enum pf_result res = PF_PASS;

	pf_pattern_fill(p.payload, PAYLOAD_LEN, SEED_PAYLOAD);
	for (size_t i = 0; i < n && res == PF_PASS; i++) {
		p.off = off[i];
		res = run_probe(f, &p, sink);
	}
	if (res == PF_PASS)
		pf_diag("%zu probes: 1 byte spliced from the %s, %d bytes written after it; the file is unchanged",
			n, pf_rofile_kind_name(f->kind), PAYLOAD_LEN);
	return res;
}
