/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread: a DPDK control thread (not a worker lcore) that does
 * the slow work the workers must never wait for: the lease journal's
 * appends and flushes (lease_service.c) and configuration reloads
 * (reload.c). It wakes every millisecond; a flush (fdatasync) or a reload
 * only delays it, never a worker.
 */
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "dp_internal.h"

#define CONTROL_TICK_US 1000

static void *
control_main(void *arg)
{
	struct dpxe_dataplane *dp = arg;

	while (!__atomic_load_n(&dp->ctl_stop, __ATOMIC_ACQUIRE)) {
		/* only this thread changes dp->gen: a plain read is current */
		if (dp->leases != NULL)
			dpxe_lease_service_poll(dp->leases, dp->gen->cfg,
						dpxe_dp_now_s(dp, rte_rdtsc()),
						false);
		dpxe_reload_poll(dp);
		rte_delay_us_sleep(CONTROL_TICK_US);
	}
	return NULL;
}

int
dpxe_control_start(struct dpxe_dataplane *dp, char *err, size_t err_len)
{
	int rc = rte_ctrl_thread_create(&dp->ctl, "dpxe-ctl", NULL,
					control_main, dp);

	if (rc != 0) {
		snprintf(err, err_len, "cannot start the control thread: %s",
			 strerror(rc));
		return -1;
	}
	dp->ctl_started = true;
	return 0;
}

void
dpxe_control_stop(struct dpxe_dataplane *dp)
{
	if (!dp->ctl_started)
		return;
	__atomic_store_n(&dp->ctl_stop, true, __ATOMIC_RELEASE);
	pthread_join(dp->ctl, NULL);
	dp->ctl_started = false;
}
