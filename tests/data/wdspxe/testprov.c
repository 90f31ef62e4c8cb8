/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A well-behaved test provider, built as a shared object against wdspxe.h
 * alone. Its behaviour comes from its settings (one .so, several entries in
 * a config, each with its own context):
 *   mode:   nbp (reply with DHCP rules, NBP) | twice (nbp, the same buffer
 *           sent twice: "sent2") | send_leak (nbp without PxePacketFree)
 *           | reply (nbp through DpxeReplyAllocate: sent on return)
 *           | reply_misuse (DpxeReplyAllocate misused, each result
 *           reported; returns NBP with a bad length) | reply_keep (a
 *           filled reply, then REJECTED) | reply_flags (NBP, bad address)
 *           | race_free (allocates a buffer and frees it on the worker and
 *           on a thread at once: reports "race-<frees that succeeded>")
 *           | reject | ignore | error
 *           (returns an error code) | async (a thread replies, then
 *           PxeAsyncRecvDone(action)) | hold (pending; the test gets the
 *           handle through wds_test_hold) | fail_init | no_shutdown
 *   filter: all | dhcp | pxe
 *   action: the async action number (default 1, NBP)
 *   delay_ms: async only: the thread waits this long before replying
 *   control: yes (register SERVICE_CONTROL: reports "control-<code>") |
 *            error (the same, and returns an error)
 *   ipv6:   yes (IPV6_CAPABLE; nbp answers a DHCPv6 request with the
 *           PxeDhcpv6Initialize reply, reporting "sent6")
 *   ex:     yes (also registers dpxe's own callback, DpxeRegisterRecvRequestEx:
 *           it reports "ex-<msg>-<size>-<worker>" and answers nbp in the
 *           request's reply buffer, a DHCPv6 one with the
 *           PxeDhcpv6Initialize reply; with mode reject it fills the reply
 *           and returns REJECTED) | badabi (registers with a wrong ABI
 *           version and reports the result)
 *   filter6: all | dhcp | pxe (PXE_PROV_ATTR_FILTER_IPV6)
 * It reports what happens through wds_test_event(), which the test program
 * exports.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wdspxe.h"

void wds_test_event(const char *who, const char *what);
unsigned long wds_test_dhcp_msg_size(void);
void wds_test_hold(HANDLE hProvider, HANDLE hReq, PVOID pPacket, ULONG uLen);

struct ctx {
	HANDLE prov;
	char name[32];
	char mode[32];
	ULONG action;
	ULONG delay_ms;
	int control; /* 0 none, 1 yes, 2 error */
};

struct job {
	struct ctx *c;
	HANDLE req;
	BYTE pkt[600];
	ULONG len;
};

static void *
async_job(void *arg)
{
	struct job *j = arg;
	PVOID reply = PxePacketAllocate(j->c->prov, j->req, 300);
	ULONG len = 0;
	PXE_ADDRESS a = { .uFlags = PXE_ADDR_USE_DHCP_RULES };

	if (j->c->delay_ms) {
		struct timespec ts = { (time_t)(j->c->delay_ms / 1000),
				       (long)(j->c->delay_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (reply != NULL && PxeDhcpInitialize(j->pkt, j->len, reply, 300, &len) == 0 &&
	    PxeDhcpAppendOption(reply, 300, &len, 255, 0, NULL) == 0 &&
	    PxeSendReply(j->req, reply, len, &a) == 0)
		wds_test_event(j->c->name, "async-sent");
	if (reply != NULL)
		PxePacketFree(j->c->prov, j->req, reply);
	if (PxeAsyncRecvDone(j->req, j->c->action) == ERROR_SUCCESS)
		wds_test_event(j->c->name, "async-done");
	free(j);
	return NULL;
}

/* Report "<what>-<n>" for a result n. */
static void
report(const struct ctx *c, const char *what, unsigned long n)
{
	char e[64];

	snprintf(e, sizeof(e), "%s-%lu", what, n);
	wds_test_event(c->name, e);
}

/* The reply_* modes: dpxe's reply on return, used and misused. */
static DWORD
reply_modes(struct ctx *c, HANDLE hReq, PVOID pPacket, ULONG uLen, PXE_ADDRESS *pLocal,
	    PXE_BOOT_ACTION *pAction)
{
	struct dpxe_reply *r;
	ULONG len = 0;
	BYTE type = 2;

	*pAction = PXE_BA_NBP;
	report(c, "worker", DpxeRequestWorker(hReq));
	if (strcmp(c->mode, "reply_misuse") == 0) {
		/* each refusal; then a buffer whose return sends nothing */
		report(c, "zero", DpxeReplyAllocate(hReq, 0) == NULL ? GetLastError() : 0);
		report(c, "big", DpxeReplyAllocate(hReq, 1473) == NULL ? GetLastError() : 0);
		report(c, "stale", DpxeReplyAllocate((HANDLE)((uintptr_t)hReq ^ (1u << 14)), 300)
					   == NULL ? GetLastError() : 0);
		r = DpxeReplyAllocate(hReq, 300);
		if (r == NULL)
			return ERROR_SUCCESS;
		report(c, "second", DpxeReplyAllocate(hReq, 300) == NULL ? GetLastError() : 0);
		report(c, "desc", r->uSize == 300 && r->uLength == 0 &&
					  r->dwPayloadSum == DPXE_NO_SUM && r->Address.uFlags == 0 &&
					  r->uWorker == DpxeRequestWorker(hReq));
		/* the PxePacket* calls do not take it */
		report(c, "free", PxePacketFree(c->prov, hReq, r->pBuffer));
		r->pBuffer = NULL;          /* dpxe keeps its own pointer */
		r->uLength = 301;           /* longer than asked for: not sent */
		return ERROR_SUCCESS;
	}
	r = DpxeReplyAllocate(hReq, 300);
	if (r == NULL) {
		report(c, "alloc", GetLastError());
		*pAction = PXE_BA_IGNORE;
		return ERROR_SUCCESS;
	}
	if (PxeDhcpInitialize(pPacket, uLen, r->pBuffer, 300, &len) != 0 ||
	    PxeDhcpAppendOption(r->pBuffer, 300, &len, 53, 1, &type) != 0 ||
	    PxeDhcpAppendOption(r->pBuffer, 300, &len, 54, 4, pLocal->bAddress) != 0 ||
	    PxeDhcpAppendOption(r->pBuffer, 300, &len, 60, 9, "PXEClient") != 0 ||
	    PxeDhcpAppendOption(r->pBuffer, 300, &len, 255, 0, NULL) != 0)
		return ERROR_SUCCESS;
	r->Address.uFlags = PXE_ADDR_USE_DHCP_RULES;
	/* reply_keep: filled, but the action sends nothing; reply_flags:
	 * an address PxeSendReply refuses; reply: sent on return */
	if (strcmp(c->mode, "reply_keep") == 0) {
		r->uLength = len;
		*pAction = PXE_BA_REJECTED;
	} else if (strcmp(c->mode, "reply_flags") == 0) {
		r->uLength = len;
		r->Address.uFlags = PXE_ADDR_BROADCAST | PXE_ADDR_USE_ADDR;
	} else {
		r->uLength = len;
	}
	return ERROR_SUCCESS;
}

struct racer {
	HANDLE prov, req;
	PVOID buf;
	DWORD rc;
};

static void *
race_free_thread(void *arg)
{
	struct racer *r = arg;

	r->rc = PxePacketFree(r->prov, r->req, r->buf);
	return NULL;
}

/* The same buffer freed by the worker and a thread at once: exactly one
 * free may succeed, whichever order they come in. */
static void
race_free(struct ctx *c, HANDLE hReq)
{
	struct racer r = { c->prov, hReq, PxePacketAllocate(c->prov, hReq, 64), 1 };
	pthread_t t;
	DWORD mine;

	if (r.buf == NULL || pthread_create(&t, NULL, race_free_thread, &r) != 0) {
		report(c, "race-setup", 0);
		return;
	}
	mine = PxePacketFree(c->prov, hReq, r.buf);
	pthread_join(t, NULL);
	report(c, "race", (unsigned long)(mine == ERROR_SUCCESS) + (r.rc == ERROR_SUCCESS));
}

/* dpxe's own callback: the parse and the reply buffer come with it. */
static DWORD PXEAPI
recv_ex(const struct dpxe_request *q, PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	struct ctx *c = pContext;
	struct dpxe_reply *r = q->pReply;
	char e[64];
	ULONG len = 0;
	BYTE type = 2;

	snprintf(e, sizeof(e), "ex-%d-%lu-%lu", q->pMsg != NULL,
		 r != NULL ? (unsigned long)r->uSize : 0ul, r != NULL ? (unsigned long)r->uWorker : 99ul);
	wds_test_event(c->name, e);
	*pAction = PXE_BA_IGNORE;
	if (r == NULL)
		return ERROR_SUCCESS;
	if (q->pLocalAddress->uAddrLen == 16) {
		/* DHCPv6 (ipv6: yes): the skeleton reply, back to the source */
		if (PxeDhcpv6Initialize(q->pPacket, q->uPacketLen, r->pBuffer, r->uSize,
					&len) != ERROR_SUCCESS)
			return ERROR_SUCCESS;
		r->uLength = len;
		r->Address.uFlags = PXE_ADDR_USE_DHCP_RULES;
		*pAction = PXE_BA_NBP;
		return ERROR_SUCCESS;
	}
	if (PxeDhcpInitialize(q->pPacket, q->uPacketLen, r->pBuffer, r->uSize, &len) != 0 ||
	    PxeDhcpAppendOption(r->pBuffer, r->uSize, &len, 53, 1, &type) != 0 ||
	    PxeDhcpAppendOption(r->pBuffer, r->uSize, &len, 255, 0, NULL) != 0)
		return ERROR_SUCCESS;
	r->uLength = len;
	r->Address.uFlags = PXE_ADDR_USE_DHCP_RULES;
	*pAction = strcmp(c->mode, "reject") == 0 ? PXE_BA_REJECTED : PXE_BA_NBP;
	return ERROR_SUCCESS;
}

static DWORD PXEAPI
recv_request(HANDLE hReq, PVOID pPacket, ULONG uLen, PXE_ADDRESS *pLocal, PXE_ADDRESS *pRemote,
	     PXE_BOOT_ACTION *pAction, PVOID pContext)
{
	struct ctx *c = pContext;

	(void)pRemote;
	wds_test_event(c->name, "recv");
	if (strcmp(c->mode, "reject") == 0) {
		*pAction = PXE_BA_REJECTED;
		return ERROR_SUCCESS;
	}
	if (strcmp(c->mode, "ignore") == 0) {
		*pAction = PXE_BA_IGNORE;
		return ERROR_SUCCESS;
	}
	if (strcmp(c->mode, "hold") == 0) { /* the test drives it by hand */
		wds_test_hold(c->prov, hReq, pPacket, uLen);
		return ERROR_IO_PENDING;
	}
	if (strcmp(c->mode, "error") == 0)
		return ERROR_INVALID_DATA; /* = REJECTED */
	if (strcmp(c->mode, "async") == 0) {
		struct job *j = calloc(1, sizeof(*j));
		pthread_t t;

		if (j == NULL || uLen > sizeof(j->pkt))
			return ERROR_NOT_ENOUGH_MEMORY;
		j->c = c;
		j->req = hReq;
		memcpy(j->pkt, pPacket, uLen);
		j->len = uLen;
		if (pthread_create(&t, NULL, async_job, j) != 0) {
			free(j);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		pthread_detach(t);
		return ERROR_IO_PENDING;
	}
	/* nbp, DHCPv6: ADVERTISE/REPLY skeleton, back to the source */
	if (pLocal->uAddrLen == 16) {
		PVOID reply = PxePacketAllocate(c->prov, hReq, 300);
		ULONG len = 0;
		PXE_ADDRESS a = { .uFlags = PXE_ADDR_USE_DHCP_RULES };

		*pAction = PXE_BA_IGNORE;
		if (reply == NULL)
			return ERROR_SUCCESS;
		if (PxeDhcpv6Initialize(pPacket, uLen, reply, 300, &len) == ERROR_SUCCESS &&
		    PxeSendReply(hReq, reply, len, &a) == ERROR_SUCCESS) {
			*pAction = PXE_BA_NBP;
			wds_test_event(c->name, "sent6");
		}
		PxePacketFree(c->prov, hReq, reply);
		return ERROR_SUCCESS;
	}
	if (strncmp(c->mode, "reply", 5) == 0)
		return reply_modes(c, hReq, pPacket, uLen, pLocal, pAction);
	if (strcmp(c->mode, "race_free") == 0) {
		race_free(c, hReq);
		*pAction = PXE_BA_IGNORE;
		return ERROR_SUCCESS;
	}
	/* nbp: the SampleProvider's pattern */
	{
		PVOID reply = PxePacketAllocate(c->prov, hReq, 300);
		ULONG len = 0;
		BYTE type = 2;
		PXE_ADDRESS a = { .uFlags = PXE_ADDR_USE_DHCP_RULES };

		*pAction = PXE_BA_IGNORE;
		if (reply == NULL)
			return ERROR_SUCCESS;
		if (PxeDhcpInitialize(pPacket, uLen, reply, 300, &len) == 0 &&
		    PxeDhcpAppendOption(reply, 300, &len, 53, 1, &type) == 0 &&
		    PxeDhcpAppendOption(reply, 300, &len, 54, 4, pLocal->bAddress) == 0 &&
		    PxeDhcpAppendOption(reply, 300, &len, 60, 9, "PXEClient") == 0 &&
		    PxeDhcpAppendOption(reply, 300, &len, 255, 0, NULL) == 0 &&
		    PxeSendReply(hReq, reply, len, &a) == ERROR_SUCCESS) {
			*pAction = PXE_BA_NBP;
			wds_test_event(c->name, "sent");
			if (strcmp(c->mode, "twice") == 0 &&
			    PxeSendReply(hReq, reply, len, &a) == ERROR_SUCCESS)
				wds_test_event(c->name, "sent2");
		}
		if (strcmp(c->mode, "send_leak") != 0)
			PxePacketFree(c->prov, hReq, reply);
	}
	return ERROR_SUCCESS;
}

static DWORD PXEAPI
control_cb(PVOID pContext, DWORD dwControl)
{
	struct ctx *c = pContext;
	char what[32];

	snprintf(what, sizeof(what), "control-%lu", (unsigned long)dwControl);
	wds_test_event(c->name, what);
	return c->control == 2 ? ERROR_INVALID_DATA : ERROR_SUCCESS;
}

static DWORD PXEAPI
shutdown_cb(PVOID pContext)
{
	struct ctx *c = pContext;

	wds_test_event(c->name, "shutdown");
	free(c);
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeProviderInitialize(HANDLE hProvider, HKEY hProviderKey)
{
	const char *mode = DpxeProviderGetSetting(hProviderKey, "mode");
	const char *name = DpxeProviderGetSetting(hProviderKey, "name");
	const char *filter = DpxeProviderGetSetting(hProviderKey, "filter");
	const char *action = DpxeProviderGetSetting(hProviderKey, "action");
	struct ctx *c;
	ULONG f = PXE_PROV_FILTER_ALL;

	PxeTrace(NULL, PXE_TRACE_INFO, L"testprov: %S initialising", name ? name : "?");
	if (mode != NULL && strcmp(mode, "fail_init") == 0)
		return ERROR_INVALID_DATA;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	c->prov = hProvider;
	strncpy(c->name, name ? name : "testprov", sizeof(c->name) - 1);
	strncpy(c->mode, mode ? mode : "nbp", sizeof(c->mode) - 1);
	c->action = action ? (ULONG)strtoul(action, NULL, 0) : PXE_BA_NBP;
	if (DpxeProviderGetSetting(hProviderKey, "delay_ms") != NULL)
		c->delay_ms = (ULONG)strtoul(DpxeProviderGetSetting(hProviderKey, "delay_ms"),
					     NULL, 0);
	if (DpxeProviderGetSetting(hProviderKey, "control") != NULL) {
		c->control = strcmp(DpxeProviderGetSetting(hProviderKey, "control"), "error")
				     == 0 ? 2 : 1;
		PxeRegisterCallback(hProvider, PXE_CALLBACK_SERVICE_CONTROL, (PVOID)control_cb,
				    c);
	}
	if (filter != NULL && strcmp(filter, "dhcp") == 0)
		f = PXE_PROV_FILTER_DHCP_ONLY;
	if (filter != NULL && strcmp(filter, "pxe") == 0)
		f = PXE_PROV_FILTER_PXE_ONLY;
	PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_FILTER, &f, sizeof(f));
	if (DpxeProviderGetSetting(hProviderKey, "ipv6") != NULL) {
		const char *f6 = DpxeProviderGetSetting(hProviderKey, "filter6");
		BOOL on = TRUE;
		ULONG v6 = PXE_PROV_FILTER_ALL;

		if (f6 != NULL && strcmp(f6, "dhcp") == 0)
			v6 = PXE_PROV_FILTER_DHCP_ONLY;
		if (f6 != NULL && strcmp(f6, "pxe") == 0)
			v6 = PXE_PROV_FILTER_PXE_ONLY;
		PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_IPV6_CAPABLE, &on, sizeof(on));
		PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_FILTER_IPV6, &v6, sizeof(v6));
	}
	PxeRegisterCallback(hProvider, PXE_CALLBACK_RECV_REQUEST, (PVOID)recv_request, c);
	if (DpxeProviderGetSetting(hProviderKey, "ex") != NULL) {
		/* the ABI numbers of lib/dhcp's struct, as a dpxe-tree provider
		 * passes them (DPXE_DHCP_MSG_ABI_VERSION, sizeof); the test
		 * program exports the size */
		bool bad = strcmp(DpxeProviderGetSetting(hProviderKey, "ex"), "badabi") == 0;
		DWORD rc = DpxeRegisterRecvRequestEx(hProvider, recv_ex, c,
						     DPXE_DHCP_MSG_ABI_VERSION + (bad ? 1 : 0),
						     wds_test_dhcp_msg_size());

		report(c, "exreg", rc);
	}
	if (strcmp(c->mode, "no_shutdown") != 0)
		PxeRegisterCallback(hProvider, PXE_CALLBACK_SHUTDOWN, (PVOID)shutdown_cb, c);
	else
		free(c); /* it will be unloaded without a shutdown call */
	if (DpxeProviderGetSetting(hProviderKey, "enum") != NULL) {
		/* report every setting, in order, through the enumerator */
		char list[256] = "";
		LPCSTR k, v;

		for (ULONG i = 0;
		     DpxeProviderEnumSetting(hProviderKey, i, &k, &v) == ERROR_SUCCESS;
		     i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s=%s,", k, v);
		wds_test_event("settings", list);
	}
	wds_test_event("init", name ? name : "testprov");
	return ERROR_SUCCESS;
}
