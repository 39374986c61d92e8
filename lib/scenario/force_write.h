/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writes through /proc/self/mem: the kernel writes with FOLL_FORCE, so a
 * read-only private mapping takes the write by copy-on-write (the mapping
 * gets an anonymous copy; the file or zero page under it must not change).
 * And the Dirty COW race: such writes in one thread, MADV_DONTNEED of the
 * target in another (optionally GUP reads or user reads in more), a check
 * of the victim from the caller's thread.
 */
#ifndef PINFORK_FORCE_WRITE_H
#define PINFORK_FORCE_WRITE_H

#include <stddef.h>

#include "pf_case.h"

/* Opens /proc/self/mem for writing: an fd, or -errno. */
int pf_force_open(void);
/* Writes len bytes of buf at addr through fd. 0, or -errno (short: -EIO). */
int pf_force_write(int fd, void *addr, const void *buf, size_t len);
/* The first FOLL_FORCE write of a case: PF_PASS, or PF_SKIP when the
 * kernel refuses writes through /proc/self/mem (proc_mem.force_override,
 * LSMs), PF_ERROR otherwise. */
enum pf_result pf_force_write_first(int fd, void *addr, const void *buf,
				    size_t len);

struct pf_force_race {
	/* in */
	char *target;		/* written through /proc/self/mem */
	const void *payload;
	size_t payload_len;
	char *zap;		/* MADV_DONTNEEDed, page aligned */
	size_t zap_len;
	/*
	 * Every remap_every zaps (0: never) the zapper maps a fresh read-only
	 * MADV_HUGEPAGE region over zap instead: since 3917c80280c9 (5.8) a
	 * write to the huge zero page splits the PMD, and MADV_DONTNEED keeps
	 * the page table, so only a new mapping faults the huge zero page in
	 * again.
	 */
	long remap_every;
	/* a third thread reads target through /proc/self/mem: GUP read
	 * faults and FOLL_TOUCH (a8f97366452e: touch_pmd() dirtied the PMD) */
	int gup_reader;
	/* a thread reads target through the mapping (user-mode faults) */
	int user_reader;
	/* a write may fail now and then (EIO/EFAULT: GUP met a userfaultfd
	 * fault it may not wait for); counted in refused, not an error */
	int writes_may_fail;
	double seconds;
	/* the victim must still be intact: PF_PASS goes on, else stops */
	enum pf_result (*check)(void *arg);
	void *check_arg;
	/* out */
	long writes, refused, zaps, remaps, reads, checks;
};

/* Runs the race for r->seconds, or until a check does not pass. */
enum pf_result pf_force_race_run(struct pf_force_race *r);

#endif
