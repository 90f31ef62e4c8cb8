/* SPDX-License-Identifier: BSD-3-Clause */
/* String table for enum dpxe_drop_reason, generated from the same X-macro. */
#include "drop_reason.h"

static const char *const reason_names[DPXE_DROP_MAX] = {
#define DPXE_REASON_NAME(name, str) [DPXE_DROP_##name] = str,
	DPXE_DROP_REASONS(DPXE_REASON_NAME)
#undef DPXE_REASON_NAME
};

const char *
dpxe_drop_reason_name(enum dpxe_drop_reason reason)
{
	if ((unsigned int)reason >= DPXE_DROP_MAX)
		return "unknown";
	return reason_names[reason];
}
