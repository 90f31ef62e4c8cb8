/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe --check-config: the whole configuration pipeline (read, schema,
 * resolve) without touching a NIC, so a file can be validated on any host
 * and in CI.
 */
#include "check_config.h"

#include "config/config.h"

int
dpxe_check_config(const char *path, FILE *out, FILE *err)
{
	struct dpxe_config_error e;
	struct dpxe_config *cfg;

	if (dpxe_config_load(path, &cfg, &e) != 0) {
		fprintf(err, "%s\n", e.text);
		return DPXE_EXIT_BAD_CONFIG;
	}
	dpxe_config_print(out, cfg);
	dpxe_config_free(cfg);
	return 0;
}
