// SPDX-License-Identifier: GPL-2.0
/*
 * pinfork-restore: put back every knob a crashed run left changed, the
 * held ones too (run.sh --restore runs it under the run lock: no run lives).
 */
#include <stdio.h>

#include "knob.h"

int main(void)
{
	int failed = knob_restore_forced();

	if (failed)
		fprintf(stderr, "pinfork-restore: %d knob(s) could not be restored\n",
			failed);
	return failed ? 1 : 0;
}
