/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target over the configuration loader: any bytes must either load
 * (and then print and free cleanly) or be rejected with a located error;
 * never a crash, a leak or a hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpxe_config_error err;
	struct dpxe_config *cfg = NULL;
	int rc;

	rc = dpxe_config_parse("fuzz.yaml", (const char *)data, size, &cfg, &err);
	if (rc == 0) {
		FILE *null = fopen("/dev/null", "w");

		if (cfg == NULL)
			__builtin_trap();
		if (null) {
			dpxe_config_print(null, cfg);
			fclose(null);
		}
		dpxe_config_free(cfg);
	} else {
		/* a rejection always says what and where */
		if (cfg != NULL || err.text[0] == '\0' ||
		    memchr(err.text, '\0', sizeof(err.text)) == NULL)
			__builtin_trap();
	}
	return 0;
}
