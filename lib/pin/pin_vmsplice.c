// SPDX-License-Identifier: GPL-2.0
/*
 * vmsplice() of the region into a pipe, without SPLICE_F_GIFT: the pipe
 * holds references to the pages (FOLL_GET, not a pin) until it is read;
 * send reads the pipe. A region larger than the pipe can grow to is
 * sampled: evenly spread pieces, each inside one page.
 */
#include "pin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "full_io.h"
#include "oracle.h"
#include "pattern.h"

#define MAX_PIECES 512

struct piece {
	size_t off, len;	/* in the region */
};

struct spliced {
	int pipe[2];
	size_t npieces, bytes;
	int read;		/* the pipe was read: a second send has nothing to read */
	struct piece pieces[MAX_PIECES];
};

/* The pieces of the region, each up to the end of its page. */
static size_t count_pieces(const struct pf_pin_state *st)
{
	size_t ps = pf_page_size();
	uintptr_t first = (uintptr_t)st->io / ps;
	uintptr_t last = ((uintptr_t)st->io + st->r->len - 1) / ps;

	return last - first + 1;
}

static struct piece piece_at(const struct pf_pin_state *st, size_t i)
{
	size_t ps = pf_page_size();
	uintptr_t start = (uintptr_t)st->io;
	uintptr_t page = (start / ps + i) * ps;
	uintptr_t from = page > start ? page : start;
	uintptr_t end = start + st->r->len;
	uintptr_t to = page + ps < end ? page + ps : end;

	return (struct piece){ from - start, to - from };
}

/* Grows the pipe toward want slots; the slots it has. */
static size_t pipe_slots(int fd, size_t want)
{
	size_t ps = pf_page_size();
	int size;

	if (want > MAX_PIECES)
		want = MAX_PIECES;
	fcntl(fd, F_SETPIPE_SZ, (int)(want * ps));
	size = fcntl(fd, F_GETPIPE_SZ);
	return size > 0 ? (size_t)size / ps : 0;
}

static int splice_piece(struct spliced *sp, struct pf_pin_state *st,
			struct piece p)
{
	struct iovec iov = { st->io + p.off, p.len };
	ssize_t n = vmsplice(sp->pipe[1], &iov, 1, SPLICE_F_NONBLOCK);

	if (n < 0)
		return -errno;
	if ((size_t)n != p.len)
		return -EIO;
	sp->pieces[sp->npieces++] = p;
	sp->bytes += p.len;
	return 0;
}

static enum pf_result vmsplice_take(struct pf_pin_state *st)
{
	struct spliced *sp = pf_pin_priv(st, sizeof(*sp));
	size_t total, slots, n;

	if (!sp)
		return pf_error("out of memory");
	if (pipe2(sp->pipe, O_CLOEXEC)) {
		sp->pipe[0] = sp->pipe[1] = -1;
		return pf_error("pipe: %s", strerror(errno));
	}
	total = count_pieces(st);
	slots = pipe_slots(sp->pipe[1], total);
	if (!slots)
		return pf_error("F_GETPIPE_SZ: %s", strerror(errno));
	if (slots < total)
		pf_diag("vmsplice: the pipe holds %zu of the region's %zu pages: sampled",
			slots, total);
	n = slots < total ? slots : total;
	for (size_t i = 0; i < n; i++) {
		int err = splice_piece(sp, st, piece_at(st, i * total / n));

		if (err)
			return pf_error("vmsplice: %s", strerror(-err));
	}
	return PF_PASS;
}

/*
 * What the pipe holds, put back at the pieces' offsets over seed's pattern,
 * so the check names the first bad offset in the region.
 */
static enum pf_result vmsplice_send(struct pf_pin_state *st, uint32_t seed)
{
	struct spliced *sp = st->priv;
	size_t len = st->r->len;
	char *got = pf_pin_bounce(len), *staged = pf_pin_bounce(sp->bytes), *at;
	enum pf_result res;
	int err;

	if (sp->read)
		return pf_error("vmsplice: the pipe was read already");
	sp->read = 1;
	if (!got || !staged)
		res = pf_error("out of memory");
	else if ((err = pf_read_full(sp->pipe[0], staged, sp->bytes)))
		res = pf_error("reading the pipe: %s", strerror(-err));
	else {
		pf_pattern_fill(got, len, seed);
		at = staged;
		for (size_t i = 0; i < sp->npieces; at += sp->pieces[i++].len)
			memcpy(got + sp->pieces[i].off, at, sp->pieces[i].len);
		res = pf_view_holds(got, len, seed,
				    "the pipe holds other data than the CPU wrote last");
	}
	pf_pin_bounce_free(got, len);
	pf_pin_bounce_free(staged, sp->bytes);
	return res;
}

static void vmsplice_release(struct pf_pin_state *st)
{
	struct spliced *sp = st->priv;

	for (int i = 0; sp && i < 2; i++)
		if (sp->pipe[i] >= 0)
			close(sp->pipe[i]);
}

const struct pf_pin pf_pin_vmsplice = {
	.name = "vmsplice",
	.summary = "vmsplice() into a pipe (page references)",
	.flags = PF_PIN_REFS | PF_PIN_DEV_READS,
	.take = vmsplice_take,
	.send = vmsplice_send,
	.release = vmsplice_release,
};
