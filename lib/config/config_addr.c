/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict text forms of the addresses a configuration holds: dotted-quad
 * IPv4, IPv4 subnets (a.b.c.d/len), MACs and MAC prefixes ("52:54:00:*").
 * Strict on purpose: inet_aton() would take "10.1" or "010.0.0.1" (octal),
 * and a config typo should be an error, not a different address.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

uint32_t
dpxe_config_prefix_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : UINT32_MAX << (32 - prefix);
}

/* A decimal 0..max without leading zeros; advances *s. */
static int
parse_dec(const char **s, unsigned max, unsigned *out)
{
	const char *p = *s;
	unsigned v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > max)
			return -EINVAL;
	}
	*s = p;
	*out = v;
	return 0;
}

static int
parse_ipv4_prefix(const char **s, uint32_t *addr)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned octet;

		if (i > 0 && *(*s)++ != '.')
			return -EINVAL;
		if (parse_dec(s, 255, &octet) != 0)
			return -EINVAL;
		a = (a << 8) | octet;
	}
	*addr = a;
	return 0;
}

int
dpxe_config_ipv4_parse(const char *s, uint32_t *addr)
{
	if (parse_ipv4_prefix(&s, addr) != 0 || *s != '\0')
		return -EINVAL;
	return 0;
}

int
dpxe_config_net_parse(const char *s, struct dpxe_config_ipv4_net *net,
		bool *host_bits)
{
	uint32_t addr;
	unsigned prefix;

	if (parse_ipv4_prefix(&s, &addr) != 0 || *s++ != '/' ||
	    parse_dec(&s, 32, &prefix) != 0 || *s != '\0')
		return -EINVAL;
	net->prefix = (uint8_t)prefix;
	net->mask = dpxe_config_prefix_mask(prefix);
	net->addr = addr & net->mask;
	*host_bits = (addr & ~net->mask) != 0;
	return 0;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
dpxe_config_mac_match_parse(const char *s, struct dpxe_config_mac_match *m)
{
	char sep = 0;
	unsigned n = 0;

	memset(m, 0, sizeof(*m));
	if (strcmp(s, "*") == 0)
		return 0;
	while (n < 6) {
		int hi = hex_digit(s[0]), lo = hi >= 0 ? hex_digit(s[1]) : -1;

		if (lo < 0)
			return -EINVAL;
		m->addr[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (*s == '\0')
			break;
		/* One separator for the whole address, ':' or '-'. */
		if (sep == 0 && (*s == ':' || *s == '-'))
			sep = *s;
		if (*s++ != sep)
			return -EINVAL;
		if (s[0] == '*' && s[1] == '\0' && n < 6) {
			m->len = (uint8_t)n;
			return 0;
		}
	}
	if (n != 6 || *s != '\0')
		return -EINVAL;
	m->len = 6;
	return 0;
}

int
dpxe_config_mac_parse(const char *s, uint8_t mac[6])
{
	struct dpxe_config_mac_match m;

	if (dpxe_config_mac_match_parse(s, &m) != 0 || m.len != 6)
		return -EINVAL;
	memcpy(mac, m.addr, 6);
	return 0;
}

void
dpxe_config_ipv4_format(uint32_t addr, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
			(addr >> 8) & 0xff, addr & 0xff);
}
