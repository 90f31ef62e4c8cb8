/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a PXE client says about itself: option 60 ("PXEClient:Arch:AAAAA:
 * UNDI:MMMmmm", "HTTPClient:...") and PXE sub-options in option 43, parsed
 * and built.
 */
#include <string.h>

#include "byteorder.h"
#include "dhcp.h"
#include "dhcp_build.h"

static bool
has_prefix(const uint8_t *v, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(v, prefix, n) == 0;
}

/* A field of exactly `digits` decimal digits; the arch code is written as
 * five decimal digits, and peers that read it as hex got ARM64 wrong. */
static bool
parse_decimal(const uint8_t *v, size_t len, size_t digits, uint32_t *out)
{
	uint32_t x = 0;

	if (len != digits)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (uint32_t)(v[i] - '0');
	}
	*out = x;
	return true;
}

void
dpxe_vendor_class_parse(const uint8_t *val, size_t len,
			struct dpxe_vendor_class *vc)
{
	size_t start, i;

	memset(vc, 0, sizeof(*vc));
	if (has_prefix(val, len, "PXEClient"))
		vc->pxe_client = true;
	else if (has_prefix(val, len, "HTTPClient"))
		vc->http_client = true;
	else
		return;

	/* Fast path: the layout every PXE 2.1 ROM and UEFI stack sends,
	 * "PXEClient:Arch:AAAAA:UNDI:MMMmmm" ("HTTPClient" one byte longer). */
	{
		size_t o = vc->pxe_client ? 9 : 10;
		uint32_t arch, undi;

		if (len == o + 23 && memcmp(val + o, ":Arch:", 6) == 0 &&
		    memcmp(val + o + 11, ":UNDI:", 6) == 0 &&
		    parse_decimal(val + o + 6, 5, 5, &arch) && arch <= UINT16_MAX &&
		    parse_decimal(val + o + 17, 6, 6, &undi)) {
			vc->has_arch = true;
			vc->arch = (uint16_t)arch;
			vc->has_undi = true;
			vc->undi_major = (uint16_t)(undi / 1000);
			vc->undi_minor = (uint16_t)(undi % 1000);
			return;
		}
	}

	/* ":"-separated tokens; "Arch" and "UNDI" each name the next one.
	 * Only the first eight tokens count, like every client sends them. */
	start = 0;
	for (unsigned int tok = 0; tok < 7 && start <= len; tok++) {
		size_t end = start, next_end;
		uint32_t x;

		while (end < len && val[end] != ':')
			end++;
		if (end >= len)
			break;
		next_end = end + 1;
		while (next_end < len && val[next_end] != ':')
			next_end++;
		i = end + 1; /* the value token: [i, next_end) */
		if (end - start == 4 && memcmp(val + start, "Arch", 4) == 0 &&
		    parse_decimal(val + i, next_end - i, 5, &x) &&
		    x <= UINT16_MAX) {
			vc->has_arch = true;
			vc->arch = (uint16_t)x;
		} else if (end - start == 4 &&
			   memcmp(val + start, "UNDI", 4) == 0 &&
			   parse_decimal(val + i, next_end - i, 6, &x)) {
			vc->has_undi = true;
			vc->undi_major = (uint16_t)(x / 1000);
			vc->undi_minor = (uint16_t)(x % 1000);
		}
		start = end + 1;
	}
}

enum dpxe_drop_reason
dpxe_pxe_vendor_parse(const uint8_t *val, size_t len,
		      struct dpxe_pxe_vendor *pxe)
{
	size_t i = 0;

	memset(pxe, 0, sizeof(*pxe));
	while (i < len) {
		uint8_t code = val[i];
		uint8_t olen;
		const uint8_t *v;

		if (code == DPXE_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DPXE_OPT_END)
			break;
		if (len - i < 2 || len - i - 2 < val[i + 1])
			return DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS;
		olen = val[i + 1];
		v = val + i + 2;
		switch (code) {
		case DPXE_PXE_DISCOVERY_CONTROL:
			if (olen != 1)
				return DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS;
			pxe->has_discovery_control = true;
			pxe->discovery_control = v[0];
			break;
		case DPXE_PXE_BOOT_SERVERS:
			pxe->boot_servers = v;
			pxe->boot_servers_len = olen;
			break;
		case DPXE_PXE_BOOT_MENU:
			pxe->boot_menu = v;
			pxe->boot_menu_len = olen;
			break;
		case DPXE_PXE_MENU_PROMPT:
			if (olen < 1)
				return DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS;
			pxe->has_menu_prompt = true;
			pxe->menu_timeout = v[0];
			pxe->menu_prompt = v + 1;
			pxe->menu_prompt_len = (uint8_t)(olen - 1);
			break;
		case DPXE_PXE_BOOT_ITEM:
			if (olen != 4)
				return DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS;
			pxe->has_boot_item = true;
			pxe->boot_item_type = dpxe_load_be16(v);
			pxe->boot_item_layer = dpxe_load_be16(v + 2);
			break;
		default:
			break; /* other sub-options (multicast, ...) unused */
		}
		i += 2 + (size_t)olen;
	}
	return DPXE_DROP_OK;
}

static bool
sub_add(uint8_t *buf, size_t cap, size_t *len, uint8_t code,
	const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen + blen > 255 || cap - *len < 2 + alen + blen)
		return false;
	buf[(*len)++] = code;
	buf[(*len)++] = (uint8_t)(alen + blen);
	if (alen)
		memcpy(buf + *len, a, alen);
	*len += alen;
	if (blen)
		memcpy(buf + *len, b, blen);
	*len += blen;
	return true;
}

size_t
dpxe_pxe_vendor_build(uint8_t *buf, size_t cap,
		      const struct dpxe_pxe_vendor_spec *s)
{
	size_t len = 0;
	uint8_t tmp[255];

	if (s->has_discovery_control &&
	    !sub_add(buf, cap, &len, DPXE_PXE_DISCOVERY_CONTROL,
		     &s->discovery_control, 1, NULL, 0))
		return 0;

	if (s->n_servers) {
		/* one entry per type: type(2) count(1) IPv4 addresses */
		size_t t = 0;

		for (unsigned int i = 0; i < s->n_servers; i++) {
			if (t + 7 > sizeof(tmp))
				return 0;
			dpxe_store_be16(tmp + t, s->servers[i].type);
			tmp[t + 2] = 1;
			dpxe_store_ip(tmp + t + 3, s->servers[i].ip);
			t += 7;
		}
		if (!sub_add(buf, cap, &len, DPXE_PXE_BOOT_SERVERS, tmp, t,
			     NULL, 0))
			return 0;
	}

	if (s->n_menu) {
		size_t t = 0;

		for (unsigned int i = 0; i < s->n_menu; i++) {
			size_t dl = strlen(s->menu[i].text);

			if (dl > 255 || t + 3 + dl > sizeof(tmp))
				return 0;
			dpxe_store_be16(tmp + t, s->menu[i].type);
			tmp[t + 2] = (uint8_t)dl;
			memcpy(tmp + t + 3, s->menu[i].text, dl);
			t += 3 + dl;
		}
		if (!sub_add(buf, cap, &len, DPXE_PXE_BOOT_MENU, tmp, t, NULL,
			     0))
			return 0;
	}

	if (s->prompt &&
	    !sub_add(buf, cap, &len, DPXE_PXE_MENU_PROMPT, &s->prompt_timeout,
		     1, s->prompt, strlen(s->prompt)))
		return 0;

	if (s->has_boot_item) {
		uint8_t item[4];

		dpxe_store_be16(item, s->boot_item_type);
		dpxe_store_be16(item + 2, s->boot_item_layer);
		if (!sub_add(buf, cap, &len, DPXE_PXE_BOOT_ITEM, item, 4, NULL,
			     0))
			return 0;
	}

	if (cap - len < 1)
		return 0;
	buf[len++] = DPXE_OPT_END;
	return len;
}
