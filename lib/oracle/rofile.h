/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-only scratch files and the "file unchanged" oracle (file integrity:
 * Dirty COW, Dirty Pipe). A read-only file is one the case made itself: on
 * a block filesystem (never tmpfs) or a sealed memfd, filled with a
 * pattern, chmod 0444, unlinked, and held only through an O_RDONLY fd.
 * Nothing the case does through that fd or a private mapping of it may
 * change what a fresh open reads.
 */
#ifndef PINFORK_ROFILE_H
#define PINFORK_ROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "pattern.h"
#include "pf_case.h"

enum pf_rofile_kind {
	PF_ROFILE_BLOCK,	/* a file on a block filesystem ($PINFORK_SCRATCH, /var/tmp) */
	PF_ROFILE_MEMFD,	/* shmem: a memfd sealed with F_SEAL_WRITE */
};

struct pf_rofile {
	int fd;			/* O_RDONLY, the only handle the case holds */
	size_t len;
	uint32_t seed;		/* the file holds pf_pattern_fill(seed) */
	enum pf_rofile_kind kind;
	char path[64];		/* /proc/self/fd/N: for fresh opens */
	char where[320];	/* what and where, for diagnostics */
};

/* Creates a read-only file of kind holding seed's pattern (len: whole
 * pages). PF_PASS, PF_SKIP (no block filesystem, no sealing) or PF_ERROR. */
enum pf_result pf_rofile_create(struct pf_rofile *f, enum pf_rofile_kind kind,
				size_t len, uint32_t seed);
void pf_rofile_close(struct pf_rofile *f);
const char *pf_rofile_kind_name(enum pf_rofile_kind kind);

/*
 * The oracle: a fresh O_RDONLY open of the file reads back the pattern it
 * was created with (that is the page cache). On a change, diagnostics give
 * the first bad offset and whether the change reached the disk too (an
 * O_DIRECT read, which writes dirty pages back first); m (may be NULL)
 * gets the mismatch. PF_PASS, PF_FAIL, or PF_ERROR when it cannot read.
 */
enum pf_result pf_rofile_unchanged(const struct pf_rofile *f, const char *when,
				   struct pf_mismatch *m);

#endif
