// SPDX-License-Identifier: GPL-2.0
#include "shell.h"

#include <stdio.h>
#include <string.h>

int pf_shell(const char *cmd, char *out, size_t size)
{
	char line[256] = "";
	FILE *f = popen(cmd, "r");

	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		line[strcspn(line, "\n")] = '\0';
	while (fgetc(f) != EOF)
		;
	if (out)
		snprintf(out, size, "%s", line);
	return pclose(f) == 0 ? 0 : -1;
}
