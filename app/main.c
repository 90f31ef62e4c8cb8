/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe: a DPDK-based PXE / proxyDHCP responder.
 *
 * Command line, the DPDK way: EAL options first, then "--", then dpxe's
 * own. Without "--" every argument is dpxe's, so that
 * "dpxe --check-config FILE" works on a host without hugepages or NICs.
 * main() only parses arguments and dispatches: run.c starts EAL with the
 * arguments before "--".
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_config.h"
#include "run.h"

#define EXIT_USAGE 2

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [EAL options] -- [options] [FILE]\n"
		"       %s --check-config FILE\n"
		"\n"
		"Options (after \"--\" when EAL options are given):\n"
		"  -c, --config FILE      the YAML configuration\n"
		"      --check-config     load and check the configuration, print\n"
		"                         it with defaults filled in, and exit:\n"
		"                         0 if valid, 2 if not (the error, with\n"
		"                         file:line:column, goes to stderr)\n"
		"      --stats-json FILE  on exit, write the counters as JSON\n"
		"      --idle-exit MS     stop once no frame arrived for MS ms\n"
		"      --duration MS      stop after MS ms\n"
		"  -h, --help             this text\n"
		"\n"
		"FILE (or --check-config=FILE) is the same as -c FILE.\n"
		"Signals: SIGUSR1 prints the stats, SIGHUP reloads FILE (a bad\n"
		"or not-live-appliable file is refused and logged, the running\n"
		"configuration keeps serving), SIGINT/SIGTERM stop.\n",
		prog, prog);
}

static int
parse_ms(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", optional_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "stats-json", required_argument, NULL, 'J' },
		{ "idle-exit", required_argument, NULL, 'I' },
		{ "duration", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = argv[0] != NULL ? argv[0] : "dpxe";
	const char *file = NULL;
	struct dpxe_run_opts run = { 0 };
	bool check = false;
	char **own;
	int own_argc = 1, first = 1, opt, rc;

	/* EAL's arguments end at "--"; ours follow. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			first = i + 1;
			break;
		}

	/* getopt permutes its argv: give it a copy of our part only. */
	own = calloc((size_t)(argc - first + 2), sizeof(*own));
	if (own == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_FAILURE;
	}
	own[0] = argv[0];
	for (int i = first; i < argc; i++)
		own[own_argc++] = argv[i];

	opterr = 0;
	rc = -1;
	while (rc < 0 &&
	       (opt = getopt_long(own_argc, own, ":c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'C':
			check = true;
			if (optarg != NULL)
				file = optarg;
			break;
		case 'J':
			run.stats_json = optarg;
			break;
		case 'I':
		case 'D':
			if (parse_ms(optarg, opt == 'I' ? &run.idle_exit_ms :
							  &run.duration_ms) < 0) {
				fprintf(stderr, "%s: \"%s\" is not a number of "
						"milliseconds\n", prog, optarg);
				rc = EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout, prog);
			rc = EXIT_SUCCESS;
			break;
		case ':':
			fprintf(stderr, "%s: option \"%s\" needs a value\n",
					prog, own[optind - 1]);
			rc = EXIT_USAGE;
			break;
		default:
			fprintf(stderr, "%s: unknown option \"%s\"%s (see "
					"--help)\n", prog, own[optind - 1],
					first == 1 ? "; EAL options go before "
					"\"--\"" : "");
			rc = EXIT_USAGE;
			break;
		}
	}
	if (rc < 0 && optind < own_argc) {
		const char *pos = own[optind];

		if (optind + 1 < own_argc || (file != NULL &&
				strcmp(file, pos) != 0)) {
			fprintf(stderr, "%s: one configuration file only (got "
					"\"%s\" and \"%s\")\n", prog,
					file != NULL ? file : pos,
					own[file != NULL ? optind :
					optind + 1]);
			rc = EXIT_USAGE;
		}
		file = pos;
	}
	free(own);
	if (rc >= 0)
		return rc;

	if (file == NULL) {
		fprintf(stderr, "%s: no configuration file given (-c FILE)\n",
				prog);
		usage(stderr, prog);
		return EXIT_USAGE;
	}
	if (check)
		return dpxe_check_config(file, stdout, stderr);

	run.config_file = file;
	/* EAL gets argv[0] and everything before "--" */
	return dpxe_run(first == 1 ? 1 : first - 1, argv, &run);
}
