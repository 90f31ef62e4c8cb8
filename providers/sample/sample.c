/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sample: a complete, small PXE responder written against wdspxe.h alone,
 * as a worked example for provider authors (README.md walks through it).
 * It behaves like Microsoft's SampleProvider: a DISCOVER gets an OFFER and
 * a REQUEST an ACK, naming a boot program chosen per client MAC, with this
 * server as next-server; every other message is passed on.
 *
 * Settings (hProviderKey, read with DpxeProviderGetSetting):
 *   default_boot_program  file for clients without their own entry;
 *                         absent: only clients with an entry are answered
 *   device.<mac>          file for one client; <mac> is 12 hex digits,
 *                         e.g. device.525400123456
 *   server_name           sname; default: this host's name
 *   next_server           siaddr; default: the address the request came in on
 *
 * Differences from Microsoft's sample: no WDS boot-program option (the
 * WdsBp* API and BCD paths are Windows-only), settings instead of an INI
 * file, and the state lives in a context handed to the callbacks instead of
 * globals, so the module can be listed twice with different settings.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wdspxe.h"

/* Only PxeProviderInitialize is exported: the server finds it with dlsym. */
#define EXPORT __attribute__((visibility("default")))

#define OPTION_MESSAGE_TYPE 53
#define OPTION_SERVER_ID 54
#define OPTION_VENDOR_CLASS 60
#define OPTION_END 255
#define DHCPDISCOVER 1
#define DHCPOFFER 2
#define DHCPREQUEST 3
#define DHCPACK 5
#define PXE_CLIENT "PXEClient"
/* Replies are padded to the BOOTP minimum: some ROMs drop shorter ones. */
#define REPLY_SIZE 300

struct sample {
	HANDLE provider;               /* for PxeTrace and PxePacketAllocate */
	HKEY key;                      /* our settings; valid until shutdown */
	char default_program[PXE_DHCP_FILE_SIZE]; /* "" : none */
	char server_name[PXE_DHCP_SERVER_SIZE];
	ULONG next_server;             /* network order; 0: the local address */
};

/*
 * The boot program for this client: its device.<mac> setting, else the
 * default; NULL when neither. The setting is looked up per request because
 * the key can only be asked by name; the strings are the server's and do
 * not change while the provider runs, so this is safe from any thread.
 */
static const char *
boot_program(const struct sample *s, const PXE_DHCP_MESSAGE *m)
{
	static const char hex[2][17] = { "0123456789abcdef", "0123456789ABCDEF" };
	char name[sizeof("device.") + 2 * PXE_DHCP_HWAADR_SIZE];
	const char *file;
	ULONG hlen = m->HardwareAddressLength;

	if (hlen > PXE_DHCP_HWAADR_SIZE)
		hlen = PXE_DHCP_HWAADR_SIZE;
	/* lower-case digits as documented, upper case as people write them */
	for (int c = 0; c < 2; c++) {
		char *p = name + strlen("device.");

		memcpy(name, "device.", strlen("device."));
		for (ULONG i = 0; i < hlen; i++) {
			*p++ = hex[c][m->HardwareAddress[i] >> 4];
			*p++ = hex[c][m->HardwareAddress[i] & 15];
		}
		*p = '\0';
		file = DpxeProviderGetSetting(s->key, name);
		if (file != NULL)
			return file;
	}
	return s->default_program[0] ? s->default_program : NULL;
}

static DWORD PXEAPI
sample_recv(HANDLE hClientRequest, PVOID pPacket, ULONG uPacketLen, PXE_ADDRESS *pLocalAddress,
	    PXE_ADDRESS *pRemoteAddress, PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	const struct sample *s = pContext;
	const PXE_DHCP_MESSAGE *request = pPacket;
	PXE_DHCP_MESSAGE *reply;
	PXE_ADDRESS to = { .uFlags = PXE_ADDR_USE_DHCP_RULES };
	PVOID packet = NULL;
	ULONG len = 0;
	PVOID value;
	BYTE value_len, reply_type;
	const char *file;
	DWORD err;

	(void)pRemoteAddress;
	/* 1. Until we decide to answer, the request is someone else's. */
	*pAction = PXE_BA_REJECTED;

	err = PxeDhcpGetOptionValue(pPacket, uPacketLen, 1, OPTION_MESSAGE_TYPE, &value_len,
				    &value);
	if (err != ERROR_SUCCESS || value_len != 1)
		return ERROR_SUCCESS; /* not DHCP (BOOTP): not ours */
	switch (*(BYTE *)value) {
	case DHCPDISCOVER:
		reply_type = DHCPOFFER;
		break;
	case DHCPREQUEST:
		reply_type = DHCPACK;
		break;
	default:
		return ERROR_SUCCESS;
	}
	if (pLocalAddress->uAddrLen != 4)
		return ERROR_SUCCESS; /* a DHCPv4 reply needs our IPv4 address */
	file = boot_program(s, request);
	if (file == NULL)
		return ERROR_SUCCESS; /* nothing configured for this client */
	if (strlen(file) >= PXE_DHCP_FILE_SIZE) {
		PxeTrace(s->provider, PXE_TRACE_ERROR,
			 L"boot program for this client is longer than %u bytes: %S",
			 PXE_DHCP_FILE_SIZE - 1, file);
		return ERROR_SUCCESS;
	}

	/* 2. Ours now: from here a failure means "drop", not "pass on". */
	*pAction = PXE_BA_IGNORE;

	/* 3. The reply buffer comes from the server and goes back to it on
	 *    every path below (the Cleanup label). */
	packet = PxePacketAllocate(s->provider, hClientRequest, REPLY_SIZE);
	if (packet == NULL) {
		err = GetLastError();
		PxeTrace(s->provider, PXE_TRACE_WARNING, L"PxePacketAllocate failed: %lu", err);
		goto Cleanup;
	}
	/* 4. xid, chaddr, giaddr... copied from the request; the rest zeroed */
	err = PxeDhcpInitialize(pPacket, uPacketLen, packet, REPLY_SIZE, &len);
	if (err != ERROR_SUCCESS)
		goto Cleanup;
	reply = packet;
	/* 5. next-server, server name and boot file */
	reply->BootstrapServerAddress = s->next_server ? s->next_server
						       : pLocalAddress->uIpAddress;
	memcpy(reply->HostName, s->server_name, sizeof(s->server_name));
	strcpy((char *)reply->BootFileName, file); /* length checked above */
	/* 6. options: message type, PXEClient, server identifier, end */
	err = PxeDhcpAppendOption(packet, REPLY_SIZE, &len, OPTION_MESSAGE_TYPE, 1, &reply_type);
	if (err == ERROR_SUCCESS)
		err = PxeDhcpAppendOption(packet, REPLY_SIZE, &len, OPTION_VENDOR_CLASS,
					  (BYTE)strlen(PXE_CLIENT), PXE_CLIENT);
	if (err == ERROR_SUCCESS)
		err = PxeDhcpAppendOption(packet, REPLY_SIZE, &len, OPTION_SERVER_ID,
					  (BYTE)pLocalAddress->uAddrLen, pLocalAddress->bAddress);
	if (err == ERROR_SUCCESS)
		err = PxeDhcpAppendOption(packet, REPLY_SIZE, &len, OPTION_END, 0, NULL);
	if (err != ERROR_SUCCESS)
		goto Cleanup;
	/* 7. the server picks address and port by RFC 2131 section 4.1 */
	err = PxeSendReply(hClientRequest, packet, REPLY_SIZE, &to);
	if (err != ERROR_SUCCESS) {
		PxeTrace(s->provider, PXE_TRACE_WARNING, L"PxeSendReply failed: %lu", err);
		goto Cleanup;
	}
	/* 8. answered */
	*pAction = PXE_BA_NBP;
	PxeTrace(s->provider, PXE_TRACE_VERBOSE, L"%S to %02x:%02x:%02x:%02x:%02x:%02x: %S",
		 reply_type == DHCPOFFER ? "OFFER" : "ACK", request->HardwareAddress[0],
		 request->HardwareAddress[1], request->HardwareAddress[2],
		 request->HardwareAddress[3], request->HardwareAddress[4],
		 request->HardwareAddress[5], file);

Cleanup:
	/* PxeSendReply copied the bytes; the buffer is still ours to free */
	if (packet != NULL)
		PxePacketFree(s->provider, hClientRequest, packet);
	/* an error return makes the server treat the request as REJECTED */
	return err;
}

static DWORD PXEAPI
sample_shutdown(PVOID pContext)
{
	struct sample *s = pContext;

	PxeTrace(s->provider, PXE_TRACE_INFO, L"shutting down");
	free(s); /* after this the server forgets hProvider */
	return ERROR_SUCCESS;
}

/* Copy setting name (or fallback when absent) into out. */
static DWORD
copy_setting(struct sample *s, const char *name, const char *fallback, char *out, size_t cap)
{
	const char *v = DpxeProviderGetSetting(s->key, name);

	if (v == NULL)
		v = fallback;
	if (strlen(v) >= cap) {
		PxeTrace(s->provider, PXE_TRACE_ERROR, L"setting %S: longer than %lu bytes",
			 name, (ULONG)cap - 1);
		return ERROR_INVALID_PARAMETER;
	}
	strcpy(out, v);
	return ERROR_SUCCESS;
}

EXPORT DWORD PXEAPI
PxeProviderInitialize(HANDLE hProvider, HKEY hProviderKey)
{
	ULONG filter = PXE_PROV_FILTER_PXE_ONLY;
	char host[PXE_DHCP_SERVER_SIZE] = "";
	const char *next_server;
	struct sample *s;
	DWORD err;

	/* All state in one allocation handed to the callbacks as pContext. */
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	s->provider = hProvider;
	s->key = hProviderKey;

	gethostname(host, sizeof(host) - 1);
	err = copy_setting(s, "default_boot_program", "", s->default_program,
			   sizeof(s->default_program));
	if (err == ERROR_SUCCESS)
		err = copy_setting(s, "server_name", host, s->server_name,
				   sizeof(s->server_name));
	if (err != ERROR_SUCCESS)
		goto Fail;
	next_server = DpxeProviderGetSetting(hProviderKey, "next_server");
	if (next_server != NULL && inet_pton(AF_INET, next_server, &s->next_server) != 1) {
		PxeTrace(hProvider, PXE_TRACE_ERROR,
			 L"setting next_server: \"%S\" is not an IPv4 address", next_server);
		err = ERROR_INVALID_PARAMETER;
		goto Fail;
	}

	/* Register both mandatory callbacks and the filter before returning:
	 * once we return ERROR_SUCCESS requests may arrive on any worker. */
	err = PxeRegisterCallback(hProvider, PXE_CALLBACK_RECV_REQUEST,
				  (PVOID)(PFN_PXE_PROVIDER_RECV_REQUEST)sample_recv, s);
	if (err == ERROR_SUCCESS)
		err = PxeRegisterCallback(hProvider, PXE_CALLBACK_SHUTDOWN,
					  (PVOID)(PFN_PXE_PROVIDER_SHUTDOWN)sample_shutdown, s);
	if (err == ERROR_SUCCESS)
		err = PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_FILTER, &filter,
					      sizeof(filter));
	if (err != ERROR_SUCCESS) {
		PxeTrace(hProvider, PXE_TRACE_ERROR, L"registering with the server failed: %lu",
			 err);
		goto Fail;
	}
	if (s->default_program[0])
		PxeTrace(hProvider, PXE_TRACE_INFO, L"default boot program: %S",
			 s->default_program);
	else
		PxeTrace(hProvider, PXE_TRACE_INFO,
			 L"no default_boot_program: only clients with a device.<mac> setting "
			 L"are answered");
	return ERROR_SUCCESS;

Fail:
	/* the server does not call SHUTDOWN after a failed initialize */
	free(s);
	return err;
}
