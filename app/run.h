/* SPDX-License-Identifier: BSD-3-Clause */
/* Running the dataplane: EAL start-up, config, signals, stats, clean exit. */
#ifndef DPXE_APP_RUN_H
#define DPXE_APP_RUN_H

#include <stdint.h>

struct dpxe_run_opts {
	const char *config_file;
	const char *stats_json;  /* write the final stats here as JSON */
	uint32_t idle_exit_ms;   /* stop after this long without traffic */
	uint32_t duration_ms;    /* stop after this long */
};

/**
 * Start EAL with eal_argv (argv[0] plus the EAL options), load the config,
 * run the workers until SIGINT/SIGTERM or a limit, print the stats and clean
 * up. @return the process exit code: 0, 1 on a start-up failure, 2 on a bad
 * configuration.
 */
int dpxe_run(int eal_argc, char **eal_argv, const struct dpxe_run_opts *opts);

#endif /* DPXE_APP_RUN_H */
