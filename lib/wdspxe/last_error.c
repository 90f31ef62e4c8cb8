/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GetLastError / SetLastError for providers: one value per thread, as on
 * Windows, so a worker lcore never sees another worker's error.
 */
#include "wdspxe.h"

static _Thread_local DWORD last_error;

DWORD
GetLastError(void)
{
	return last_error;
}

void
SetLastError(DWORD dwErrCode)
{
	last_error = dwErrCode;
}
