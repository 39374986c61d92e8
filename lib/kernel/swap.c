// SPDX-License-Identifier: GPL-2.0
#include "swap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <unistd.h>

#include "knob.h"
#include "pagemap.h"

#define SWAP_MAGIC "SWAPSPACE2"
#define SWAP_BOOTBITS 1024	/* the header's fields start after these */
#define PAGEOUT_TRIES 5

int pf_swap_active(void)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[256];
	int lines = 0;

	while (f && fgets(line, sizeof(line), f))
		lines++;
	if (f)
		fclose(f);
	return lines > 1;
}

static pid_t swap_holder;	/* the process that set the swap file up */

static void swap_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/swapfile", knob_state_dir());
}

/* The version-1 header mkswap writes: version, last page, no bad pages. */
static int write_header(int fd, size_t bytes)
{
	size_t ps = pf_page_size();
	uint32_t fields[3] = { 1, (uint32_t)(bytes / ps - 1), 0 };
	char *page = calloc(1, ps);
	int err = 0;

	if (!page)
		return -ENOMEM;
	memcpy(page + SWAP_BOOTBITS, fields, sizeof(fields));
	memcpy(page + ps - strlen(SWAP_MAGIC), SWAP_MAGIC, strlen(SWAP_MAGIC));
	if (pwrite(fd, page, ps, 0) != (ssize_t)ps || fsync(fd))
		err = errno ? -errno : -EIO;
	free(page);
	return err;
}

/* A swap file of bytes at path: allocated (swapon refuses holes), headed. */
static int make_swap_file(const char *path, size_t bytes)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int err;

	if (fd < 0)
		return -errno;
	err = fallocate(fd, 0, 0, (off_t)bytes) ? -errno : write_header(fd, bytes);
	close(fd);
	return err;
}

/* At exit of the holder only: its cases inherit the handler. */
static void release_at_exit(void)
{
	if (swap_holder == getpid())
		knob_restore_final();
}

static int start_swap_file(char *why, size_t size)
{
	char path[512], cmd[3 * 512 + 100];
	int err;

	mkdir(knob_state_dir(), 0700);
	swap_path(path, sizeof(path));
	err = make_swap_file(path, PF_SWAP_FILE_BYTES);
	if (err) {
		unlink(path);
		snprintf(why, size, "cannot make a swap file %s: %s", path, strerror(-err));
		return -1;
	}
	snprintf(cmd, sizeof(cmd),
		 "swapoff '%s' 2>/dev/null; grep -qF '%s ' /proc/swaps || rm -f '%s'",
		 path, path, path);
	if (knob_undo_cmd_held(cmd) || swapon(path, 0)) {
		snprintf(why, size, "swapon %s: %s (filesystem without swap file support?)",
			 path, strerror(errno));
		knob_release_held();
		unlink(path);
		return -1;
	}
	if (swap_holder != getpid())
		atexit(release_at_exit);
	swap_holder = getpid();
	return 0;
}

int pf_swap_ensure(char *why, size_t size)
{
	if (pf_swap_active())
		return 0;
	if (geteuid()) {
		snprintf(why, size, "no active swap, and a temporary swap file needs root");
		return -1;
	}
	return start_swap_file(why, size);
}

size_t pf_pages_swapped(const void *addr, size_t len)
{
	size_t ps = pf_page_size(), n = 0;

	for (size_t off = 0; off < len; off += ps) {
		uint64_t e = pf_pagemap((const char *)addr + off);

		n += (e & PM_SWAP) && !(e & PM_PRESENT);
	}
	return n;
}

/* pagemap of a swap entry: type in bits 0-4, offset in bits 5-54 */
#define PM_SWAP_TYPE_BITS 5

int pf_swap_slots_consecutive(const void *addr, size_t len)
{
	size_t ps = pf_page_size();
	uint64_t first = pf_pagemap(addr) & PM_PFN_MASK;

	for (size_t off = 0; off < len; off += ps) {
		uint64_t e = pf_pagemap((const char *)addr + off);

		if (!(e & PM_SWAP) ||
		    (e & PM_PFN_MASK) != first + ((off / ps) << PM_SWAP_TYPE_BITS))
			return 0;
	}
	return 1;
}

int pf_swap_out(void *addr, size_t len, char *why, size_t size)
{
	size_t pages = len / pf_page_size(), got = 0;

	for (int i = 0; i < PAGEOUT_TRIES && got < pages; i++) {
		if (madvise(addr, len, MADV_PAGEOUT)) {
			snprintf(why, size, "MADV_PAGEOUT: %s", strerror(errno));
			return -1;
		}
		got = pf_pages_swapped(addr, len);
	}
	if (got == pages)
		return 0;
	snprintf(why, size, "MADV_PAGEOUT swapped out %zu of %zu pages", got, pages);
	return -1;
}
