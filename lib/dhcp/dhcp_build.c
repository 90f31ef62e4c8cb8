/* SPDX-License-Identifier: BSD-3-Clause */
/* DHCPv4 reply builder: bounded appends, RFC 3396 splitting, BOOTP padding. */
#include <string.h>

#include "byteorder.h"
#include "dhcp_build.h"

#define likely_small(len) __builtin_expect((len) <= 255, 1)

size_t
dpxe_dhcp_reply_limit(const struct dpxe_dhcp_msg *req)
{
	size_t max = req->max_msg_size ? req->max_msg_size :
					 DPXE_DHCP_DEFAULT_MAX_MSG;

	return max - DPXE_DHCP_IP_UDP_OVERHEAD;
}

int
dpxe_dhcp_reply_init(struct dpxe_dhcp_builder *b, uint8_t *buf,
		     size_t buf_cap, const struct dpxe_dhcp_msg *req,
		     uint8_t msg_type)
{
	size_t cap = dpxe_dhcp_reply_limit(req);

	if (cap > buf_cap)
		cap = buf_cap;
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->overflow = false;
	if (cap < DPXE_BOOTP_MIN_LEN)
		return -1;

	memset(buf, 0, DPXE_DHCP_OPTIONS_OFF);
	buf[DPXE_BOOTP_OP] = DPXE_BOOTP_REPLY;
	buf[DPXE_BOOTP_HTYPE] = req->htype;
	buf[DPXE_BOOTP_HLEN] = req->hlen;
	memcpy(buf + DPXE_BOOTP_XID, &req->xid, 4);
	dpxe_store_be16(buf + DPXE_BOOTP_FLAGS, req->flags);
	/* RFC 2131 Table 3: an ACK carries the REQUEST's ciaddr; OFFER and
	 * NAK carry 0 */
	if (msg_type == DPXE_DHCPACK)
		dpxe_store_ip(buf + DPXE_BOOTP_CIADDR, req->ciaddr);
	dpxe_store_ip(buf + DPXE_BOOTP_GIADDR, req->giaddr);
	memcpy(buf + DPXE_BOOTP_CHADDR, req->chaddr, DPXE_BOOTP_CHADDR_LEN);
	dpxe_store_be32(buf + DPXE_BOOTP_COOKIE, DPXE_DHCP_MAGIC_COOKIE);
	b->len = DPXE_DHCP_OPTIONS_OFF;
	if (msg_type != DPXE_DHCP_BOOTP)
		return dpxe_dhcp_add_u8(b, DPXE_OPT_MSG_TYPE, msg_type);
	return 0;
}

int
dpxe_dhcp_add_option(struct dpxe_dhcp_builder *b, uint8_t code,
		     const void *val, size_t len)
{
	const uint8_t *v = val;
	size_t done = 0;

	/* the common case, one instance; one byte always stays free for END */
	if (likely_small(len)) {
		if (b->overflow || b->cap - b->len < len + 3) {
			b->overflow = true;
			return -1;
		}
		b->buf[b->len] = code;
		b->buf[b->len + 1] = (uint8_t)len;
		if (len)
			memcpy(b->buf + b->len + 2, v, len);
		b->len += len + 2;
		return 0;
	}
	/* RFC 3396: split into 255-byte instances of the same code */
	if (b->overflow || b->cap - b->len < 2 * ((len + 254) / 255) + len + 1) {
		b->overflow = true;
		return -1;
	}
	do {
		size_t n = len - done > 255 ? 255 : len - done;

		b->buf[b->len++] = code;
		b->buf[b->len++] = (uint8_t)n;
		memcpy(b->buf + b->len, v + done, n);
		b->len += n;
		done += n;
	} while (done < len);
	return 0;
}

int
dpxe_dhcp_add_u32(struct dpxe_dhcp_builder *b, uint8_t code, uint32_t v)
{
	uint8_t be[4];

	dpxe_store_be32(be, v);
	return dpxe_dhcp_add_option(b, code, be, 4);
}

int
dpxe_dhcp_add_ip(struct dpxe_dhcp_builder *b, uint8_t code, uint32_t ip)
{
	return dpxe_dhcp_add_option(b, code, &ip, 4);
}

int
dpxe_dhcp_add_string(struct dpxe_dhcp_builder *b, uint8_t code, const char *s)
{
	return dpxe_dhcp_add_option(b, code, s, strlen(s));
}

void
dpxe_dhcp_set_yiaddr(struct dpxe_dhcp_builder *b, uint32_t ip)
{
	dpxe_store_ip(b->buf + DPXE_BOOTP_YIADDR, ip);
}

void
dpxe_dhcp_set_siaddr(struct dpxe_dhcp_builder *b, uint32_t ip)
{
	dpxe_store_ip(b->buf + DPXE_BOOTP_SIADDR, ip);
}

static int
set_field(uint8_t *field, size_t field_len, const char *s)
{
	size_t n = strlen(s);

	if (n >= field_len)
		return -1;
	memcpy(field, s, n);
	memset(field + n, 0, field_len - n);
	return 0;
}

int
dpxe_dhcp_set_file(struct dpxe_dhcp_builder *b, const char *file)
{
	return set_field(b->buf + DPXE_BOOTP_FILE, DPXE_BOOTP_FILE_LEN, file);
}

int
dpxe_dhcp_set_sname(struct dpxe_dhcp_builder *b, const char *sname)
{
	return set_field(b->buf + DPXE_BOOTP_SNAME, DPXE_BOOTP_SNAME_LEN, sname);
}

size_t
dpxe_dhcp_reply_finish(struct dpxe_dhcp_builder *b)
{
	/* add_option keeps a byte for END, so only an overflow can stop us */
	if (b->overflow || b->len >= b->cap)
		return 0;
	b->buf[b->len++] = DPXE_OPT_END;
	if (b->len < DPXE_BOOTP_MIN_LEN) {
		memset(b->buf + b->len, 0, DPXE_BOOTP_MIN_LEN - b->len);
		b->len = DPXE_BOOTP_MIN_LEN;
	}
	return b->len;
}
