// SPDX-License-Identifier: GPL-2.0
/* The hold shared by every held-I/O backend, and the backend table. */
#include "held_io_backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pattern.h"

struct pf_held *pf_held_alloc(void)
{
	struct pf_held *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->fd = -1;
	h->seed = PF_HELD_SEED;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	return h;
}

void pf_held_free(struct pf_held *h)
{
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
	free(h);
}

static void fill_from(void *buf, size_t off, size_t len, uint32_t seed)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = pf_pattern_byte(seed, off + i);
}

void pf_held_contents(void *buf, size_t off, size_t len)
{
	fill_from(buf, off, len, PF_HELD_SEED);
}

void pf_held_serve(struct pf_held *h, uint32_t seed)
{
	pthread_mutex_lock(&h->lock);
	h->seed = seed;
	pthread_mutex_unlock(&h->lock);
}

void pf_held_fill(struct pf_held *h, void *buf, size_t off, size_t len)
{
	uint32_t seed;

	pthread_mutex_lock(&h->lock);
	seed = h->seed;
	pthread_mutex_unlock(&h->lock);
	fill_from(buf, off, len, seed);
}

int pf_held_fd(struct pf_held *h)
{
	return h->fd;
}

size_t pf_held_align(struct pf_held *h)
{
	return h->align;
}

void pf_held_arm(struct pf_held *h, size_t off)
{
	pthread_mutex_lock(&h->lock);
	h->armed = 1;
	h->arm_off = off;
	h->released = 0;
	pthread_mutex_unlock(&h->lock);
}

void pf_held_gate(struct pf_held *h, size_t off, size_t len)
{
	pthread_mutex_lock(&h->lock);
	if (h->armed && h->arm_off >= off && h->arm_off < off + len) {
		h->armed = 0;
		h->holding = 1;
		h->held++;
		h->held_off = off;
		h->held_len = len;
		pthread_cond_broadcast(&h->cond);
		while (!h->released && !h->closing)
			pthread_cond_wait(&h->cond, &h->lock);
		h->holding = 0;
	}
	h->answered++;
	pthread_mutex_unlock(&h->lock);
}

int pf_held_wait(struct pf_held *h, double timeout)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)timeout;
	until.tv_nsec += (long)((timeout - (time_t)timeout) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&h->lock);
	while (!h->holding && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&h->cond, &h->lock, &until);
	rc = h->holding ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&h->lock);
	return rc;
}

void pf_held_release(struct pf_held *h)
{
	pthread_mutex_lock(&h->lock);
	h->released = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

void pf_held_request(struct pf_held *h, size_t *off, size_t *len)
{
	pthread_mutex_lock(&h->lock);
	*off = h->held_off;
	*len = h->held_len;
	pthread_mutex_unlock(&h->lock);
}

void pf_held_stats(struct pf_held *h, long *answered, long *held)
{
	pthread_mutex_lock(&h->lock);
	*answered = h->answered;
	*held = h->held;
	pthread_mutex_unlock(&h->lock);
}

void pf_held_close(struct pf_held *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->closing = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	if (h->teardown)
		h->teardown(h);
	pf_held_free(h);
}

/* Backends add their row here (a held_<name>.c each). */
const struct pf_held_backend *const pf_held_backends[] = {
	&pf_held_fuse,
	&pf_held_nbd,
};
const size_t pf_held_backends_count =
	sizeof(pf_held_backends) / sizeof(pf_held_backends[0]);

/* Appends "name: reason" to why, "; " between backends. */
static void add_reason(char *why, size_t size, const char *name,
		       const char *reason)
{
	size_t used = strlen(why);

	if (used < size)
		snprintf(why + used, size - used, "%s%s: %s", used ? "; " : "",
			 name, reason);
}

int pf_held_open_first(struct pf_held **h, const struct pf_held_backend **b,
		       size_t len, char *why, size_t size)
{
	const char *only = getenv("PINFORK_HELD_BACKEND");
	char reason[256];

	why[0] = '\0';
	for (size_t i = 0; i < pf_held_backends_count; i++) {
		const struct pf_held_backend *row = pf_held_backends[i];

		if (only && *only && strcmp(only, row->name))
			continue;
		if (!row->open(h, len, reason, sizeof(reason))) {
			*b = row;
			return 0;
		}
		add_reason(why, size, row->name, reason);
	}
	if (!why[0])
		snprintf(why, size, "no held-I/O backend named \"%s\" (PINFORK_HELD_BACKEND)",
			 only);
	return -1;
}
