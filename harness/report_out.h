/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinfork-report's output files (report.c's, and the kernel matrix's):
 * opened and closed with one message that names the file and the error.
 */
#ifndef PINFORK_REPORT_OUT_H
#define PINFORK_REPORT_OUT_H

#include <stdio.h>

/* path opened for writing; NULL (and says why) when it cannot be. */
FILE *report_open_output(const char *path);
/* Closes f; 1 (and says why) when the file could not be written whole. */
int report_close_output(FILE *f, const char *path);

#endif
