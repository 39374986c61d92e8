// SPDX-License-Identifier: GPL-2.0
/* pinfork-restore: put back every knob a crashed run left changed. */
#include <stdio.h>

#include "knob.h"

int main(void)
{
	int failed = knob_restore_all();

	if (failed)
		fprintf(stderr, "pinfork-restore: %d knob(s) could not be restored\n",
			failed);
	return failed ? 1 : 0;
}
