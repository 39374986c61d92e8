// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_PRIVATE of a file in /var/tmp whose contents were written with
 * write(2). file-private: the case writes it, each page COWed into an
 * anonymous page; file-unwritten (pf_backings_unwritten): nobody writes it
 * but a pin, which must get the process its own page and leave the file
 * as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backing.h"
#include "private_file.h"

#define FILE_DIR "/var/tmp"

/* An unnamed file in FILE_DIR: O_TMPFILE, or a named one unlinked at once. */
static int scratch_fd(void)
{
	char path[] = FILE_DIR "/pinfork-private.XXXXXX";
	int fd = open(FILE_DIR, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static enum pf_result file_setup(struct pf_region *r, size_t min_len)
{
	int fd = scratch_fd();

	if (fd < 0)
		return pf_skip("no file in %s: %s", FILE_DIR, strerror(errno));
	return pf_private_file_setup(r, min_len, fd);
}

const struct pf_backing pf_backing_file_private = {
	.name = "file-private",
	.summary = "MAP_PRIVATE of a written file in " FILE_DIR ", written by the case (COW)",
	.flags = PF_BK_FILE | PF_BK_PAGE_ALIGNED | PF_BK_MMAP,
	.setup = file_setup,
	.teardown = pf_private_file_teardown,
};

const struct pf_backing pf_backing_file_unwritten = {
	.name = "file-unwritten",
	.summary = "MAP_PRIVATE of a written file in " FILE_DIR ", only read-faulted",
	.flags = PF_BK_FILE | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_UNWRITTEN,
	.setup = file_setup,
	.teardown = pf_private_file_teardown,
};
