/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dpxe dataplane: ports, per-worker mempools and queues, and the
 * run-to-completion worker loop that answers PXE requests.
 *
 * Start-up (create) may fail and says why; once running, nothing on the
 * packet path allocates, locks, logs above debug or makes a system call.
 */
#ifndef DPXE_DATAPLANE_H
#define DPXE_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "dp_stats.h"

/** Options that are not part of the YAML file (command line, tests). */
struct dpxe_dataplane_opts {
	/** Stop once no frame arrived for this long (ms); 0 = never. Used by
	 *  tests that replay a pcap and by one-shot runs. */
	uint32_t idle_exit_ms;
	/** Stop after this long (ms) in any case; 0 = never. */
	uint32_t duration_ms;
	/** The configuration file cfg came from, for providers (their
	 *  "dpxe.config" setting, PxeProviderRegister); NULL: unknown. */
	const char *config_path;
};

struct dpxe_dataplane;

/**
 * Attach and configure every port in cfg->dataplane, create one mempool and
 * one RX/TX queue pair per worker lcore, and start the ports. EAL must be
 * initialised. cfg must outlive the dataplane.
 *
 * @return the dataplane, or NULL with a message (naming the cause and the
 *         fix) written to err.
 */
struct dpxe_dataplane *dpxe_dataplane_create(const struct dpxe_config *cfg,
					     const struct dpxe_dataplane_opts *opts,
					     char *err, size_t err_len);

/**
 * Launch the workers on their lcores (the calling main lcore runs one too
 * when it is in the list) and return when they have all stopped: after
 * dpxe_dataplane_stop(), or the idle/duration limits.
 */
int dpxe_dataplane_run(struct dpxe_dataplane *dp);

/** Ask the workers to stop; async-signal-safe. */
void dpxe_dataplane_stop(struct dpxe_dataplane *dp);

/** Ask for the stats to be printed at the next housekeeping tick;
 *  async-signal-safe. */
void dpxe_dataplane_request_stats(struct dpxe_dataplane *dp);

/** Ask for the configuration file to be reloaded (SIGHUP): the control
 *  thread loads, checks and applies it, or keeps the running one and says
 *  why; async-signal-safe. */
void dpxe_dataplane_request_reload(struct dpxe_dataplane *dp);

/** Stop and close the ports, free the mempools and rings. */
void dpxe_dataplane_destroy(struct dpxe_dataplane *dp);

/** Number of workers. */
unsigned int dpxe_dataplane_workers(const struct dpxe_dataplane *dp);

#endif /* DPXE_DATAPLANE_H */
