// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty Pipe, CVE-2022-0847: a pipe whose buffers were all last used by
 * plain writes, one byte of a read-only file spliced into it, then a write
 * to the pipe: before 9d2231c5d74e the new page-cache pipe_buffer kept a
 * stale PIPE_BUF_FLAG_CAN_MERGE and the write went into the file's page.
 */
#include "backing.h"
#include "dirty_pipe.h"
#include "model.h"

enum { SEED_FILE = 0xd1f };

#define FILE_PAGES 4

static const enum pf_rofile_kind block_file = PF_ROFILE_BLOCK;
static const enum pf_rofile_kind memfd_file = PF_ROFILE_MEMFD;

static enum pf_result dirty_pipe(struct pf_ctx *ctx)
{
	const enum pf_rofile_kind *kind = ctx->arg;
	struct pf_rofile f;
	enum pf_result res = pf_rofile_create(&f, *kind,
					      FILE_PAGES * pf_page_size(), SEED_FILE);

	if (res == PF_PASS) {
		pf_diag("%s", f.where);
		res = pf_dirty_pipe_run(&f, -1);
	}
	pf_rofile_close(&f);
	return res;
}

static const struct pf_template templates[] = {
	{
		.name = "dirty-pipe-file",
		.summary = "Dirty Pipe: fill and drain a pipe, splice one byte of a read-only block-fs file into it, write to the pipe: the file does not change",
		.run = dirty_pipe, .arg = &block_file,
		.fixes = { "9d2231c5d74e" }, .cves = { "CVE-2022-0847" },
	},
	{
		.name = "dirty-pipe-memfd",
		.summary = "Dirty Pipe on a sealed memfd: the memfd does not change",
		.run = dirty_pipe, .arg = &memfd_file,
		.fixes = { "9d2231c5d74e" }, .cves = { "CVE-2022-0847" },
	},
};

PF_MAIN(templates)
