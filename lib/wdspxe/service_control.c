/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Service control: the optional PXE_CALLBACK_SERVICE_CONTROL callback.
 * Which codes dpxe delivers and when is in wds_runtime.h; here they are
 * only passed on, in chain order, from one non-worker thread at a time.
 */
#include <rte_log.h>

#include "wds_rt_internal.h"

unsigned int
dpxe_wds_service_control(uint32_t code)
{
	unsigned int called = 0;

	for (unsigned int i = 0; i < wds_chain_len; i++) {
		struct wds_provider *p = &wds_chain[i];
		DWORD rc;

		if (p->control == NULL)
			continue;
		rc = p->control(p->control_ctx, code);
		called++;
		if (rc != ERROR_SUCCESS)
			wds_log(RTE_LOG_WARNING, "dpxe: provider %s: service control %u "
				"returned error %u\n", p->name, code, rc);
	}
	return called;
}

void
dpxe_wds_notify_reload(void)
{
	unsigned int n = dpxe_wds_service_control(SERVICE_CONTROL_PARAMCHANGE);

	if (n > 0)
		wds_log(RTE_LOG_INFO, "dpxe: configuration reload told to %u provider%s\n",
			n, n == 1 ? "" : "s");
}
