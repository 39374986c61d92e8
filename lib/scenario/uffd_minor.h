/* SPDX-License-Identifier: GPL-2.0 */
/*
 * userfaultfd minor faults on shmem (UFFD_FEATURE_MINOR_SHMEM, 5.14): a
 * fault on a page that is in the page cache but not mapped is handed to a
 * handler thread here, which maps the page-cache page with UFFDIO_CONTINUE.
 */
#ifndef PINFORK_UFFD_MINOR_H
#define PINFORK_UFFD_MINOR_H

#include <pthread.h>
#include <stddef.h>

#include "pf_case.h"

struct pf_uffd_minor {
	int fd;
	char *addr;
	size_t len;
	pthread_t thread;
	int running;
	volatile int stop;
	volatile long continues;	/* minor faults resolved */
	volatile int error;		/* errno of a failed UFFDIO_CONTINUE */
};

/*
 * Registers [addr, addr + len) (a shmem mapping) for minor faults and
 * starts the handler. PF_PASS, or PF_SKIP when the kernel cannot (no
 * userfaultfd, no privilege for kernel-mode faults, no minor shmem).
 */
enum pf_result pf_uffd_minor_start(struct pf_uffd_minor *u, char *addr,
				   size_t len);
/* Stops the handler and closes the userfaultfd (nothing may fault after). */
void pf_uffd_minor_stop(struct pf_uffd_minor *u);

#endif
