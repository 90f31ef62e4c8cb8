/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCPv4 request parsing: fixed header, option walk with strict bounds,
 * option overload (52) and split options joined per RFC 3396.
 *
 * The walk runs twice only when some option code appears more than once:
 * pass one records where each option is and sums its length, pass two copies
 * the pieces of split options into the scratch area, in order (options field,
 * then file, then sname, as RFC 3396 §5 says). Every byte is read at most
 * twice and nothing outside the message is ever touched.
 */
#include <string.h>

#include "byteorder.h"
#include "dhcp.h"

struct walk {
	struct dpxe_dhcp_msg *m;
	uint32_t split[8];  /* codes seen more than once */
	bool any_split;
	uint16_t *fill;     /* pass two: bytes copied so far per code */
};

static inline void
bit_set(uint32_t *set, uint8_t code)
{
	set[code >> 5] |= 1u << (code & 31);
}

static inline bool
bit_test(const uint32_t *set, uint8_t code)
{
	return (set[code >> 5] >> (code & 31)) & 1;
}

/*
 * Walk one option area. Pass one (w->fill == NULL) records options, pass two
 * copies split ones. in_options_field: option 52 is legal only there; one in
 * file or sname would point the walk at itself.
 */
static enum dpxe_drop_reason
walk_area(struct walk *w, const uint8_t *p, size_t len, bool in_options_field)
{
	struct dpxe_dhcp_msg *m = w->m;
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i];
		uint8_t olen;

		if (code == DPXE_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DPXE_OPT_END)
			return DPXE_DROP_OK;
		if (len - i < 2)
			return DPXE_DROP_DHCP_OPTION_TRUNCATED;
		olen = p[i + 1];
		if (len - i - 2 < olen)
			return DPXE_DROP_DHCP_OPTION_TRUNCATED;

		if (w->fill) {
			if (bit_test(w->split, code)) {
				memcpy((uint8_t *)m->opt_val[code] +
					       w->fill[code],
				       p + i + 2, olen);
				w->fill[code] += olen;
			}
		} else {
			if (code == DPXE_OPT_OVERLOAD && !in_options_field)
				return DPXE_DROP_DHCP_BAD_OVERLOAD;
			if (!bit_test(m->present, code)) {
				bit_set(m->present, code);
				m->opt_val[code] = p + i + 2;
				m->opt_len[code] = olen;
			} else {
				/* cannot overflow: the sum is below len */
				m->opt_len[code] += olen;
				bit_set(w->split, code);
				w->any_split = true;
			}
		}
		i += 2 + (size_t)olen;
	}
	return DPXE_DROP_OK;
}

static enum dpxe_drop_reason
walk_all(struct walk *w)
{
	struct dpxe_dhcp_msg *m = w->m;
	const uint8_t *raw = m->raw;
	enum dpxe_drop_reason r;

	r = walk_area(w, raw + DPXE_DHCP_OPTIONS_OFF,
		      m->len - DPXE_DHCP_OPTIONS_OFF, true);
	if (r != DPXE_DROP_OK)
		return r;
	if (!w->fill && dpxe_dhcp_has(m, DPXE_OPT_OVERLOAD)) {
		if (m->opt_len[DPXE_OPT_OVERLOAD] != 1)
			return DPXE_DROP_DHCP_BAD_OVERLOAD;
		m->overload = m->opt_val[DPXE_OPT_OVERLOAD][0];
		if (m->overload < 1 || m->overload > 3)
			return DPXE_DROP_DHCP_BAD_OVERLOAD;
	}
	if (m->overload & DPXE_OVERLOAD_FILE) {
		r = walk_area(w, raw + DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN,
			      false);
		if (r != DPXE_DROP_OK)
			return r;
	}
	if (m->overload & DPXE_OVERLOAD_SNAME) {
		r = walk_area(w, raw + DPXE_BOOTP_SNAME, DPXE_BOOTP_SNAME_LEN,
			      false);
		if (r != DPXE_DROP_OK)
			return r;
	}
	return DPXE_DROP_OK;
}

static void
join_split_options(struct walk *w)
{
	struct dpxe_dhcp_msg *m = w->m;
	uint16_t fill[256];
	size_t cursor = 0;

	for (unsigned int code = 1; code < 255; code++) {
		if (!bit_test(w->split, (uint8_t)code))
			continue;
		m->opt_val[code] = m->scratch + cursor;
		cursor += m->opt_len[code];
		fill[code] = 0;
	}
	w->fill = fill;
	/* same areas, same bounds: pass two cannot fail where pass one passed */
	(void)walk_all(w);
	w->fill = NULL;
}

/* iPXE sends option 77 as the bare string "iPXE", not as an RFC 3004 list;
 * accept both shapes. */
static bool
user_class_says_ipxe(const uint8_t *v, size_t len)
{
	static const char ipxe[] = "iPXE";
	size_t i = 0;

	if (len == 4 && memcmp(v, ipxe, 4) == 0)
		return true;
	while (i < len) {
		size_t n = v[i];

		if (n == 0 || len - i - 1 < n)
			return false;
		if (n == 4 && memcmp(v + i + 1, ipxe, 4) == 0)
			return true;
		i += 1 + n;
	}
	return false;
}

static enum dpxe_drop_reason
decode_options(struct dpxe_dhcp_msg *m)
{
	const uint8_t *v;
	uint16_t len;

	v = dpxe_dhcp_get(m, DPXE_OPT_MSG_TYPE, &len);
	if (v) {
		if (len != 1)
			return DPXE_DROP_DHCP_BAD_OPTION_LENGTH;
		if (v[0] < DPXE_DHCPDISCOVER || v[0] > DPXE_DHCP_MSG_TYPE_MAX)
			return DPXE_DROP_DHCP_BAD_MESSAGE_TYPE;
		m->msg_type = v[0];
	}

	v = dpxe_dhcp_get(m, DPXE_OPT_MAX_MSG_SIZE, &len);
	if (v) {
		if (len != 2)
			return DPXE_DROP_DHCP_BAD_OPTION_LENGTH;
		/* below the minimum every host takes: RFC 2132 §9.10 */
		if (dpxe_load_be16(v) >= DPXE_DHCP_DEFAULT_MAX_MSG)
			m->max_msg_size = dpxe_load_be16(v);
	}

	v = dpxe_dhcp_get(m, DPXE_OPT_REQUESTED_IP, &len);
	if (v) {
		if (len != 4)
			return DPXE_DROP_DHCP_BAD_OPTION_LENGTH;
		m->requested_ip = dpxe_load_ip(v);
	}

	v = dpxe_dhcp_get(m, DPXE_OPT_SERVER_ID, &len);
	if (v) {
		if (len != 4)
			return DPXE_DROP_DHCP_BAD_OPTION_LENGTH;
		m->server_id = dpxe_load_ip(v);
	}

	v = dpxe_dhcp_get(m, DPXE_OPT_VENDOR_CLASS, &len);
	if (v)
		dpxe_vendor_class_parse(v, len, &m->vendor_class);

	v = dpxe_dhcp_get(m, DPXE_OPT_CLIENT_ARCH, &len);
	if (v) {
		if (len == 0 || len % 2)
			return DPXE_DROP_DHCP_BAD_OPTION_LENGTH;
		for (uint16_t i = 0; i < len && m->arch_count < DPXE_DHCP_MAX_ARCH;
		     i += 2)
			m->arch[m->arch_count++] = dpxe_load_be16(v + i);
	} else if (m->vendor_class.has_arch) {
		m->arch[m->arch_count++] = m->vendor_class.arch;
	}

	/* 94 and 97 are informative; firmware gets them wrong often enough
	 * that a bad one is ignored rather than costing the client its boot */
	v = dpxe_dhcp_get(m, DPXE_OPT_CLIENT_NDI, &len);
	if (v && len == 3) {
		m->has_nii = true;
		m->nii_type = v[0];
		m->nii_major = v[1];
		m->nii_minor = v[2];
	}
	v = dpxe_dhcp_get(m, DPXE_OPT_CLIENT_UUID, &len);
	if (v && len == 17 && v[0] == 0)
		m->uuid = v + 1;

	v = dpxe_dhcp_get(m, DPXE_OPT_USER_CLASS, &len);
	if ((v && user_class_says_ipxe(v, len)) ||
	    dpxe_dhcp_has(m, DPXE_OPT_IPXE))
		m->is_ipxe = true;

	v = dpxe_dhcp_get(m, DPXE_OPT_VENDOR, &len);
	if (v && m->vendor_class.pxe_client) {
		if (dpxe_pxe_vendor_parse(v, len, &m->pxe) != DPXE_DROP_OK)
			return DPXE_DROP_DHCP_BAD_VENDOR_OPTIONS;
		m->has_pxe_vendor = true;
	}
	return DPXE_DROP_OK;
}

enum dpxe_drop_reason
dpxe_dhcp_parse(const uint8_t *data, size_t len, struct dpxe_dhcp_msg *m)
{
	struct walk w = { .m = m };
	enum dpxe_drop_reason r;

	if (len < DPXE_DHCP_OPTIONS_OFF)
		return DPXE_DROP_DHCP_TRUNCATED;
	if (len > DPXE_DHCP_MAX_LEN)
		return DPXE_DROP_DHCP_TOO_LONG;
	if (data[DPXE_BOOTP_OP] != DPXE_BOOTP_REQUEST)
		return DPXE_DROP_DHCP_NOT_REQUEST;
	if (data[DPXE_BOOTP_HTYPE] != DPXE_HTYPE_ETHER)
		return DPXE_DROP_DHCP_BAD_HTYPE;
	if (data[DPXE_BOOTP_HLEN] != 6)
		return DPXE_DROP_DHCP_BAD_HLEN;
	if (dpxe_load_be32(data + DPXE_BOOTP_COOKIE) != DPXE_DHCP_MAGIC_COOKIE)
		return DPXE_DROP_DHCP_BAD_COOKIE;

	m->raw = data;
	m->len = (uint16_t)len;
	m->op = data[DPXE_BOOTP_OP];
	m->htype = data[DPXE_BOOTP_HTYPE];
	m->hlen = data[DPXE_BOOTP_HLEN];
	m->hops = data[DPXE_BOOTP_HOPS];
	memcpy(&m->xid, data + DPXE_BOOTP_XID, 4);
	m->secs = dpxe_load_be16(data + DPXE_BOOTP_SECS);
	m->flags = dpxe_load_be16(data + DPXE_BOOTP_FLAGS);
	m->ciaddr = dpxe_load_ip(data + DPXE_BOOTP_CIADDR);
	m->yiaddr = dpxe_load_ip(data + DPXE_BOOTP_YIADDR);
	m->siaddr = dpxe_load_ip(data + DPXE_BOOTP_SIADDR);
	m->giaddr = dpxe_load_ip(data + DPXE_BOOTP_GIADDR);
	m->chaddr = data + DPXE_BOOTP_CHADDR;
	m->overload = 0;
	m->msg_type = DPXE_DHCP_BOOTP;
	memset(m->present, 0, sizeof(m->present));
	m->max_msg_size = 0;
	m->requested_ip = 0;
	m->server_id = 0;
	memset(&m->vendor_class, 0, sizeof(m->vendor_class));
	m->arch_count = 0;
	m->has_nii = false;
	m->uuid = NULL;
	m->is_ipxe = false;
	m->has_pxe_vendor = false;

	r = walk_all(&w);
	if (r != DPXE_DROP_OK)
		return r;
	if (w.any_split)
		join_split_options(&w);

	m->sname = (m->overload & DPXE_OVERLOAD_SNAME) ? NULL :
							   data + DPXE_BOOTP_SNAME;
	m->file = (m->overload & DPXE_OVERLOAD_FILE) ? NULL :
							 data + DPXE_BOOTP_FILE;
	return decode_options(m);
}

bool
dpxe_dhcp_requested(const struct dpxe_dhcp_msg *m, uint8_t code)
{
	uint16_t len;
	const uint8_t *prl = dpxe_dhcp_get(m, DPXE_OPT_PARAM_REQUEST, &len);

	return prl && memchr(prl, code, len) != NULL;
}

const char *
dpxe_dhcp_msg_type_name(uint8_t type)
{
	static const char *const names[] = {
		"BOOTP",   "DISCOVER", "OFFER", "REQUEST", "DECLINE",
		"ACK",     "NAK",      "RELEASE", "INFORM",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] :
							 "UNKNOWN";
}
