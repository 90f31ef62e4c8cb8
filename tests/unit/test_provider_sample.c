/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * providers/sample against a fake server: the SampleProvider behaviour
 * (DISCOVER -> OFFER, REQUEST -> ACK, nothing else), the exact reply bytes,
 * per-MAC boot programs from settings, every error path freeing its buffer,
 * and two instances of the one module living side by side.
 */
#include "test_provider_server.c"

#include "test_packets.h"

#define SERVER_IP 0x0a4d0001u /* 10.77.0.1 */

static struct tpkt pkt;

static DWORD
load_with(const char *const *settings)
{
	static char buf[16][200];

	fake_clear_settings();
	for (unsigned int i = 0; settings && settings[i]; i++) {
		char *eq;

		snprintf(buf[i], sizeof(buf[i]), "%s", settings[i]);
		eq = strchr(buf[i], '=');
		assert_non_null(eq);
		*eq = '\0';
		fake_set(buf[i], eq + 1);
	}
	return fake_load(DPXE_TEST_SAMPLE_SO);
}

static const char *const standard[] = {
	"default_boot_program=boot/x64/wdsnbp.com",
	"server_name=wds.example.org",
	"device.525400abcdef=boot/special.com",
	"device.525400ABCDE0=boot/upper.com",
	NULL,
};

/* The reply the sample must send, built here byte by byte. */
static void
expected_reply(uint8_t *out, const uint8_t *req, uint8_t type, uint32_t siaddr,
	       const char *sname, const char *file)
{
	uint8_t *o;

	memset(out, 0, 300);
	out[0] = 2;
	memcpy(out + 1, req + 1, 2);                 /* htype, hlen */
	memcpy(out + 4, req + 4, 6);                 /* xid, secs */
	memcpy(out + 12, req + 12, 8);               /* ciaddr, yiaddr */
	dpxe_store_be32(out + 20, siaddr);           /* siaddr */
	memcpy(out + 24, req + 24, 4 + 16);          /* giaddr, chaddr */
	strcpy((char *)out + DPXE_BOOTP_SNAME, sname);
	strcpy((char *)out + DPXE_BOOTP_FILE, file);
	memcpy(out + 236, "\x63\x82\x53\x63", 4);
	o = out + 240;
	*o++ = 53, *o++ = 1, *o++ = type;
	*o++ = 60, *o++ = 9;
	memcpy(o, "PXEClient", 9), o += 9;
	*o++ = 54, *o++ = 4;
	dpxe_store_be32(o, SERVER_IP), o += 4;
	*o = 255;
}

static void
set_mac(const uint8_t mac[6])
{
	memcpy(pkt.buf + DPXE_BOOTP_CHADDR, mac, 6);
}

static PXE_BOOT_ACTION
deliver(struct fake_req *req, DWORD want_err)
{
	PXE_BOOT_ACTION action;

	assert_int_equal(fake_deliver_on(req, pkt.buf, pkt.len, SERVER_IP, 67, &action), want_err);
	return action;
}

static void
test_initialize(void **state)
{
	DWORD err;

	(void)state;
	err = load_with(standard);
	assert_int_equal(err, ERROR_SUCCESS);
	assert_true(fake.filter_set);
	assert_int_equal(fake.filter, PXE_PROV_FILTER_PXE_ONLY);
	assert_null(fake.cb[PXE_CALLBACK_SERVICE_CONTROL]);
	assert_trace(PXE_TRACE_INFO, "default boot program: boot/x64/wdsnbp.com");
	assert_int_equal(fake_shutdown(), ERROR_SUCCESS);
	assert_trace(PXE_TRACE_INFO, "shutting down");
	fake_unload();
}

static void
test_offer_and_ack(void **state)
{
	static const struct {
		uint8_t req, reply;
		const char *name;
	} t[] = { { DPXE_DHCPDISCOVER, DPXE_DHCPOFFER, "OFFER" },
		  { DPXE_DHCPREQUEST, DPXE_DHCPACK, "ACK" } };
	DWORD err;

	(void)state;
	err = load_with(standard);
	assert_int_equal(err, ERROR_SUCCESS);
	for (size_t i = 0; i < 2; i++) {
		struct fake_req req;
		uint8_t want[300];
		BOOL pxe;
		char line[96];

		tpkt_pxe_discover(&pkt, 7);
		pkt.buf[DPXE_DHCP_OPTIONS_OFF + 2] = t[i].req;
		dpxe_store_be16(pkt.buf + DPXE_BOOTP_FLAGS, DPXE_BOOTP_FLAG_BROADCAST);
		dpxe_store_be32(pkt.buf + DPXE_BOOTP_GIADDR, 0x0a090001);
		assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_NBP);
		assert_int_equal(req.sent, 1);
		assert_true(req.has_addr);
		assert_int_equal(req.addr.uFlags, PXE_ADDR_USE_DHCP_RULES);
		/* padded to the BOOTP minimum, and exactly these bytes */
		assert_int_equal(req.reply_len, 300);
		expected_reply(want, pkt.buf, t[i].reply, SERVER_IP, "wds.example.org",
			       "boot/x64/wdsnbp.com");
		assert_memory_equal(req.reply, want, 300);
		assert_int_equal(PxeDhcpIsValid(req.reply, req.reply_len, FALSE, &pxe),
				 ERROR_SUCCESS);
		assert_true(pxe);
		snprintf(line, sizeof(line), "%s to 52:54:00:12:34:56: boot/x64/wdsnbp.com",
			 t[i].name);
		assert_trace(PXE_TRACE_VERBOSE, line);
	}
	assert_int_equal(fake.allocated, 2);
	fake_finish(err);
}

static void
test_per_device(void **state)
{
	static const uint8_t lower[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	static const uint8_t upper[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xe0 };
	static const char *const no_default[] = { "device.525400abcdef=boot/special.com",
						  "server_name=s", NULL };
	struct fake_req req;
	DWORD err;

	(void)state;
	err = load_with(standard);
	assert_int_equal(err, ERROR_SUCCESS);
	tpkt_pxe_discover(&pkt, 0);
	set_mac(lower);
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_NBP);
	assert_string_equal((char *)req.reply + DPXE_BOOTP_FILE, "boot/special.com");
	set_mac(upper); /* written in upper case in the settings */
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_NBP);
	assert_string_equal((char *)req.reply + DPXE_BOOTP_FILE, "boot/upper.com");
	set_mac(tpkt_client_mac);
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_NBP);
	assert_string_equal((char *)req.reply + DPXE_BOOTP_FILE, "boot/x64/wdsnbp.com");
	fake_finish(err);

	/* without a default, only listed clients are answered */
	err = load_with(no_default);
	assert_int_equal(err, ERROR_SUCCESS);
	assert_trace(PXE_TRACE_INFO, "no default_boot_program");
	set_mac(tpkt_client_mac);
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_REJECTED);
	assert_int_equal(fake.allocated, 0);
	set_mac(lower);
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_NBP);
	assert_string_equal((char *)req.reply + DPXE_BOOTP_SNAME, "s");
	fake_finish(err);
}

static void
test_next_server(void **state)
{
	static const char *const s[] = { "default_boot_program=a.com", "server_name=x",
					 "next_server=10.77.0.9", NULL };
	struct fake_req req;
	uint8_t want[300];
	DWORD err;

	(void)state;
	err = load_with(s);
	assert_int_equal(err, ERROR_SUCCESS);
	tpkt_pxe_discover(&pkt, 0);
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_NBP);
	/* siaddr from the setting, option 54 still the local address */
	expected_reply(want, pkt.buf, DPXE_DHCPOFFER, 0x0a4d0009, "x", "a.com");
	assert_memory_equal(req.reply, want, 300);
	fake_finish(err);
}

static void
test_not_answered(void **state)
{
	static const uint8_t types[] = { DPXE_DHCPDECLINE, DPXE_DHCPRELEASE, DPXE_DHCPINFORM,
					 DPXE_DHCPOFFER };
	static const char *const long_dev[] = {
		"device.525400123456=" /* 128 bytes: one too many */
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		NULL
	};
	struct fake_req req;
	PXE_BOOT_ACTION action;
	PXE_ADDRESS local;
	DWORD err;

	(void)state;
	err = load_with(standard);
	assert_int_equal(err, ERROR_SUCCESS);
	for (size_t i = 0; i < sizeof(types); i++) {
		tpkt_pxe_discover(&pkt, 0);
		pkt.buf[DPXE_DHCP_OPTIONS_OFF + 2] = types[i];
		assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_REJECTED);
	}
	/* plain BOOTP: no option 53 */
	tpkt_dhcp_init(&pkt, 0);
	tpkt_opt_str(&pkt, DPXE_OPT_VENDOR_CLASS, "PXEClient");
	tpkt_end(&pkt);
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_REJECTED);
	/* an IPv6 local address */
	tpkt_pxe_discover(&pkt, 0);
	fake_local(&local, SERVER_IP, 67);
	local.uAddrLen = 16;
	assert_int_equal(fake_deliver_addr(&req, pkt.buf, pkt.len, &local, &action),
			 ERROR_SUCCESS);
	assert_int_equal(action, PXE_BA_REJECTED);
	assert_int_equal(fake.allocated, 0);
	fake_finish(err);

	/* a per-device file too long for the file field */
	err = load_with(long_dev);
	assert_int_equal(err, ERROR_SUCCESS);
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_REJECTED);
	assert_trace(PXE_TRACE_ERROR, "longer than 127 bytes");
	assert_int_equal(fake.allocated, 0);
	fake_finish(err);
}

static void
test_failures(void **state)
{
	struct fake_req req;
	DWORD err;

	(void)state;
	err = load_with(standard);
	assert_int_equal(err, ERROR_SUCCESS);
	tpkt_pxe_discover(&pkt, 0);
	/* as Microsoft's sample: IGNORE is set, the error is returned (which
	 * the server takes as REJECTED) and the buffer, if any, is freed */
	fake.fail_alloc = TRUE;
	assert_int_equal(deliver(&req, ERROR_NOT_ENOUGH_MEMORY), PXE_BA_IGNORE);
	assert_trace(PXE_TRACE_WARNING, "PxePacketAllocate failed: 8");
	fake.fail_alloc = FALSE;
	fake.fail_send = TRUE;
	assert_int_equal(deliver(&req, ERROR_NOT_ENOUGH_MEMORY), PXE_BA_IGNORE);
	assert_trace(PXE_TRACE_WARNING, "PxeSendReply failed: 8");
	assert_int_equal(fake.allocated, 1);
	assert_int_equal(fake.outstanding, 0);
	fake.fail_send = FALSE;
	assert_int_equal(deliver(&req, ERROR_SUCCESS), PXE_BA_NBP);
	fake_finish(err);
}

static void
test_settings_errors(void **state)
{
	static const struct {
		const char *settings[2];
		const char *trace;
	} t[] = {
		{ { "next_server=nope" }, "setting next_server: \"nope\" is not an IPv4 address" },
		{ { "server_name=0123456789012345678901234567890123456789012345678901234567890123" },
		  "setting server_name: longer than 63 bytes" },
		{ { "default_boot_program="
		    "0123456789012345678901234567890123456789012345678901234567890123"
		    "0123456789012345678901234567890123456789012345678901234567890123" },
		  "setting default_boot_program: longer than 127 bytes" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		DWORD err = load_with(t[i].settings);

		assert_int_equal(err, ERROR_INVALID_PARAMETER);
		assert_trace(PXE_TRACE_ERROR, t[i].trace);
		fake_finish(err);
	}
}

/* Real clients, filtered as the server filters for PXE_ONLY. */
static void
test_captured(void **state)
{
	static struct fake_pcap_pkt p[FAKE_PCAP_MAX];
	unsigned int answered = 0;
	DWORD err;

	(void)state;
	err = load_with(standard);
	assert_int_equal(err, ERROR_SUCCESS);
	for (size_t f = 0; f < sizeof(fake_pcaps) / sizeof(fake_pcaps[0]); f++) {
		unsigned int n = fake_read_pcap(fake_pcaps[f], p, FAKE_PCAP_MAX);

		for (unsigned int i = 0; i < n; i++) {
			struct fake_req req;
			PXE_BOOT_ACTION action;
			BOOL pxe = FALSE;
			BYTE len;
			PVOID type;

			if (PxeDhcpIsValid(p[i].data, (ULONG)p[i].len, TRUE, &pxe) != ERROR_SUCCESS ||
			    !pxe)
				continue;
			assert_int_equal(PxeDhcpGetOptionValue(p[i].data, (ULONG)p[i].len, 1, 53,
							       &len, &type),
					 ERROR_SUCCESS);
			assert_int_equal(fake_deliver_on(&req, p[i].data, p[i].len, SERVER_IP,
							 p[i].dst_port, &action),
					 ERROR_SUCCESS);
			if (*(uint8_t *)type == DPXE_DHCPDISCOVER ||
			    *(uint8_t *)type == DPXE_DHCPREQUEST) {
				BOOL reply_pxe;

				assert_int_equal(action, PXE_BA_NBP);
				assert_int_equal(PxeDhcpIsValid(req.reply, req.reply_len, FALSE,
								&reply_pxe),
						 ERROR_SUCCESS);
				assert_memory_equal(req.reply + 4, p[i].data + 4, 4); /* xid */
				answered++;
			} else {
				assert_int_equal(action, PXE_BA_REJECTED);
			}
		}
	}
	assert_true(answered >= 4);
	assert_int_equal(fake.allocated, fake.freed);
	fake_finish(err);
}

/* One module, two instances with their own settings: no global state. */
static void
test_two_instances(void **state)
{
	static const char *const a[] = { "default_boot_program=a.com", "server_name=a", NULL };
	PFN_PXE_PROVIDER_INITIALIZE init;
	PVOID recv_a, ctx_a, sd_a;
	struct fake_req req;
	PXE_BOOT_ACTION action;
	DWORD err;

	(void)state;
	err = load_with(a);
	assert_int_equal(err, ERROR_SUCCESS);
	recv_a = fake.cb[PXE_CALLBACK_RECV_REQUEST];
	ctx_a = fake.ctx[PXE_CALLBACK_RECV_REQUEST];
	sd_a = fake.cb[PXE_CALLBACK_SHUTDOWN];
	/* the second instance: the same dlopen handle, new settings (the fake
	 * has one key, so instance a keeps only what it copied at initialize) */
	fake_clear_settings();
	fake_set("default_boot_program", "b.com");
	fake_set("server_name", "b");
	*(void **)&init = dlsym(fake.module, "PxeProviderInitialize");
	assert_int_equal(init(FAKE_PROVIDER, &fake.key), ERROR_SUCCESS);
	assert_ptr_not_equal(fake.ctx[PXE_CALLBACK_RECV_REQUEST], ctx_a);

	tpkt_pxe_discover(&pkt, 0);
	assert_int_equal(fake_deliver_on(&req, pkt.buf, pkt.len, SERVER_IP, 67, &action),
			 ERROR_SUCCESS);
	assert_string_equal((char *)req.reply + DPXE_BOOTP_FILE, "b.com");
	{
		PFN_PXE_PROVIDER_RECV_REQUEST r;
		PFN_PXE_PROVIDER_SHUTDOWN sd;
		PXE_ADDRESS local;

		fake_local(&local, SERVER_IP, 67);
		*(void **)&r = recv_a;
		memset(&req, 0, sizeof(req));
		assert_int_equal(r(&req, pkt.buf, (ULONG)pkt.len, &local, &local, &action, ctx_a),
				 ERROR_SUCCESS);
		assert_string_equal((char *)req.reply + DPXE_BOOTP_FILE, "a.com");
		assert_string_equal((char *)req.reply + DPXE_BOOTP_SNAME, "a");
		*(void **)&sd = sd_a;
		assert_int_equal(sd(ctx_a), ERROR_SUCCESS);
	}
	fake_finish(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initialize),
		cmocka_unit_test(test_offer_and_ack),
		cmocka_unit_test(test_per_device),
		cmocka_unit_test(test_next_server),
		cmocka_unit_test(test_not_answered),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_settings_errors),
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_two_instances),
	};

	return cmocka_run_group_tests_name("provider_sample", tests, NULL, NULL);
}
