/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading a provider's settings (the flat string map behind hProviderKey):
 * the parts every dpxe provider needs the same way, so that a boolean or an
 * unknown setting name is handled, and reported, identically everywhere.
 * Linked into each provider (hidden symbols); no state.
 */
#ifndef DPXE_PROVIDER_SETTINGS_H
#define DPXE_PROVIDER_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "dpxe_provider_ext.h"

/**
 * Parse a boolean setting value: true/yes/on/1 or false/no/off/0, in any
 * case. @return false (out untouched) when it is none of them.
 */
bool dpxe_ps_parse_bool(const char *text, bool *out);

/**
 * Read boolean setting name into *out (left at its default when absent).
 * @return ERROR_SUCCESS, or ERROR_INVALID_PARAMETER after tracing an error
 *   that names the setting and the value.
 */
DWORD dpxe_ps_get_bool(HANDLE hProvider, HKEY key, const char *name, bool *out);

/**
 * Reject setting names the provider does not know: every name must be in
 * known[0..n) or start with "dpxe." (reserved for the server). Needs the
 * server's DpxeProviderEnumSetting; without it the check is skipped.
 * @return ERROR_SUCCESS, or ERROR_INVALID_PARAMETER after tracing an error
 *   naming the first unknown setting.
 */
DWORD dpxe_ps_check_names(HANDLE hProvider, HKEY key, const char *const *known,
			  size_t n);

#endif /* DPXE_PROVIDER_SETTINGS_H */
