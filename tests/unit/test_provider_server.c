/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fake dpxe server for the provider suites (test_provider_*.c), which
 * #include this file: one translation unit per suite, no extra header.
 *
 * It defines the runtime half of wdspxe.h (PxeRegisterCallback,
 * PxePacketAllocate/Free, PxeSendReply, PxeTrace, ...) and dpxe's settings
 * accessors; the packet helpers are dpxe's real ones, linked whole. The test
 * executable exports all of them (--export-dynamic), so the provider module
 * it dlopen()s binds to these, exactly as it binds to dpxe's in production.
 *
 * It checks what a server can check: handles are the ones it gave out, every
 * sent or freed buffer came from PxePacketAllocate for the same request and
 * is freed once, and it counts what is still allocated. Thread-safe, so
 * suites can run a provider on several threads at once.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dpxe_provider_ext.h"
#include "provider_paths.h"
#include "wds_format.h"
#include "wdspxe.h"

#define FAKE_PROVIDER ((HANDLE)0x5ee1)
#define FAKE_MAX_SETTINGS 32
#define FAKE_MAX_TRACES 64
#define FAKE_ALLOC_MAGIC 0xa110ca7edull

/* hProviderKey: the provider's settings. */
struct dpxe_wds_hkey {
	unsigned int n;
	const char *name[FAKE_MAX_SETTINGS];
	const char *value[FAKE_MAX_SETTINGS];
	BOOL no_enum; /* act as a server without DpxeProviderEnumSetting */
};

/* hClientRequest: one delivered request and what the provider sent. */
struct fake_req {
	int sent;
	uint8_t reply[2048];
	ULONG reply_len;
	BOOL has_addr;
	PXE_ADDRESS addr;
};

struct fake_trace {
	HANDLE provider;
	PXE_SEVERITY severity;
	char text[512];
};

static struct {
	pthread_mutex_t lock;
	void *module;
	PVOID cb[PXE_CALLBACK_MAX];
	PVOID ctx[PXE_CALLBACK_MAX];
	ULONG filter;
	BOOL filter_set;
	long allocated, freed, outstanding;
	ULONG last_alloc_size;
	BOOL fail_alloc, fail_send;
	unsigned int ntraces;
	struct fake_trace trace[FAKE_MAX_TRACES];
	struct dpxe_wds_hkey key;
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ---- dpxe's settings accessors ----------------------------------------- */

LPCSTR
DpxeProviderGetSetting(HKEY hProviderKey, LPCSTR pszName)
{
	assert_ptr_equal(hProviderKey, &fake.key);
	for (unsigned int i = 0; i < hProviderKey->n; i++)
		if (strcmp(hProviderKey->name[i], pszName) == 0)
			return hProviderKey->value[i];
	return NULL;
}

DWORD
DpxeProviderEnumSetting(HKEY hProviderKey, ULONG uIndex, LPCSTR *ppszName, LPCSTR *ppszValue)
{
	assert_ptr_equal(hProviderKey, &fake.key);
	if (hProviderKey->no_enum)
		return ERROR_NOT_SUPPORTED;
	if (uIndex >= hProviderKey->n)
		return ERROR_NO_MORE_ITEMS;
	*ppszName = hProviderKey->name[uIndex];
	*ppszValue = hProviderKey->value[uIndex];
	return ERROR_SUCCESS;
}

static void
fake_set(const char *name, const char *value)
{
	for (unsigned int i = 0; i < fake.key.n; i++)
		if (strcmp(fake.key.name[i], name) == 0) {
			fake.key.value[i] = value;
			return;
		}
	assert_true(fake.key.n < FAKE_MAX_SETTINGS);
	fake.key.name[fake.key.n] = name;
	fake.key.value[fake.key.n++] = value;
}

/* ---- the runtime ------------------------------------------------------- */

DWORD PXEAPI
PxeRegisterCallback(HANDLE hProvider, PXE_CALLBACK_TYPE CallbackType, PVOID pCallbackFunction,
		    PVOID pContext)
{
	if (hProvider != FAKE_PROVIDER || CallbackType >= PXE_CALLBACK_MAX ||
	    pCallbackFunction == NULL)
		return ERROR_INVALID_PARAMETER;
	fake.cb[CallbackType] = pCallbackFunction;
	fake.ctx[CallbackType] = pContext;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeProviderSetAttribute(HANDLE hProvider, PXE_PROVIDER_ATTRIBUTE Attribute,
			LPCVOID pParameterBuffer, ULONG uParamLen)
{
	if (hProvider != FAKE_PROVIDER || Attribute != PXE_PROV_ATTR_FILTER ||
	    uParamLen != sizeof(ULONG))
		return ERROR_INVALID_PARAMETER;
	memcpy(&fake.filter, pParameterBuffer, sizeof(ULONG));
	fake.filter_set = TRUE;
	return ERROR_SUCCESS;
}

/* A header before each buffer says who allocated it. */
struct fake_alloc {
	uint64_t magic;
	HANDLE request;
	ULONG size;
	uint8_t pad[4];
};

PVOID PXEAPI
PxePacketAllocate(HANDLE hProvider, HANDLE hClientRequest, ULONG uSize)
{
	struct fake_alloc *a;

	if (hProvider != FAKE_PROVIDER || hClientRequest == NULL) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	pthread_mutex_lock(&fake.lock);
	if (fake.fail_alloc) {
		pthread_mutex_unlock(&fake.lock);
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	fake.allocated++;
	fake.outstanding++;
	fake.last_alloc_size = uSize;
	pthread_mutex_unlock(&fake.lock);
	a = malloc(sizeof(*a) + uSize);
	assert_non_null(a);
	a->magic = FAKE_ALLOC_MAGIC;
	a->request = hClientRequest;
	a->size = uSize;
	memset(a + 1, 0xcc, uSize); /* not zeroed: providers must not rely on it */
	return a + 1;
}

static struct fake_alloc *
fake_alloc_of(HANDLE hClientRequest, LPCVOID p)
{
	struct fake_alloc *a = (struct fake_alloc *)p - 1;

	assert_non_null(p);
	assert_true(a->magic == FAKE_ALLOC_MAGIC); /* ours, and not freed */
	assert_ptr_equal(a->request, hClientRequest);
	return a;
}

DWORD PXEAPI
PxePacketFree(HANDLE hProvider, HANDLE hClientRequest, PVOID pPacket)
{
	struct fake_alloc *a;

	assert_ptr_equal(hProvider, FAKE_PROVIDER);
	a = fake_alloc_of(hClientRequest, pPacket);
	a->magic = 0;
	free(a);
	pthread_mutex_lock(&fake.lock);
	fake.freed++;
	fake.outstanding--;
	pthread_mutex_unlock(&fake.lock);
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeSendReply(HANDLE hClientRequest, LPCVOID pPacket, ULONG uPacketLen, PXE_ADDRESS *pAddress)
{
	struct fake_req *req = hClientRequest;
	struct fake_alloc *a = fake_alloc_of(hClientRequest, pPacket);

	assert_true(uPacketLen <= a->size);
	assert_true(uPacketLen <= sizeof(req->reply));
	if (fake.fail_send)
		return ERROR_NOT_ENOUGH_MEMORY;
	memcpy(req->reply, pPacket, uPacketLen);
	req->reply_len = uPacketLen;
	req->has_addr = pAddress != NULL;
	if (pAddress)
		req->addr = *pAddress;
	req->sent++;
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeTraceV(HANDLE hProvider, PXE_SEVERITY Severity, LPCWSTR pszFormat, va_list Params)
{
	struct fake_trace *t;

	assert_true(hProvider == NULL || hProvider == FAKE_PROVIDER);
	pthread_mutex_lock(&fake.lock);
	t = &fake.trace[fake.ntraces % FAKE_MAX_TRACES];
	fake.ntraces++;
	t->provider = hProvider;
	t->severity = Severity;
	dpxe_wds_format(t->text, sizeof(t->text), pszFormat, Params);
	pthread_mutex_unlock(&fake.lock);
	return ERROR_SUCCESS;
}

DWORD PXEAPI
PxeTrace(HANDLE hProvider, PXE_SEVERITY Severity, LPCWSTR pszFormat, ...)
{
	va_list ap;
	DWORD err;

	va_start(ap, pszFormat);
	err = PxeTraceV(hProvider, Severity, pszFormat, ap);
	va_end(ap);
	return err;
}

DWORD PXEAPI
PxeAsyncRecvDone(HANDLE hClientRequest, PXE_BOOT_ACTION Action)
{
	(void)hClientRequest;
	(void)Action;
	fail_msg("no provider under test is asynchronous");
	return ERROR_INVALID_PARAMETER;
}

/* ---- driving a provider ------------------------------------------------ */

/* Forget everything but the settings (fake_set() them before fake_load). */
static void
fake_reset(void)
{
	memset(fake.cb, 0, sizeof(fake.cb));
	memset(fake.ctx, 0, sizeof(fake.ctx));
	fake.filter = 0;
	fake.filter_set = FALSE;
	fake.allocated = fake.freed = fake.outstanding = 0;
	fake.fail_alloc = fake.fail_send = FALSE;
	fake.ntraces = 0;
	memset(fake.trace, 0, sizeof(fake.trace));
}

static void
fake_clear_settings(void)
{
	memset(&fake.key, 0, sizeof(fake.key));
}

/* dlopen the module as dpxe does and call its PxeProviderInitialize. */
static DWORD
fake_load(const char *path)
{
	PFN_PXE_PROVIDER_INITIALIZE init;
	DWORD err;

	fake_reset();
	fake.module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (fake.module == NULL)
		fail_msg("dlopen %s: %s", path, dlerror());
	*(void **)&init = dlsym(fake.module, "PxeProviderInitialize");
	assert_non_null(init);
	err = init(FAKE_PROVIDER, &fake.key);
	if (err == ERROR_SUCCESS) {
		/* what dpxe checks after a successful initialize */
		assert_non_null(fake.cb[PXE_CALLBACK_RECV_REQUEST]);
		assert_non_null(fake.cb[PXE_CALLBACK_SHUTDOWN]);
	}
	return err;
}

static void
fake_unload(void)
{
	if (fake.module)
		dlclose(fake.module);
	fake.module = NULL;
}

static DWORD
fake_shutdown(void)
{
	PFN_PXE_PROVIDER_SHUTDOWN sd;

	*(void **)&sd = fake.cb[PXE_CALLBACK_SHUTDOWN];
	assert_non_null(sd);
	return sd(fake.ctx[PXE_CALLBACK_SHUTDOWN]);
}

/* Both ends: a failed initialize gets no shutdown, a good one does. */
static void
fake_finish(DWORD init_result)
{
	if (init_result == ERROR_SUCCESS)
		assert_int_equal(fake_shutdown(), ERROR_SUCCESS);
	assert_int_equal(fake.outstanding, 0);
	fake_unload();
}

/* Deliver a request that came in on local (its address as the server
 * fills it). The provider gets a copy, checked afterwards: the packet is the
 * server's and must not be written to. */
static DWORD
fake_deliver_addr(struct fake_req *req, const void *pkt, size_t len, PXE_ADDRESS *local,
		  PXE_BOOT_ACTION *action)
{
	PFN_PXE_PROVIDER_RECV_REQUEST recv;
	PXE_ADDRESS remote = { .uFlags = PXE_ADDR_USE_ADDR, .uAddrLen = 4, .uPort = 68 };
	uint8_t copy[2048];
	DWORD err;

	assert_true(len <= sizeof(copy));
	memcpy(copy, pkt, len);
	memset(req, 0, sizeof(*req));
	*action = 0;
	*(void **)&recv = fake.cb[PXE_CALLBACK_RECV_REQUEST];
	assert_non_null(recv);
	err = recv(req, copy, (ULONG)len, local, &remote, action,
		   fake.ctx[PXE_CALLBACK_RECV_REQUEST]);
	assert_memory_equal(copy, pkt, len);
	return err;
}

static void
fake_local(PXE_ADDRESS *local, uint32_t ip, uint16_t port)
{
	memset(local, 0, sizeof(*local));
	local->uFlags = PXE_ADDR_USE_ADDR | (port == PXE_DHCP_SERVER_PORT ? PXE_ADDR_BROADCAST : 0);
	local->bAddress[0] = (uint8_t)(ip >> 24);
	local->bAddress[1] = (uint8_t)(ip >> 16);
	local->bAddress[2] = (uint8_t)(ip >> 8);
	local->bAddress[3] = (uint8_t)ip;
	local->uAddrLen = 4;
	local->uPort = port;
}

/* Deliver a request that came in on local_ip (host order):port. */
static DWORD
fake_deliver_on(struct fake_req *req, const void *pkt, size_t len, uint32_t local_ip,
		uint16_t port, PXE_BOOT_ACTION *action)
{
	PXE_ADDRESS local;

	fake_local(&local, local_ip, port);
	return fake_deliver_addr(req, pkt, len, &local, action);
}

/* The trace line containing needle, or NULL. */
static const struct fake_trace *
fake_trace_find(const char *needle)
{
	unsigned int n = fake.ntraces < FAKE_MAX_TRACES ? fake.ntraces : FAKE_MAX_TRACES;

	for (unsigned int i = 0; i < n; i++)
		if (strstr(fake.trace[i].text, needle))
			return &fake.trace[i];
	return NULL;
}

static void
fake_dump_traces(void)
{
	unsigned int n = fake.ntraces < FAKE_MAX_TRACES ? fake.ntraces : FAKE_MAX_TRACES;

	for (unsigned int i = 0; i < n; i++)
		fprintf(stderr, "  trace %#x: %s\n", fake.trace[i].severity, fake.trace[i].text);
}

/* Assert that a trace of this severity contains needle. */
#define assert_trace(sev, needle)                                                  \
	do {                                                                       \
		const struct fake_trace *t_ = fake_trace_find(needle);             \
		if (t_ == NULL) {                                                  \
			fake_dump_traces();                                        \
			fail_msg("no trace containing \"%s\"", (needle));          \
		}                                                                  \
		assert_int_equal(t_->severity, (sev));                             \
	} while (0)

/* ---- real client packets ------------------------------------------------ */

#define FAKE_PCAP_MAX 16

struct fake_pcap_pkt {
	uint8_t data[1600];
	size_t len;
	uint16_t dst_port;
};

/* The DHCP payloads (UDP to port 67 or 4011) of a classic Ethernet pcap. */
static unsigned int
fake_read_pcap(const char *path, struct fake_pcap_pkt *out, unsigned int max)
{
	uint8_t gh[24], rh[16], frame[2048];
	unsigned int n = 0;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fread(gh, 1, 24, f), 24);
	assert_true(gh[0] == 0xd4 && gh[1] == 0xc3 && gh[2] == 0xb2 && gh[3] == 0xa1);
	while (fread(rh, 1, 16, f) == 16) {
		uint32_t incl = (uint32_t)rh[8] | (uint32_t)rh[9] << 8 | (uint32_t)rh[10] << 16 |
				(uint32_t)rh[11] << 24;
		size_t off = 14, ihl;
		uint16_t dport;

		assert_true(incl <= sizeof(frame));
		assert_int_equal(fread(frame, 1, incl, f), incl);
		if (frame[12] == 0x81 && frame[13] == 0x00)
			off += 4;
		if (incl < off + 28 || frame[off] >> 4 != 4 || frame[off + 9] != 17)
			continue;
		ihl = (size_t)(frame[off] & 15) * 4;
		dport = (uint16_t)(frame[off + ihl + 2] << 8 | frame[off + ihl + 3]);
		if ((dport != 67 && dport != 4011) || n == max)
			continue;
		out[n].len = incl - off - ihl - 8;
		assert_true(out[n].len <= sizeof(out[n].data));
		memcpy(out[n].data, frame + off + ihl + 8, out[n].len);
		out[n].dst_port = dport;
		n++;
	}
	fclose(f);
	return n;
}

static const char *const fake_pcaps[] = {
	"tests/data/clients/dhclient-plain.pcap", "tests/data/clients/dhclient-pxe.pcap",
	"tests/data/clients/edk2-uefi.pcap",      "tests/data/clients/ipxe-bios.pcap",
	"tests/data/clients/ipxe-proxydhcp.pcap", "tests/data/clients/ipxe-uefi.pcap",
	"tests/data/clients/udhcpc-plain.pcap",   "tests/data/clients/udhcpc-pxe.pcap",
};
