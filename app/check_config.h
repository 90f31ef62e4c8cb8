/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe --check-config: load a configuration, print it effective or say in
 * one line why not. Kept apart from main() so that main can grow the EAL
 * start-up without this changing.
 */
#ifndef DPXE_APP_CHECK_CONFIG_H
#define DPXE_APP_CHECK_CONFIG_H

#include <stdio.h>

/** Exit status for a configuration that does not load. */
#define DPXE_EXIT_BAD_CONFIG 2

/**
 * Load @p path; on success print the effective configuration to @p out.
 * On failure print "file:line:col: path: message" to @p err.
 *
 * @return 0, or DPXE_EXIT_BAD_CONFIG: an exit status for main().
 */
int dpxe_check_config(const char *path, FILE *out, FILE *err);

#endif /* DPXE_APP_CHECK_CONFIG_H */
