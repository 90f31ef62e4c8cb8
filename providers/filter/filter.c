/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * filter: a gate in front of the boot providers, after Microsoft's
 * FilterProvider sample (a global allow/deny policy plus per-device
 * overrides), extended to MAC prefixes, client architecture (option 93)
 * and relay (giaddr subnet).
 *
 * Allowed clients are PXE_BA_REJECTED (passed on to the next provider);
 * denied ones PXE_BA_IGNORE (dropped, nobody answers). It never sends.
 * Only network-boot clients (option 60 PXEClient... or HTTPClient...) are
 * judged; any other DHCP message is passed on untouched.
 *
 * Decision, first that applies (README.md has the full grammar):
 *   1. the longest allow_macs / deny_macs pattern matching chaddr;
 *   2. a deny_relays or deny_arch entry matching the client: deny;
 *   3. an allow_relays or allow_arch entry matching it: allow;
 *   4. policy.
 * All lists are parsed at initialize and read-only afterwards, so any
 * number of workers may run the callback at once.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provider_settings.h"

#define EXPORT __attribute__((visibility("default")))

#define OPT_VENDOR_CLASS 60
#define OPT_CLIENT_ARCH 93
#define BOOTP_HLEN 2
#define BOOTP_GIADDR 24
#define BOOTP_CHADDR 28
#define BOOTP_MIN 240 /* fixed header and cookie */

struct mac_pat {
	uint8_t b[6];
	uint8_t len; /* octets that must match; 6 for an exact MAC */
};

struct net4 {
	uint32_t addr, mask; /* host order */
	bool direct;         /* "direct": not relayed (giaddr 0) */
};

struct filter_list {
	const char *setting;
	size_t n;
	union {
		struct mac_pat *mac;
		uint16_t *arch;
		struct net4 *net;
		void *any;
	};
};

struct filter {
	HANDLE provider;
	bool deny_by_default;
	bool trace_requests;
	bool want_arch; /* some arch list is non-empty: read option 93 */
	struct filter_list allow_macs, deny_macs, allow_arch, deny_arch, allow_relays,
		deny_relays;
};

static const char *const known_settings[] = {
	"policy",	"allow_macs",	"deny_macs",	"allow_arch",	  "deny_arch",
	"allow_relays", "deny_relays", "trace_requests",
};

/* ---- settings ------------------------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "52:54:00:12:34:56", "52-54-00-12-34-56", "525400123456" or a prefix
 * "52:54:00:*" / "525400*" (1..6 whole octets, then '*'). */
static bool
parse_mac(const char *s, struct mac_pat *p)
{
	bool star = false;

	p->len = 0;
	while (*s) {
		int hi, lo;

		if (*s == '*') {
			star = true;
			s++;
			break;
		}
		if (p->len == 6 || (hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
			return false;
		p->b[p->len++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if ((*s == ':' || *s == '-') && s[1] != '\0')
			s++;
	}
	return *s == '\0' && p->len > 0 && (star || p->len == 6);
}

static bool
parse_arch(const char *s, uint16_t *a)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return false;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > 0xffff)
		return false;
	*a = (uint16_t)v;
	return true;
}

/* "10.1.0.0/16", "10.1.2.3" (a /32) or "direct" */
static bool
parse_net(const char *s, struct net4 *n)
{
	char ip[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t iplen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long prefix = 32;
	struct in_addr a;

	memset(n, 0, sizeof(*n));
	if (strcmp(s, "direct") == 0) {
		n->direct = true;
		return true;
	}
	if (iplen == 0 || iplen >= sizeof(ip))
		return false;
	memcpy(ip, s, iplen);
	ip[iplen] = '\0';
	if (inet_pton(AF_INET, ip, &a) != 1)
		return false;
	if (slash) {
		char *end;

		if (!isdigit((unsigned char)slash[1]))
			return false;
		prefix = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || prefix > 32)
			return false;
	}
	n->mask = prefix ? ~0u << (32 - prefix) : 0;
	n->addr = ntohl(a.s_addr);
	return (n->addr & ~n->mask) == 0; /* no host bits: say what you mean */
}

enum list_kind { LIST_MAC, LIST_ARCH, LIST_NET };

static const wchar_t *const list_hint[] = {
	[LIST_MAC] = L"a MAC address or prefix (52:54:00:12:34:56, 52:54:00:*)",
	[LIST_ARCH] = L"an architecture code, 0..65535 (option 93, e.g. 0 BIOS, 7 x64 UEFI)",
	[LIST_NET] = L"a relay subnet (10.1.0.0/16), a relay address, or direct",
};

/* Parse setting name (a list of items separated by commas and/or spaces). */
static DWORD
parse_list(struct filter *f, HKEY key, const char *name, enum list_kind kind,
	   struct filter_list *l)
{
	static const size_t item_size[] = { sizeof(struct mac_pat), sizeof(uint16_t),
					    sizeof(struct net4) };
	const char *v = DpxeProviderGetSetting(key, name);
	char *copy, *tok, *save = NULL;
	size_t cap;

	l->setting = name;
	if (v == NULL)
		return ERROR_SUCCESS;
	cap = strlen(v) / 2 + 1; /* items are at least 1 character and a separator */
	copy = strdup(v);
	l->any = calloc(cap, item_size[kind]);
	if (copy == NULL || l->any == NULL) {
		free(copy);
		PxeTrace(f->provider, PXE_TRACE_ERROR, L"setting %S: out of memory", name);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	for (tok = strtok_r(copy, ", \t\n", &save); tok; tok = strtok_r(NULL, ", \t\n", &save)) {
		bool ok = kind == LIST_MAC    ? parse_mac(tok, &l->mac[l->n])
			  : kind == LIST_ARCH ? parse_arch(tok, &l->arch[l->n])
					      : parse_net(tok, &l->net[l->n]);

		if (!ok) {
			PxeTrace(f->provider, PXE_TRACE_ERROR,
				 L"setting %S: \"%S\" is not %ls", name, tok, list_hint[kind]);
			free(copy);
			return ERROR_INVALID_PARAMETER;
		}
		l->n++;
	}
	free(copy);
	return ERROR_SUCCESS;
}

/* An entry in both the allow and the deny list is a contradiction. */
static DWORD
check_overlap(struct filter *f, enum list_kind kind, const struct filter_list *a,
	      const struct filter_list *d)
{
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < d->n; j++) {
			bool same = kind == LIST_MAC
					    ? a->mac[i].len == d->mac[j].len &&
						      memcmp(a->mac[i].b, d->mac[j].b,
							     a->mac[i].len) == 0
				    : kind == LIST_ARCH
					    ? a->arch[i] == d->arch[j]
					    : a->net[i].direct == d->net[j].direct &&
						      a->net[i].addr == d->net[j].addr &&
						      a->net[i].mask == d->net[j].mask;

			if (same) {
				PxeTrace(f->provider, PXE_TRACE_ERROR,
					 L"setting %S: entry %lu is also in %S",
					 d->setting, (ULONG)j + 1, a->setting);
				return ERROR_INVALID_PARAMETER;
			}
		}
	return ERROR_SUCCESS;
}

static void
filter_free(struct filter *f)
{
	struct filter_list *l[] = { &f->allow_macs, &f->deny_macs,    &f->allow_arch,
				    &f->deny_arch,  &f->allow_relays, &f->deny_relays };

	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		free(l[i]->any);
	free(f);
}

static DWORD
read_settings(struct filter *f, HKEY key)
{
	const char *policy;
	DWORD err;

	err = dpxe_ps_check_names(f->provider, key, known_settings,
				  sizeof(known_settings) / sizeof(known_settings[0]));
	if (err != ERROR_SUCCESS)
		return err;
	policy = DpxeProviderGetSetting(key, "policy");
	if (policy == NULL || strcmp(policy, "allow") == 0) {
		f->deny_by_default = false;
	} else if (strcmp(policy, "deny") == 0) {
		f->deny_by_default = true;
	} else {
		PxeTrace(f->provider, PXE_TRACE_ERROR,
			 L"setting policy: \"%S\" is neither allow nor deny", policy);
		return ERROR_INVALID_PARAMETER;
	}
	if ((err = dpxe_ps_get_bool(f->provider, key, "trace_requests", &f->trace_requests)) ||
	    (err = parse_list(f, key, "allow_macs", LIST_MAC, &f->allow_macs)) ||
	    (err = parse_list(f, key, "deny_macs", LIST_MAC, &f->deny_macs)) ||
	    (err = parse_list(f, key, "allow_arch", LIST_ARCH, &f->allow_arch)) ||
	    (err = parse_list(f, key, "deny_arch", LIST_ARCH, &f->deny_arch)) ||
	    (err = parse_list(f, key, "allow_relays", LIST_NET, &f->allow_relays)) ||
	    (err = parse_list(f, key, "deny_relays", LIST_NET, &f->deny_relays)) ||
	    (err = check_overlap(f, LIST_MAC, &f->allow_macs, &f->deny_macs)) ||
	    (err = check_overlap(f, LIST_ARCH, &f->allow_arch, &f->deny_arch)) ||
	    (err = check_overlap(f, LIST_NET, &f->allow_relays, &f->deny_relays)))
		return err;
	f->want_arch = f->allow_arch.n || f->deny_arch.n;
	/* deny lists are checked first, so under "allow" these decide nothing */
	if (!f->deny_by_default && (f->allow_arch.n || f->allow_relays.n))
		PxeTrace(f->provider, PXE_TRACE_WARNING,
			 L"setting %S: has no effect with policy allow (only allow_macs can "
			 L"override a deny list)",
			 f->allow_arch.n ? "allow_arch" : "allow_relays");
	return ERROR_SUCCESS;
}

/* ---- per request ---------------------------------------------------- */

struct client {
	const uint8_t *chaddr; /* NULL: packet too short to say */
	uint8_t hlen;
	uint32_t giaddr;       /* host order */
	uint16_t arch[16];
	unsigned int narch;
};

static const struct mac_pat *
longest_mac(const struct filter_list *l, const struct client *c)
{
	const struct mac_pat *best = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (l->mac[i].len <= c->hlen && memcmp(l->mac[i].b, c->chaddr, l->mac[i].len) == 0 &&
		    (best == NULL || l->mac[i].len > best->len))
			best = &l->mac[i];
	return best;
}

static long
match_arch(const struct filter_list *l, const struct client *c)
{
	for (size_t i = 0; i < l->n; i++)
		for (unsigned int j = 0; j < c->narch; j++)
			if (l->arch[i] == c->arch[j])
				return (long)i;
	return -1;
}

static long
match_relay(const struct filter_list *l, const struct client *c)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct net4 *n = &l->net[i];

		if (n->direct ? c->giaddr == 0
			      : c->giaddr != 0 && (c->giaddr & n->mask) == n->addr)
			return (long)i;
	}
	return -1;
}

/* The client's architectures: option 93 (a list of 16-bit codes), else the
 * Arch field of a PXE option 60 ("PXEClient:Arch:00007:..."). */
static void
read_arch(const void *pkt, ULONG len, struct client *c, const uint8_t *vc, BYTE vclen)
{
	BYTE olen;
	PVOID val;

	if (PxeDhcpGetOptionValue(pkt, len, 1, OPT_CLIENT_ARCH, &olen, &val) == ERROR_SUCCESS) {
		const uint8_t *p = val;

		for (unsigned int i = 0; i + 1 < olen && c->narch < 16; i += 2)
			c->arch[c->narch++] = (uint16_t)(p[i] << 8 | p[i + 1]);
		return;
	}
	if (vclen >= 20 && memcmp(vc + 9, ":Arch:", 6) == 0) {
		unsigned int a = 0;

		for (unsigned int i = 15; i < 20; i++) {
			if (!isdigit(vc[i]))
				return;
			a = a * 10 + (unsigned int)(vc[i] - '0');
		}
		if (a <= 0xffff)
			c->arch[c->narch++] = (uint16_t)a;
	}
}

static void
trace_decision(const struct filter *f, const struct client *c, bool deny, const char *why,
	       long index)
{
	char mac[3 * 16] = "unknown"; /* 16 octets: 32 digits, 15 colons, NUL */

	if (c->chaddr && c->hlen) {
		size_t off = 0;

		for (unsigned int i = 0; i < c->hlen; i++)
			off += (size_t)snprintf(mac + off, sizeof(mac) - off, i ? ":%02x" : "%02x",
						c->chaddr[i]);
	}
	if (index >= 0)
		PxeTrace(f->provider, PXE_TRACE_VERBOSE, L"%S: %S by %S entry %ld", mac,
			 deny ? "denied" : "allowed", why, index + 1);
	else
		PxeTrace(f->provider, PXE_TRACE_VERBOSE, L"%S: %S by %S", mac,
			 deny ? "denied" : "allowed", why);
}

static DWORD PXEAPI
filter_recv(HANDLE hClientRequest, PVOID pPacket, ULONG uPacketLen,
	    PXE_ADDRESS *pLocalAddress, PXE_ADDRESS *pRemoteAddress, PXE_BOOT_ACTION *pAction,
	    PVOID pContext)
{
	const struct filter *f = pContext;
	const uint8_t *pkt = pPacket;
	struct client c = { 0 };
	const struct mac_pat *am, *dm;
	const char *why;
	long idx = -1;
	BYTE vclen = 0;
	PVOID vc = NULL;
	bool deny;

	(void)hClientRequest;
	(void)pLocalAddress;
	(void)pRemoteAddress;
	*pAction = PXE_BA_REJECTED;

	/* judge network-boot clients only */
	if (PxeDhcpGetOptionValue(pPacket, uPacketLen, 1, OPT_VENDOR_CLASS, &vclen, &vc) !=
		    ERROR_SUCCESS ||
	    !((vclen >= 9 && memcmp(vc, "PXEClient", 9) == 0) ||
	      (vclen >= 10 && memcmp(vc, "HTTPClient", 10) == 0)))
		return ERROR_SUCCESS;
	/* GetOptionValue found it, so the fixed header is all there */
	c.chaddr = pkt + BOOTP_CHADDR;
	c.hlen = pkt[BOOTP_HLEN] <= 16 ? pkt[BOOTP_HLEN] : 16;
	c.giaddr = (uint32_t)pkt[BOOTP_GIADDR] << 24 | (uint32_t)pkt[BOOTP_GIADDR + 1] << 16 |
		   (uint32_t)pkt[BOOTP_GIADDR + 2] << 8 | pkt[BOOTP_GIADDR + 3];
	if (f->want_arch)
		read_arch(pPacket, uPacketLen, &c, vc, vclen);

	am = longest_mac(&f->allow_macs, &c);
	dm = longest_mac(&f->deny_macs, &c);
	if (am || dm) {
		/* equal lengths cannot both match: initialize refused overlaps */
		deny = dm && (!am || dm->len > am->len);
		why = deny ? "deny_macs" : "allow_macs";
		idx = deny ? dm - f->deny_macs.mac : am - f->allow_macs.mac;
	} else if ((idx = match_relay(&f->deny_relays, &c)) >= 0) {
		deny = true;
		why = "deny_relays";
	} else if ((idx = match_arch(&f->deny_arch, &c)) >= 0) {
		deny = true;
		why = "deny_arch";
	} else if ((idx = match_relay(&f->allow_relays, &c)) >= 0) {
		deny = false;
		why = "allow_relays";
	} else if ((idx = match_arch(&f->allow_arch, &c)) >= 0) {
		deny = false;
		why = "allow_arch";
	} else {
		deny = f->deny_by_default;
		why = "policy";
	}
	if (f->trace_requests)
		trace_decision(f, &c, deny, why, idx);
	*pAction = deny ? PXE_BA_IGNORE : PXE_BA_REJECTED;
	return ERROR_SUCCESS;
}

static DWORD PXEAPI
filter_shutdown(PVOID pContext)
{
	struct filter *f = pContext;

	PxeTrace(f->provider, PXE_TRACE_INFO, L"shutting down");
	filter_free(f);
	return ERROR_SUCCESS;
}

EXPORT DWORD PXEAPI
PxeProviderInitialize(HANDLE hProvider, HKEY hProviderKey)
{
	/* ALL: the gate must see every request a later provider could answer
	 * (bootfile takes all of them, HTTPClient clients and requests without
	 * END included); the callback itself lets non-boot clients through */
	ULONG filter = PXE_PROV_FILTER_ALL;
	struct filter *f;
	DWORD err;

	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		PxeTrace(hProvider, PXE_TRACE_ERROR, L"out of memory");
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	f->provider = hProvider;
	err = read_settings(f, hProviderKey);
	if (err != ERROR_SUCCESS)
		goto fail;
	err = PxeProviderSetAttribute(hProvider, PXE_PROV_ATTR_FILTER, &filter, sizeof(filter));
	if (err == ERROR_SUCCESS)
		err = PxeRegisterCallback(hProvider, PXE_CALLBACK_RECV_REQUEST,
					  (PVOID)(PFN_PXE_PROVIDER_RECV_REQUEST)filter_recv, f);
	if (err == ERROR_SUCCESS)
		err = PxeRegisterCallback(hProvider, PXE_CALLBACK_SHUTDOWN,
					  (PVOID)(PFN_PXE_PROVIDER_SHUTDOWN)filter_shutdown, f);
	if (err != ERROR_SUCCESS) {
		PxeTrace(hProvider, PXE_TRACE_ERROR, L"registering with the server failed: %lu",
			 err);
		goto fail;
	}
	PxeTrace(hProvider, PXE_TRACE_INFO,
		 L"policy %S; %lu+%lu MAC, %lu+%lu arch, %lu+%lu relay entries "
		 L"(allow+deny)",
		 f->deny_by_default ? "deny" : "allow", (ULONG)f->allow_macs.n,
		 (ULONG)f->deny_macs.n, (ULONG)f->allow_arch.n, (ULONG)f->deny_arch.n,
		 (ULONG)f->allow_relays.n, (ULONG)f->deny_relays.n);
	return ERROR_SUCCESS;

fail:
	filter_free(f);
	return err;
}
