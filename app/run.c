/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon proper: EAL, configuration, dataplane, signals. Start-up fails
 * loudly with the cause and the fix; once running, signals only set flags
 * that the workers' housekeeping picks up.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "config/config.h"
#include "dataplane.h"
#include "run.h"

static struct dpxe_dataplane *running;

static void
on_signal(int sig)
{
	if (running == NULL)
		return;
	if (sig == SIGUSR1)
		dpxe_dataplane_request_stats(running);
	else if (sig == SIGHUP)
		dpxe_dataplane_request_reload(running);
	else
		dpxe_dataplane_stop(running);
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int
apply_log_config(const struct dpxe_config *cfg)
{
	if (cfg->log.file) {
		FILE *f = fopen(cfg->log.file, "a");

		if (f == NULL) {
			fprintf(stderr, "dpxe: log.file: cannot open %s: %s\n",
				cfg->log.file, strerror(errno));
			return -1;
		}
		setvbuf(f, NULL, _IOLBF, 0);
		rte_openlog_stream(f);
	}
	rte_log_set_level_pattern("dpxe.*", (uint32_t)cfg->log.level);
	return 0;
}

static int
write_stats_json(struct dpxe_dataplane *dp, const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, "dpxe: --stats-json: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	dpxe_stats_print_json(dp, f);
	return fclose(f) == 0 ? 0 : -1;
}

int
dpxe_run(int eal_argc, char **eal_argv, const struct dpxe_run_opts *opts)
{
	struct dpxe_dataplane_opts dpo = {
		.idle_exit_ms = opts->idle_exit_ms,
		.duration_ms = opts->duration_ms,
		.config_path = opts->config_file,
	};
	struct dpxe_config_error cerr;
	struct dpxe_config *cfg = NULL;
	char err[512];
	int rc, status = EXIT_FAILURE;

	/* a bad file is reported before EAL takes the machine's memory */
	rc = dpxe_config_load(opts->config_file, &cfg, &cerr);
	if (rc != 0) {
		fprintf(stderr, "dpxe: %s\n", cerr.text);
		return 2;
	}
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "dpxe: EAL start-up failed: %s (without "
			"hugepages pass --no-huge -m 1024; without PCI NICs "
			"--no-pci)\n", rte_strerror(rte_errno));
		dpxe_config_free(cfg);
		return EXIT_FAILURE;
	}
	if (apply_log_config(cfg) < 0)
		goto out;

	running = dpxe_dataplane_create(cfg, &dpo, err, sizeof(err));
	if (running == NULL) {
		fprintf(stderr, "dpxe: %s\n", err);
		goto out;
	}
	install_signals();
	rte_log(RTE_LOG_NOTICE, RTE_LOGTYPE_USER1,
		"dpxe: serving %s with %u worker(s); SIGUSR1 prints stats, "
		"SIGHUP reloads the file, SIGINT stops\n", opts->config_file,
		dpxe_dataplane_workers(running));
	dpxe_dataplane_run(running);

	dpxe_stats_print(running, stdout);
	fflush(stdout);
	status = EXIT_SUCCESS;
	if (opts->stats_json && write_stats_json(running, opts->stats_json) < 0)
		status = EXIT_FAILURE;
out:
	{
		struct dpxe_dataplane *dp = running;

		running = NULL;
		dpxe_dataplane_destroy(dp);
	}
	rte_eal_cleanup();
	dpxe_config_free(cfg);
	return status;
}
