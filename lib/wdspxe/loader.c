/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading the provider chain: dlopen each module in config order, call its
 * PxeProviderInitialize, check the mandatory callbacks, and the failure
 * rules of WDS (events 259-263, 268): a critical provider that fails stops
 * start-up, a non-critical one is skipped with a log line. Also the two
 * provider functions that only make sense around initialisation:
 * PxeRegisterCallback and PxeProviderSetAttribute.
 *
 * Modules are opened RTLD_NOW (a missing symbol fails the load here, not on
 * the first packet) and RTLD_LOCAL (two providers may define the same
 * helper names). They resolve Pxe* from the dpxe executable, which exports
 * its symbols (export_dynamic) and links the runtime whole.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <rte_log.h>

#include "wds_rt_internal.h"

struct wds_provider wds_chain[DPXE_WDS_MAX_PROVIDERS];
unsigned int wds_chain_len;

struct wds_provider *
wds_provider_from_handle(HANDLE h)
{
	uintptr_t v = (uintptr_t)h, base = (uintptr_t)wds_chain;

	/* range and alignment first: a forged handle is never dereferenced */
	if (v < base || v >= base + sizeof(wds_chain) ||
	    (v - base) % sizeof(wds_chain[0]) != 0)
		return NULL;
	if (__atomic_load_n(&((struct wds_provider *)h)->magic, __ATOMIC_ACQUIRE) !=
	    WDS_PROV_MAGIC)
		return NULL;
	return h;
}

DWORD PXEAPI
PxeRegisterCallback(HANDLE hProvider, PXE_CALLBACK_TYPE CallbackType,
		    PVOID pCallbackFunction, PVOID pContext)
{
	struct wds_provider *p = wds_provider_from_handle(hProvider);

	if (p == NULL)
		return ERROR_INVALID_HANDLE;
	if (CallbackType >= PXE_CALLBACK_MAX || pCallbackFunction == NULL)
		return ERROR_INVALID_PARAMETER;
	/* workers read the callbacks without locks: they are set before the
	 * first request and never change afterwards */
	if (!p->in_init)
		return ERROR_NOT_SUPPORTED;
	switch (CallbackType) {
	case PXE_CALLBACK_RECV_REQUEST:
		p->recv = (PFN_PXE_PROVIDER_RECV_REQUEST)pCallbackFunction;
		p->recv_ctx = pContext;
		break;
	case PXE_CALLBACK_SHUTDOWN:
		p->shutdown = (PFN_PXE_PROVIDER_SHUTDOWN)pCallbackFunction;
		p->shutdown_ctx = pContext;
		break;
	default:
		p->control = (PFN_PXE_PROVIDER_SERVICE_CONTROL)pCallbackFunction;
		p->control_ctx = pContext;
		break;
	}
	return ERROR_SUCCESS;
}

DWORD
DpxeRegisterRecvRequestEx(HANDLE hProvider, PFN_DPXE_PROVIDER_RECV_REQUEST_EX pfnRecv,
			  PVOID pContext, ULONG uDhcpMsgAbi, ULONG uDhcpMsgSize)
{
	struct wds_provider *p = wds_provider_from_handle(hProvider);

	if (p == NULL)
		return ERROR_INVALID_HANDLE;
	if (pfnRecv == NULL)
		return ERROR_INVALID_PARAMETER;
	/* pMsg would be misread by a provider built against another lib/dhcp;
	 * like the callbacks, set only before the first request */
	if (!wds_dhcp_msg_abi_ok(uDhcpMsgAbi, uDhcpMsgSize) || !p->in_init)
		return ERROR_NOT_SUPPORTED;
	p->recv_ex = pfnRecv;
	p->recv_ex_ctx = pContext;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeProviderSetAttribute(HANDLE hProvider, PXE_PROVIDER_ATTRIBUTE Attribute,
			LPCVOID pParameterBuffer, ULONG uParamLen)
{
	struct wds_provider *p = wds_provider_from_handle(hProvider);
	ULONG v;

	if (p == NULL)
		return ERROR_INVALID_HANDLE;
	if (pParameterBuffer == NULL)
		return ERROR_INVALID_PARAMETER;
	switch (Attribute) {
	case PXE_PROV_ATTR_FILTER:
	case PXE_PROV_ATTR_FILTER_IPV6:
		if (uParamLen < sizeof(ULONG))
			return ERROR_INVALID_PARAMETER;
		memcpy(&v, pParameterBuffer, sizeof(v));
		if (v != PXE_PROV_FILTER_ALL && v != PXE_PROV_FILTER_DHCP_ONLY &&
		    v != PXE_PROV_FILTER_PXE_ONLY)
			return ERROR_INVALID_PARAMETER;
		/* may change while workers run: one atomic word */
		__atomic_store_n(Attribute == PXE_PROV_ATTR_FILTER ? &p->filter
								   : &p->filter_v6,
				 v, __ATOMIC_RELAXED);
		return ERROR_SUCCESS;
	case DPXE_PROV_ATTR_NO_ZERO_FILL:
		if (uParamLen < sizeof(BOOL))
			return ERROR_INVALID_PARAMETER;
		memcpy(&v, pParameterBuffer, sizeof(v));
		__atomic_store_n(&p->no_zero_fill, v ? true : false, __ATOMIC_RELAXED);
		return ERROR_SUCCESS;
	case PXE_PROV_ATTR_IPV6_CAPABLE:
		if (uParamLen < sizeof(BOOL))
			return ERROR_INVALID_PARAMETER;
		memcpy(&v, pParameterBuffer, sizeof(v));
		__atomic_store_n(&p->ipv6, v ? TRUE : FALSE, __ATOMIC_RELAXED);
		return ERROR_SUCCESS;
	default:
		return ERROR_INVALID_PARAMETER;
	}
}

static void
provider_close(struct wds_provider *p, bool call_shutdown)
{
	if (call_shutdown && p->shutdown != NULL) {
		DWORD rc = p->shutdown(p->shutdown_ctx);

		if (rc == ERROR_SUCCESS)
			wds_log(RTE_LOG_INFO, "dpxe: provider %s: shut down (event 267)\n",
				p->name);
		else
			wds_log(RTE_LOG_WARNING, "dpxe: provider %s: shutdown "
				"returned error %u\n", p->name, rc);
	}
	__atomic_store_n(&p->magic, 0, __ATOMIC_RELEASE);
	if (p->dl != NULL)
		dlclose(p->dl);
	memset(p, 0, sizeof(*p));
}

/* Load and initialise one provider into p. @return 0, or -1 with why. */
static int
provider_open(struct wds_provider *p, const struct dpxe_config_provider *c,
	      char *why, size_t why_len)
{
	PFN_PXE_PROVIDER_INITIALIZE init;
	const char *e;
	DWORD rc;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", c->name);
	snprintf(p->module, sizeof(p->module), "%s", c->module);
	p->critical = c->critical;
	p->filter = PXE_PROV_FILTER_ALL; /* WDS leaves it undocumented */
	p->filter_v6 = PXE_PROV_FILTER_ALL;
	p->key.magic = WDS_HKEY_MAGIC;
	p->key.settings = c->settings;
	p->key.settings_count = c->settings_count;
	wds_trace_register(p);

	p->dl = dlopen(c->module, RTLD_NOW | RTLD_LOCAL);
	if (p->dl == NULL) {
		e = dlerror();
		snprintf(why, why_len, "cannot load the module (event 259): %s",
			 e ? e : "unknown error");
		return -1;
	}
	dlerror();
	init = (PFN_PXE_PROVIDER_INITIALIZE)(uintptr_t)dlsym(p->dl, "PxeProviderInitialize");
	if (init == NULL) {
		e = dlerror();
		snprintf(why, why_len, "the module does not export "
			 "PxeProviderInitialize (event 260): %s",
			 e ? e : "symbol is NULL");
		provider_close(p, false);
		return -1;
	}
	__atomic_store_n(&p->magic, WDS_PROV_MAGIC, __ATOMIC_RELEASE);
	p->in_init = true;
	rc = init(p, &p->key);
	p->in_init = false;
	if (rc != ERROR_SUCCESS) {
		snprintf(why, why_len, "PxeProviderInitialize failed with error "
			 "%u (event 261)", rc);
		provider_close(p, false); /* WDS does not call shutdown then */
		return -1;
	}
	if (p->recv == NULL || p->shutdown == NULL) {
		snprintf(why, why_len, "PxeProviderInitialize did not register "
			 "the mandatory %s callback (event 263); unloaded",
			 p->recv == NULL ? "RECV_REQUEST" : "SHUTDOWN");
		provider_close(p, true); /* it did initialise: let it clean up */
		return -1;
	}
	return 0;
}

int
dpxe_wds_load(const struct dpxe_config *cfg, const char *config_path,
	      const uint8_t *server_mac, char *err, size_t err_len)
{
	char why[1024];

	dpxe_wds_unload();
	wds_set_server_mac(server_mac);
	if (cfg->providers_count == 0)
		return 0;
	if (cfg->providers_count > DPXE_WDS_MAX_PROVIDERS) {
		snprintf(err, err_len, "providers: %u listed, dpxe runs at most %u",
			 cfg->providers_count, DPXE_WDS_MAX_PROVIDERS);
		return -1;
	}
	if (wds_registry_init_runtime(cfg, config_path) != 0) {
		snprintf(err, err_len, "providers: out of memory");
		return -1;
	}
	for (uint32_t i = 0; i < cfg->providers_count; i++) {
		const struct dpxe_config_provider *c = &cfg->providers[i];
		struct wds_provider *p = &wds_chain[wds_chain_len];

		if (provider_open(p, c, why, sizeof(why)) == 0) {
			wds_chain_len++;
			wds_log(RTE_LOG_INFO, "dpxe: provider %s (%s): loaded and "
				"initialised (event 262)\n", c->name, c->module);
			continue;
		}
		if (c->critical) {
			snprintf(err, err_len, "providers[%u] %s (module %s): %s; "
				 "it is critical, so dpxe stops (fix the module "
				 "or set critical: false)", i, c->name, c->module, why);
			dpxe_wds_unload();
			return -1;
		}
		wds_log(RTE_LOG_WARNING, "dpxe: providers[%u] %s (module %s): %s; "
			"not critical, skipped\n", i, c->name, c->module, why);
	}
	if (wds_chain_len == 0) {
		snprintf(err, err_len, "providers: none of the %u providers could "
			 "be initialised (event 268); see the log lines above",
			 cfg->providers_count);
		dpxe_wds_unload();
		return -1;
	}
	return (int)wds_chain_len;
}

unsigned int
dpxe_wds_active(void)
{
	return wds_chain_len;
}

void
dpxe_wds_unload(void)
{
	/* STOP to all first (wds_runtime.h): no provider is gone yet when
	 * another hears it; then SHUTDOWN in reverse order, since a provider
	 * may depend on one loaded before it */
	dpxe_wds_service_control(SERVICE_CONTROL_STOP);
	while (wds_chain_len > 0)
		provider_close(&wds_chain[--wds_chain_len], true);
	wds_registry_fini_runtime();
}
