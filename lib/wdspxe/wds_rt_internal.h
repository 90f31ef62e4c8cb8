/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to the provider runtime (registry.c, loader.c, trace.c, request.c). */
#ifndef DPXE_WDS_RT_INTERNAL_H
#define DPXE_WDS_RT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "dhcp.h"
#include "wds_runtime.h"
#include "wdspxe.h"

#define WDS_HKEY_MAGIC 0x4b45595750585044ull /* "DPXPWKEY" */

/* The object behind an HKEY. Runtime keys (given to Initialize) point at
 * the provider's settings in the running config; registry keys (from
 * PxeProviderRegister) name an entry of the registry and are looked up. */
struct dpxe_wds_hkey {
	uint64_t magic;
	const struct dpxe_config_setting *settings; /* runtime key */
	uint32_t settings_count;
	char *reg_name;                             /* registry key: malloc'd */
};

/* One loaded provider. hProvider is a pointer to one of these. */
struct wds_provider {
	uint64_t magic;                /* WDS_PROV_MAGIC while loaded */
	char name[64];
	char module[4096];
	bool critical;
	void *dl;
	int logtype;
	bool in_init;                  /* PxeRegisterCallback is allowed */
	PFN_PXE_PROVIDER_RECV_REQUEST recv;
	void *recv_ctx;
	PFN_DPXE_PROVIDER_RECV_REQUEST_EX recv_ex; /* NULL: recv */
	void *recv_ex_ctx;
	PFN_PXE_PROVIDER_SHUTDOWN shutdown;
	void *shutdown_ctx;
	PFN_PXE_PROVIDER_SERVICE_CONTROL control;
	void *control_ctx;
	ULONG filter;                  /* PXE_PROV_FILTER_*, default ALL */
	ULONG filter_v6;
	BOOL ipv6;                     /* default FALSE: never given v6 */
	bool no_zero_fill;             /* DPXE_PROV_ATTR_NO_ZERO_FILL */
	struct dpxe_wds_hkey key;
};
#define WDS_PROV_MAGIC 0x564f525050585044ull /* "DPXPPROV" */

/* The loaded chain, written only at load/unload (no worker running). */
extern struct wds_provider wds_chain[DPXE_WDS_MAX_PROVIDERS];
extern unsigned int wds_chain_len;

/* A provider's lib/dhcp is ours: its struct dpxe_dhcp_msg reads as ours
 * (DpxeRequestDhcpMsg, DpxeRegisterRecvRequestEx). */
static inline bool
wds_dhcp_msg_abi_ok(ULONG abi_version, ULONG size)
{
	return abi_version == DPXE_DHCP_MSG_ABI_VERSION && size == sizeof(struct dpxe_dhcp_msg);
}

/* hProvider -> provider, NULL if it is not one (no dereference first). */
struct wds_provider *wds_provider_from_handle(HANDLE h);

/* trace.c */
int wds_trace_logtype(const struct wds_provider *p);
int wds_trace_register(struct wds_provider *p);
void wds_set_server_mac(const uint8_t *mac);
void wds_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* registry.c: the registry of a running dpxe, from its config */
int wds_registry_init_runtime(const struct dpxe_config *cfg, const char *path);
void wds_registry_fini_runtime(void);
const char *wds_config_path(void);


#endif /* DPXE_WDS_RT_INTERNAL_H */
