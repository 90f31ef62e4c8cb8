/* SPDX-License-Identifier: BSD-3-Clause */
/* Setting helpers shared by dpxe's providers. */
#include <string.h>
#include <strings.h>

#include "provider_settings.h"

bool
dpxe_ps_parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

DWORD
dpxe_ps_get_bool(HANDLE hProvider, HKEY key, const char *name, bool *out)
{
	const char *v = DpxeProviderGetSetting(key, name);

	if (v == NULL || dpxe_ps_parse_bool(v, out))
		return ERROR_SUCCESS;
	PxeTrace(hProvider, PXE_TRACE_ERROR,
		 L"setting %S: \"%S\" is not a boolean (true or false)", name, v);
	return ERROR_INVALID_PARAMETER;
}

DWORD
dpxe_ps_check_names(HANDLE hProvider, HKEY key, const char *const *known, size_t n)
{
	LPCSTR name, value;

	if (DpxeProviderEnumSetting == NULL)
		return ERROR_SUCCESS;
	for (ULONG i = 0; DpxeProviderEnumSetting(key, i, &name, &value) == ERROR_SUCCESS;
	     i++) {
		bool ok = strncmp(name, "dpxe.", 5) == 0;

		for (size_t j = 0; j < n && !ok; j++)
			ok = strcmp(name, known[j]) == 0;
		if (!ok) {
			PxeTrace(hProvider, PXE_TRACE_ERROR,
				 L"setting %S: unknown setting name", name);
			return ERROR_INVALID_PARAMETER;
		}
	}
	return ERROR_SUCCESS;
}
