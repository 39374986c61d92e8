/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a held-I/O backend (held_fuse.c, held_nbd.c) shares with held_io.c:
 * the hold itself is common; a backend only runs a server that calls
 * pf_held_gate() before it answers each read request.
 */
#ifndef PINFORK_HELD_IO_BACKEND_H
#define PINFORK_HELD_IO_BACKEND_H

#include <pthread.h>
#include <stdint.h>

#include "held_io.h"

struct pf_held {
	int fd;			/* O_DIRECT, the case reads from it */
	size_t align;
	size_t len;
	uint32_t seed;		/* byte i of the file is the pattern of seed at i */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int armed;		/* the next request over arm_off is held */
	size_t arm_off;
	int holding;		/* a request is held now */
	size_t held_off, held_len;	/* the last request held */
	int released;
	int closing;
	long answered, held;
	void (*teardown)(struct pf_held *h);	/* the backend's own close */
	void *priv;
};

/* A zeroed pf_held with its lock ready and fd -1; NULL without memory. */
struct pf_held *pf_held_alloc(void);
void pf_held_free(struct pf_held *h);

/*
 * The server calls this for each read of [off, off+len) before answering:
 * if it is the armed request it is held here until pf_held_release() (or
 * close). Counts the request either way.
 */
void pf_held_gate(struct pf_held *h, size_t off, size_t len);

/* The server's answer: what [off, off+len) of the file holds now. */
void pf_held_fill(struct pf_held *h, void *buf, size_t off, size_t len);

#endif
