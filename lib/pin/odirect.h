/* SPDX-License-Identifier: GPL-2.0 */
/*
 * O_DIRECT scratch files on a filesystem that really does direct I/O
 * (tmpfs is refused: its O_DIRECT is a buffered copy, no page references;
 * and every filesystem must show that O_DIRECT leaves the page cache alone).
 */
#ifndef PINFORK_ODIRECT_H
#define PINFORK_ODIRECT_H

#include <stddef.h>
#include <stdint.h>

#include "pattern.h"

struct pf_scratch {
	int dio_fd;		/* O_DIRECT */
	int fd;			/* buffered, same file */
	size_t mem_align;	/* buffer alignment O_DIRECT needs */
	size_t len;
	char path[256];
};

/*
 * Opens a fresh unlinked scratch file of len bytes (at least 16 KiB), in
 * the first of $PINFORK_SCRATCH, /var/tmp, . where an O_DIRECT write and
 * read leave the file's page cache empty. 0, or -1 with why.
 */
int pf_scratch_open(struct pf_scratch *s, size_t len, char *why, size_t size);
void pf_scratch_close(struct pf_scratch *s);

/* For check/selftest_odirect.c only: build the symptoms the probe must see. */
struct pf_scratch_hooks {
	int buffered;	/* open the "O_DIRECT" fd without O_DIRECT */
	int any_fs;	/* no filesystem-type filter (tmpfs, ramfs) */
};
extern struct pf_scratch_hooks pf_scratch_test_hooks;

/* Writes the pattern of seed to the file at off through a private bounce buffer. */
int pf_scratch_fill(struct pf_scratch *s, size_t off, size_t len, uint32_t seed);
/* Reads [off, off+len) of the file by O_DIRECT into a private buffer and
 * compares it with ref. 0 equal, -1 mismatch (m set), -2 I/O error. */
int pf_scratch_compare(struct pf_scratch *s, size_t off, size_t len,
		       const void *ref, struct pf_mismatch *m);
/* Same against the pattern of seed. */
int pf_scratch_check(struct pf_scratch *s, size_t off, size_t len,
		     uint32_t seed, struct pf_mismatch *m);

/* Full-length pread/pwrite on the O_DIRECT fd; 0 or -errno (short = -EIO). */
int pf_dio_read(struct pf_scratch *s, void *buf, size_t len, size_t off);
int pf_dio_write(struct pf_scratch *s, const void *buf, size_t len, size_t off);

#endif
