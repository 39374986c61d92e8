// SPDX-License-Identifier: GPL-2.0
/*
 * Fixed buffers that start inside a large folio. io_uring coalesces a
 * buffer made of whole large folios into one bvec per folio (a8edbb424b13,
 * v6.12); the first bvec points at the folio's head page with an offset.
 * Before 3a3c6d61577d (v6.16, 6.12.36) that offset was the user address
 * modulo the folio size, which is the offset into the folio only when the
 * folio is mapped at an address aligned to its size. For folios moved by
 * mremap() it is off by the misalignment: READ_FIXED and WRITE_FIXED then
 * move the bytes of another part of the same folios.
 *
 * The oracle is exact: an image of what the region and the file must hold
 * after every I/O, compared byte for byte. The buffers end at least one
 * page before their last folio ends, so that on a kernel with the bug the
 * misplaced I/O (off by one page here) still stays inside our own folios.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "folio_uring.h"
#include "odirect.h"
#include "pattern.h"
#include "uring.h"

enum { SEED_MEM = 0x6f0, SEED_FILE = 0x6f1, SEED_CPU = 0x6f2 };

#define HEAD_MAX (256u << 10)	/* bytes of the buffer's head moved both ways */
#define FILE_MAX (512u << 10)

/* Where a fixed buffer lies in the folios: offsets in bytes from base. */
struct placement {
	const char *name;
	size_t start, end;
};

/* One I/O through the buffer: at off into it, len bytes, file offset foff. */
struct io_op {
	int write;
	size_t off, len, foff;
};

struct offsets_run {
	struct pf_folios *f;
	struct pf_scratch s;
	char *img;		/* what the folios must hold */
	char *fimg;		/* what the file must hold */
	size_t len, flen;
	const char *layout;
};

struct pf_folio_uring_hooks pf_folio_uring_test_hooks;

/* The symptom for the self-test: the data moved at addr + misplace. */
static int misplaced_io(const struct offsets_run *o, char *addr, const struct io_op *op)
{
	char *at = addr + pf_folio_uring_test_hooks.misplace;
	ssize_t n = op->write ? pwrite(o->s.fd, at, op->len, (off_t)op->foff)
			      : pread(o->s.fd, at, op->len, (off_t)op->foff);

	return n < 0 ? -errno : (int)n;
}

enum pf_result pf_image_holds(const void *mem, const void *img, size_t len,
			      const char *what)
{
	struct pf_mismatch m;

	if (!pf_compare(mem, img, len, &m))
		return PF_PASS;
	pf_mismatch_diag(what, &m);
	return pf_fail("%s: %zu bytes differ from what the I/O should have left, the first at offset %zu",
		       what, m.bad_bytes, m.offset);
}

/* O_DIRECT when everything is page-aligned, else the page cache: both use the bvecs. */
static int op_fd(const struct offsets_run *o, const char *addr, const struct io_op *op)
{
	size_t a = 4096;

	if ((uintptr_t)addr % a || op->len % a || op->foff % a)
		return o->s.fd;
	return o->s.dio_fd;
}

static enum pf_result do_op(struct offsets_run *o, struct pf_uring *u,
			    const struct placement *p, const struct io_op *op)
{
	char *addr = o->f->base + p->start + op->off;
	size_t at = p->start + op->off;
	int fd = op_fd(o, addr, op), n;

	if (op->write) {
		pf_pattern_fill(addr, op->len, SEED_CPU + (uint32_t)op->off);
		memcpy(o->img + at, addr, op->len);
		n = pf_folio_uring_test_hooks.misplace ? misplaced_io(o, addr, op)
			: pf_uring_write_fixed(u, fd, addr, op->len, op->foff);
		memcpy(o->fimg + op->foff, o->img + at, op->len);
	} else {
		n = pf_folio_uring_test_hooks.misplace ? misplaced_io(o, addr, op)
			: pf_uring_read_fixed(u, fd, addr, op->len, op->foff);
		memcpy(o->img + at, o->fimg + op->foff, op->len);
	}
	if (n < 0)
		return pf_error("%s_FIXED of %zu bytes: %s", op->write ? "WRITE" : "READ",
				op->len, strerror(-n));
	if ((size_t)n != op->len)
		return pf_error("%s_FIXED moved %d of %zu bytes", op->write ? "WRITE" : "READ",
				n, op->len);
	return PF_PASS;
}

/* The pages of the file the write covered (O_DIRECT reads them back whole). */
static int compare_file(struct offsets_run *o, const struct io_op *op, struct pf_mismatch *m)
{
	size_t from = op->foff & ~(size_t)4095;
	size_t to = (op->foff + op->len + 4095) & ~(size_t)4095;
	int rc;

	if (to > o->flen)
		to = o->flen;
	rc = pf_scratch_compare(&o->s, from, to - from, o->fimg + from, m);
	if (rc == -1)
		m->offset += from;
	return rc;
}

static enum pf_result check_op(struct offsets_run *o, const struct placement *p,
			       const struct io_op *op)
{
	char what[256];
	struct pf_mismatch m;
	int rc;

	snprintf(what, sizeof(what), "%s layout, buffer %s (%zu bytes at folio offset %zu), %s_FIXED of %zu bytes at buffer offset %zu%s",
		 o->layout, p->name, p->end - p->start, p->start % o->f->folio,
		 op->write ? "WRITE" : "READ", op->len, op->off,
		 op_fd(o, o->f->base + p->start + op->off, op) == o->s.dio_fd ? " (O_DIRECT)" : "");
	if (pf_image_holds(o->f->base, o->img, o->len, what) != PF_PASS)
		return PF_FAIL;
	if (!op->write)
		return PF_PASS;
	rc = compare_file(o, op, &m);
	if (rc == -2)
		return pf_error("reading the scratch file back failed");
	if (rc) {
		pf_mismatch_diag("the file", &m);
		return pf_fail("%s: the file got %zu wrong bytes, the first at file offset %zu",
			       what, m.bad_bytes, m.offset);
	}
	return PF_PASS;
}

/*
 * The buffer's head both ways (its first bvec, where the offset goes
 * wrong), and odd pieces near its middle and end (the bvecs found by
 * skipping whole folios from the first one's length).
 */
static size_t ops_for(const struct placement *p, struct io_op *ops)
{
	size_t len = p->end - p->start, piece = 3 * 4096 + 100, n = 0;
	size_t head = len < HEAD_MAX ? len : HEAD_MAX;

	ops[n++] = (struct io_op){ 0, 0, head, 0 };
	ops[n++] = (struct io_op){ 1, 0, head, 0 };
	if (len > piece + 8) {
		ops[n++] = (struct io_op){ 0, len / 2 + 7, piece > len / 2 - 8 ? len / 2 - 8 : piece, 1536 };
		ops[n++] = (struct io_op){ 1, len - piece / 2 - 5, piece / 2, 4096 };
	}
	return n;
}

static enum pf_result run_placement(struct offsets_run *o, const struct placement *p)
{
	struct pf_uring u;
	struct io_op ops[4];
	size_t n = ops_for(p, ops);
	enum pf_result res = pf_uring_pin(&u, o->f->base + p->start, p->end - p->start);

	for (size_t i = 0; i < n && res == PF_PASS; i++) {
		res = do_op(o, &u, p, &ops[i]);
		if (res == PF_PASS)
			res = check_op(o, p, &ops[i]);
	}
	pf_uring_exit(&u);
	return res;
}

/*
 * Starts at odd pages and odd bytes, in the first folio's middle and last
 * page, crossing into the second folio when there is one; each ends at
 * least a page before its last folio ends.
 */
static size_t placements_for(const struct pf_folios *f, struct placement *p)
{
	size_t fs = f->folio, ps = 4096, n = 0;
	size_t end = f->count > 1 ? fs + fs / 2 : fs - ps;
	size_t far = f->count > 1 ? 2 * fs - ps : fs - ps;

	p[n++] = (struct placement){ "from page 1 + 3 bytes", ps + 3, end };
	p[n++] = (struct placement){ "from page 2 (page-aligned)", 2 * ps, end };
	if (fs / 2 + ps + 512 < far)
		p[n++] = (struct placement){ "from the middle + a page + 512 bytes", fs / 2 + ps + 512, far };
	if (f->count > 1)
		p[n++] = (struct placement){ "from the first folio's last page", fs - ps, fs + 2 * ps };
	return n;
}

static enum pf_result run_layout(struct offsets_run *o, const char *layout)
{
	struct placement p[4];
	size_t n = placements_for(o->f, p);
	enum pf_result res = PF_PASS;

	o->layout = layout;
	o->len = o->f->count * o->f->folio;
	pf_pattern_fill(o->f->base, o->len, SEED_MEM);
	memcpy(o->img, o->f->base, o->len);
	for (size_t i = 0; i < n && res == PF_PASS; i++)
		res = run_placement(o, &p[i]);
	if (res == PF_PASS)
		pf_diag("%s layout: %zu buffers, READ_FIXED/WRITE_FIXED touched exactly the bytes asked for",
			layout, n);
	return res;
}

static enum pf_result open_run(struct offsets_run *o, struct pf_folios *f)
{
	char why[256];

	memset(o, 0, sizeof(*o));
	o->s.fd = o->s.dio_fd = -1;
	o->f = f;
	o->flen = f->count * f->folio < FILE_MAX ? f->count * f->folio : FILE_MAX;
	o->img = malloc(f->count * f->folio);
	o->fimg = malloc(o->flen);
	if (!o->img || !o->fimg)
		return pf_error("out of memory for the images");
	if (pf_scratch_open(&o->s, o->flen, why, sizeof(why)))
		return pf_skip("%s", why);
	pf_pattern_fill(o->fimg, o->flen, SEED_FILE);
	if (pf_scratch_fill(&o->s, 0, o->flen, SEED_FILE))
		return pf_error("writing the scratch file failed");
	return PF_PASS;
}

static void close_run(struct offsets_run *o)
{
	pf_scratch_close(&o->s);
	free(o->img);
	free(o->fimg);
}

enum pf_result pf_folio_uring_offsets(const struct pf_folio_spec *spec)
{
	struct offsets_run o;
	struct pf_folios f;
	enum pf_result res = pf_folios_make(&f, spec);

	if (res != PF_PASS) {
		pf_folios_free(&f);
		return res;
	}
	res = open_run(&o, &f);
	if (res == PF_PASS)
		res = run_layout(&o, "aligned");
	if (res == PF_PASS && spec->kind == PF_FOLIO_HUGETLB)
		pf_diag("hugetlb pages are always mapped at a multiple of their size: no unaligned layout exists");
	else if (res == PF_PASS) {
		res = pf_folios_move(&f, 4096);
		if (res == PF_PASS)
			res = run_layout(&o, "moved");
		if (res == PF_FAIL)
			pf_diag("the aligned layout was right and the moved one is not: the kernel takes the offset into the folio from the address modulo the folio size (3a3c6d61577d, in v6.16 and 6.12.36, is missing)");
	}
	close_run(&o);
	pf_folios_free(&f);
	return res;
}
