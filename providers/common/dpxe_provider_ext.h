/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe extensions to the WDS provider API that dpxe's own providers use but
 * lib/wdspxe/wdspxe.h does not (yet) declare. One place, so that moving a
 * declaration into wdspxe.h is a one-line change here.
 *
 * DpxeProviderGetSetting and DPXE_SETTING_CONFIG_PATH are in wdspxe.h.
 */
#ifndef DPXE_PROVIDER_EXT_H
#define DPXE_PROVIDER_EXT_H

#include "wdspxe.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * PROPOSED, not (yet) exported by dpxe: the uIndex-th (0-based) setting of
 * a key, so that a provider can refuse setting names it does not know (a
 * typo such as "deny_mac" for "deny_macs" would otherwise be silently
 * ignored). Declared weak: while dpxe does not export it, its address is
 * NULL and providers skip the unknown-name check.
 *
 * @return ERROR_SUCCESS with *ppszName / *ppszValue set (valid as long as
 *   the key); ERROR_NO_MORE_ITEMS past the last setting.
 */
#ifndef DPXE_HAVE_PROVIDER_ENUM_SETTING
DWORD DpxeProviderEnumSetting(HKEY hProviderKey, ULONG uIndex, LPCSTR *ppszName,
			      LPCSTR *ppszValue) __attribute__((weak));
#endif

#ifdef __cplusplus
}
#endif

#endif /* DPXE_PROVIDER_EXT_H */
