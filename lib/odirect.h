/* SPDX-License-Identifier: GPL-2.0 */
/*
 * O_DIRECT scratch files on a filesystem that really does direct I/O
 * (tmpfs is refused: its O_DIRECT is a buffered copy, no page references).
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

/* Opens a fresh unlinked scratch file of len bytes. 0, or -1 with why. */
int pf_scratch_open(struct pf_scratch *s, size_t len, char *why, size_t size);
void pf_scratch_close(struct pf_scratch *s);

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
