/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the file rows (backing_file.c, backing_memfd.c) share: a file of
 * known contents written with write(2), mapped MAP_PRIVATE and read-faulted,
 * so the region maps page cache pages until the case writes it.
 */
#ifndef PINFORK_PRIVATE_FILE_H
#define PINFORK_PRIVATE_FILE_H

#include <stddef.h>

#include "backing.h"

/* Fills fd (which r then owns) and maps it privately as r. */
enum pf_result pf_private_file_setup(struct pf_region *r, size_t min_len, int fd);
void pf_private_file_teardown(struct pf_region *r);

#endif
