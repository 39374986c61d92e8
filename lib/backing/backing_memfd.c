// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_PRIVATE of a memfd (shmem) whose contents were written with
 * write(2). memfd-private: the case writes it (COW into anonymous pages);
 * memfd-unwritten (pf_backings_unwritten): nobody writes it but a pin.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "private_file.h"

static enum pf_result memfd_setup(struct pf_region *r, size_t min_len)
{
	int fd = memfd_create("pinfork-private", MFD_CLOEXEC);

	if (fd < 0)
		return pf_skip("memfd_create: %s", strerror(errno));
	return pf_private_file_setup(r, min_len, fd);
}

const struct pf_backing pf_backing_memfd_private = {
	.name = "memfd-private",
	.summary = "MAP_PRIVATE of a written memfd, written by the case (COW)",
	.flags = PF_BK_FILE | PF_BK_PAGE_ALIGNED | PF_BK_MMAP,
	.setup = memfd_setup,
	.teardown = pf_private_file_teardown,
};

const struct pf_backing pf_backing_memfd_unwritten = {
	.name = "memfd-unwritten",
	.summary = "MAP_PRIVATE of a written memfd, only read-faulted",
	.flags = PF_BK_FILE | PF_BK_PAGE_ALIGNED | PF_BK_MMAP | PF_BK_UNWRITTEN,
	.setup = memfd_setup,
	.teardown = pf_private_file_teardown,
};
