/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirty Pipe (CVE-2022-0847): fill and drain a pipe so that every
 * pipe_buffer was last used by an anonymous write (PIPE_BUF_FLAG_CAN_MERGE),
 * splice one byte of a read-only file into it, then write to the pipe.
 * Before 9d2231c5d74e the spliced page-cache buffer kept the stale flag and
 * the write was merged into the file's page. Shared by tests/dirty_pipe.c
 * and check/selftest_file_integrity.c.
 */
#ifndef PINFORK_DIRTY_PIPE_H
#define PINFORK_DIRTY_PIPE_H

#include "rofile.h"

/*
 * Runs the sequence at a few offsets of f (first page, a middle page, the
 * last page), each followed by the "file unchanged" oracle. sink < 0: the
 * pipe is read back and must hold the file's byte and the written data;
 * sink >= 0: the pipe is spliced into sink at the file offset instead (the
 * self-test's way of writing a pipe into the file).
 */
enum pf_result pf_dirty_pipe_run(const struct pf_rofile *f, int sink);

#endif
