// SPDX-License-Identifier: GPL-2.0
/*
 * pinfork-report's output files (report_out.h): a write error that stdio
 * kept until fclose is still reported, with the file's name.
 */
#include "report_out.h"

#include <errno.h>
#include <string.h>

FILE *report_open_output(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "pinfork-report: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

int report_close_output(FILE *f, const char *path)
{
	int err = ferror(f) ? (errno ? errno : EIO) : 0;

	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (err)
		fprintf(stderr, "pinfork-report: cannot write %s: %s\n", path, strerror(err));
	return err != 0;
}
