/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Held I/O: a file whose reads are answered by a server inside the case, so
 * the case decides how long a direct read stays in flight. The server sees
 * the request (the kernel has already taken its pages or pins of the user
 * buffer by then), tells the case, and answers only when released. That
 * turns "I/O in flight across fork / mprotect / MADV_* / munmap" from a race
 * into a deterministic sequence.
 *
 * Backends (one file each, one row in held_io.c's table):
 *   fuse  libfuse3 low-level server in a thread of the case (direct I/O
 *         path of fs/fuse: fuse_get_user_pages)
 *   nbd   the kernel's nbd block device with the server end of a
 *         socketpair in a thread of the case (block-layer direct I/O:
 *         bio_iov_iter_get_pages)
 * A backend that cannot be set up here (no /dev/fuse, no nbd module, not
 * root) SKIPs with the reason in why.
 *
 * Contents: byte i of the file is the pattern of PF_HELD_SEED at offset i
 * (pattern.h), so the case knows what each read must bring; a case that
 * wants other data picks another seed with pf_held_serve().
 */
#ifndef PINFORK_HELD_IO_H
#define PINFORK_HELD_IO_H

#include <stddef.h>
#include <stdint.h>

#define PF_HELD_SEED 0x5eed0001u

/* The file's contents: fills buf with what [off, off+len) holds. */
void pf_held_contents(void *buf, size_t off, size_t len);

struct pf_held;

struct pf_held_backend {
	const char *name;	/* "fuse", "nbd": appended to case names */
	const char *summary;
	/* 0 with *h ready, or -1 with why (a SKIP reason). */
	int (*open)(struct pf_held **h, size_t len, char *why, size_t size);
	unsigned needs;		/* enum pf_need: gates asked once per program */
	/* linux-git ids of the fix that made this path pin the user pages */
	const char *pin_fixes[2];
};

extern const struct pf_held_backend *const pf_held_backends[];
extern const size_t pf_held_backends_count;

/*
 * Opens the first backend of the table that works here (fuse, then nbd), or
 * the one named by $PINFORK_HELD_BACKEND: 0 with *h and *b set, or -1 with
 * every backend's reason in why.
 */
int pf_held_open_first(struct pf_held **h, const struct pf_held_backend **b,
		       size_t len, char *why, size_t size);

/* Backend rows, one file each (lib/pin/held_fuse.c, held_nbd.c). */
extern const struct pf_held_backend pf_held_fuse;
extern const struct pf_held_backend pf_held_nbd;

/*
 * The file descriptor to read from, opened O_DIRECT (the fd stays the
 * case's: do not close it). Reads of len bytes at off must be aligned to
 * pf_held_align().
 */
int pf_held_fd(struct pf_held *h);
size_t pf_held_align(struct pf_held *h);

/*
 * Arms the hold: the next read request that reaches the server for a range
 * containing file offset off is not answered until pf_held_release().
 * Other requests (partition scans, readahead of other ranges) are answered
 * at once.
 */
void pf_held_arm(struct pf_held *h, size_t off);

/*
 * Waits up to timeout seconds until the armed request reached the server
 * and is being held. 0 when it is held, -ETIMEDOUT when it never came.
 * This is the proof that the read was in flight at the event.
 */
int pf_held_wait(struct pf_held *h, double timeout);

/* From now on the file holds the pattern of seed (byte i: its byte at i). */
void pf_held_serve(struct pf_held *h, uint32_t seed);

/* Answers the held request (with the file's contents). */
void pf_held_release(struct pf_held *h);

/*
 * The range the held request asked for, (0, 0) before any was held. A
 * direct read reaches the server as asked; a read through the page cache
 * would come as whole pages: the case's proof that the read was direct.
 */
void pf_held_request(struct pf_held *h, size_t *off, size_t *len);

/* How many requests the server answered, and how many it held. */
void pf_held_stats(struct pf_held *h, long *answered, long *held);

/* Stops the server, releases anything held, tears the device down. */
void pf_held_close(struct pf_held *h);

#endif
