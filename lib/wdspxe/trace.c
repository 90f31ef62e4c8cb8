/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PxeTrace / PxeTraceV and PxeGetServerInfo(Ex). Traces go to rte_log, one
 * logtype per provider ("dpxe.provider.<name>", so `--log-level` and the
 * config's log.level pattern "dpxe.*" select them) and "dpxe.provider" for
 * a NULL hProvider (both Microsoft samples trace before they keep theirs).
 * A trace whose level is off costs one level check: nothing is formatted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_log.h>

#include "wds_format.h"
#include "wds_rt_internal.h"

RTE_LOG_REGISTER(wds_logtype_any, dpxe.provider, INFO);

/* Long enough for any sane trace line; longer ones are cut (the formatter
 * never splits a UTF-8 sequence). On the stack: no allocation. */
#define TRACE_LINE_MAX 1024

static uint8_t server_mac[6];
static bool server_mac_set;

void
wds_set_server_mac(const uint8_t *mac)
{
	server_mac_set = mac != NULL;
	if (mac != NULL)
		memcpy(server_mac, mac, sizeof(server_mac));
}

void
wds_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rte_vlog((uint32_t)level, wds_logtype_any, fmt, ap);
	va_end(ap);
}

int
wds_trace_register(struct wds_provider *p)
{
	char name[96];

	snprintf(name, sizeof(name), "dpxe.provider.%s", p->name);
	p->logtype = rte_log_register_type_and_pick_level(name, RTE_LOG_INFO);
	if (p->logtype < 0)
		p->logtype = wds_logtype_any;
	return 0;
}

int
wds_trace_logtype(const struct wds_provider *p)
{
	return p != NULL ? p->logtype : wds_logtype_any;
}

/* Highest severity bit wins: a provider may OR them. */
static uint32_t
level_of(PXE_SEVERITY s)
{
	if (s & PXE_TRACE_FATAL)
		return RTE_LOG_CRIT;
	if (s & PXE_TRACE_ERROR)
		return RTE_LOG_ERR;
	if (s & PXE_TRACE_WARNING)
		return RTE_LOG_WARNING;
	if (s & PXE_TRACE_INFO)
		return RTE_LOG_INFO;
	if (s & PXE_TRACE_VERBOSE)
		return RTE_LOG_DEBUG;
	return RTE_LOG_INFO;
}

DWORD PXEAPI
PxeTraceV(HANDLE hProvider, PXE_SEVERITY Severity, LPCWSTR pszFormat, va_list Params)
{
	/* a handle that is not a live provider is traced as NULL rather than
	 * refused: tracing must never be what breaks a provider */
	struct wds_provider *p = wds_provider_from_handle(hProvider);
	int type = wds_trace_logtype(p);
	uint32_t level = level_of(Severity);
	char line[TRACE_LINE_MAX];

	if (pszFormat == NULL)
		return ERROR_INVALID_PARAMETER;
	if (!rte_log_can_log((uint32_t)type, level))
		return ERROR_SUCCESS;
	dpxe_wds_format(line, sizeof(line), pszFormat, Params);
	rte_log(level, (uint32_t)type, "%s: %s\n", p != NULL ? p->name : "provider",
		line);
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeTrace(HANDLE hProvider, PXE_SEVERITY Severity, LPCWSTR pszFormat, ...)
{
	va_list ap;
	DWORD rc;

	va_start(ap, pszFormat);
	rc = PxeTraceV(hProvider, Severity, pszFormat, ap);
	va_end(ap);
	return rc;
}

/* "Tracing on" = the provider logtype logs at INFO. Without a provider
 * handle in the signature, the generic logtype answers for all. */
static BOOL
trace_enabled(void)
{
	return rte_log_can_log((uint32_t)wds_logtype_any, RTE_LOG_INFO) ? TRUE : FALSE;
}

DWORD PXEAPI
PxeGetServerInfo(PXE_GSI_TYPE uInfoType, PVOID pBuffer, ULONG uBufferLen)
{
	if (uInfoType != PXE_GSI_TRACE_ENABLED)
		return ERROR_INVALID_PARAMETER; /* SERVER_DUID is Ex only */
	if (pBuffer == NULL)
		return ERROR_INVALID_PARAMETER;
	if (uBufferLen < sizeof(BOOL))
		return ERROR_INSUFFICIENT_BUFFER;
	*(BOOL *)pBuffer = trace_enabled();
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeGetServerInfoEx(PXE_GSI_TYPE uInfoType, PVOID pBuffer, ULONG uBufferLen,
		   PULONG puBufferUsed)
{
	/* DUID-LL (RFC 8415 section 11.4): type 3, hardware type 1 (Ethernet),
	 * the first port's MAC. Stable as long as the NIC is. */
	uint8_t duid[10] = { 0, 3, 0, 1 };
	ULONG need;

	if (puBufferUsed == NULL)
		return ERROR_INVALID_PARAMETER;
	*puBufferUsed = 0;
	switch (uInfoType) {
	case PXE_GSI_TRACE_ENABLED:
		need = sizeof(BOOL);
		break;
	case PXE_GSI_SERVER_DUID:
		if (!server_mac_set)
			return ERROR_NOT_FOUND;
		need = sizeof(duid);
		break;
	default:
		return ERROR_INVALID_PARAMETER;
	}
	if (pBuffer == NULL || uBufferLen < need) {
		*puBufferUsed = need;
		return ERROR_INSUFFICIENT_BUFFER;
	}
	if (uInfoType == PXE_GSI_TRACE_ENABLED) {
		*(BOOL *)pBuffer = trace_enabled();
	} else {
		memcpy(duid + 4, server_mac, 6);
		memcpy(pBuffer, duid, sizeof(duid));
	}
	*puBufferUsed = need;
	return ERROR_SUCCESS;
}
