/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the end-to-end suite: build request frames byte by byte, decode
 * frames with the suite's own parser (never dpxe's, so a bug there cannot
 * hide itself), read and write classic pcap files, read dpxe's JSON stats and
 * run the dpxe binary with a time limit.
 *
 * Addresses are host order throughout this suite (10.213.47.1 is
 * 0x0ad52f01); they are written to frames big-endian.
 */
#ifndef DPXE_E2E_H
#define DPXE_E2E_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define E2E_FRAME_MAX 2048
#define E2E_IP(a, b, c, d)                                                     \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 |     \
	 (uint32_t)(d))

/* ---- bytes ---------------------------------------------------------- */

static inline uint16_t
e2e_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
e2e_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void
e2e_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
e2e_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/** RFC 1071 sum of len bytes, folded and complemented, starting from sum. */
uint16_t e2e_csum(uint32_t sum, const uint8_t *p, size_t len);

/** UDP checksum over the pseudo-header (src, dst host order) and the
 *  datagram, with whatever its checksum field holds: 0 when it verifies. */
uint16_t e2e_udp_csum(uint32_t src, uint32_t dst, const uint8_t *udp,
		      size_t udp_len);

/* ---- request frames ------------------------------------------------- */

/** How e2e_frame_udp() writes the UDP checksum. */
enum e2e_udp_csum {
	E2E_UDP_CSUM_OK = 0,
	E2E_UDP_CSUM_ZERO, /* "not computed", RFC 768 */
	E2E_UDP_CSUM_BAD,
};

/**
 * Layer 2-4 of a frame to build. Zero-initialised means: untagged IPv4, IHL
 * 5, TTL 64, UDP, correct lengths and checksums; the other fields are the
 * knobs the malformed cases turn.
 */
struct e2e_net {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint8_t nvlan; /* up to 3: the third is there to be refused */
	uint16_t tpid[3];
	uint16_t tci[3];
	uint16_t ethertype;    /* 0: IPv4 */
	uint32_t ip_src, ip_dst;
	uint16_t sport, dport;
	uint8_t ip_version;    /* 0: 4 */
	uint8_t ihl;           /* 32-bit words, 0: 5; > 5 adds NOP options */
	uint8_t ttl;           /* 0: 64 */
	uint8_t proto;         /* 0: UDP */
	uint16_t frag;         /* flags + fragment offset field */
	int ip_total_delta;    /* added to the right total length */
	bool ip_csum_bad;
	bool udp_len_set;      /* write udp_len instead of the right one */
	uint16_t udp_len;
	enum e2e_udp_csum udp_csum;
	uint16_t trailer;      /* bytes of Ethernet padding after the datagram */
};

/** Write a UDP/IPv4 frame carrying payload; returns its length or 0. */
/**
 * A UDP header (checksum 0) and its payload at udp: the first half of
 * writing a UDP datagram, for IPv4 and IPv6 alike.
 */
void e2e_udp_put(uint8_t *udp, uint16_t sport, uint16_t dport, uint16_t len_field,
		 const void *payload, size_t plen);
/**
 * The second half: the checksum c (computed over the datagram as
 * e2e_udp_put wrote it, with the family's pseudo-header) stored as mode
 * says: as is (0 sent as 0xffff), left 0, or deliberately wrong.
 */
void e2e_udp_put_csum(uint8_t *udp, uint16_t c, enum e2e_udp_csum mode);

size_t e2e_frame_udp(uint8_t *out, size_t cap, const struct e2e_net *n,
		     const uint8_t *payload, size_t plen);

/** An ARP frame (Ethernet/IPv4 unless htype says otherwise). */
size_t e2e_frame_arp(uint8_t *out, size_t cap, const struct e2e_net *n,
		     uint16_t op, uint16_t htype, const uint8_t sha[6],
		     uint32_t spa, const uint8_t tha[6], uint32_t tpa);

/** A DHCP message under construction. */
struct e2e_msg {
	uint8_t b[1600];
	size_t len;
};

/** BOOTREQUEST header and cookie; the options are appended after. */
void e2e_msg_init(struct e2e_msg *m, uint32_t xid, const uint8_t mac[6]);
void e2e_msg_opt(struct e2e_msg *m, uint8_t code, const void *val, size_t len);
void e2e_msg_opt_str(struct e2e_msg *m, uint8_t code, const char *s);
void e2e_msg_byte(struct e2e_msg *m, uint8_t b);
/** END, then zero padding to the 300-byte BOOTP minimum. */
void e2e_msg_end(struct e2e_msg *m);

/* ---- decoding ------------------------------------------------------- */

/** A frame as the suite reads it. Offsets from the start of the frame. */
struct e2e_view {
	const uint8_t *d;
	size_t len;
	uint8_t nvlan;
	uint16_t tpid[3], tci[3];
	uint16_t ethertype;
	size_t l3;
	bool ipv4_udp;  /* a whole, unfragmented IPv4/UDP datagram */
	bool ip_csum_ok;
	bool udp_csum_ok;  /* verified, or 0 = none */
	uint16_t udp_csum; /* as on the wire */
	uint32_t ip_src, ip_dst;
	uint8_t ttl, ihl;
	uint16_t ip_total, frag;
	uint16_t sport, dport;
	size_t udp_len;
	const uint8_t *pl; /* UDP payload */
	size_t pl_len;
};

/** Decode Ethernet, tags and IPv4/UDP; false for anything else. */
bool e2e_view_parse(const uint8_t *d, size_t len, struct e2e_view *v);

/** A DHCP message's options, walked by the suite: code -> value. */
struct e2e_opts {
	bool ok;           /* walk ended at END within the message */
	size_t end_off;    /* offset of END */
	uint8_t order[64]; /* codes in order of appearance */
	unsigned int n;
	bool dup;          /* some code appeared twice */
	const uint8_t *val[256];
	uint8_t len[256];
	bool has[256];
};

/** Walk the options field (no overload: replies never use it). */
void e2e_opts_parse(const uint8_t *msg, size_t len, struct e2e_opts *o);

/* ---- pcap ----------------------------------------------------------- */

struct e2e_pkt {
	uint8_t *data;
	uint32_t len;
};

struct e2e_pcap {
	struct e2e_pkt *v;
	size_t n, cap;
};

/** Read every frame of a classic pcap (Ethernet). 0, or -1 with err set. */
int e2e_pcap_read(const char *path, struct e2e_pcap *out, char *err,
		  size_t err_len);
/** Write frames as a classic pcap, link type Ethernet. 0 or -1. */
int e2e_pcap_write(const char *path, const struct e2e_pcap *p, char *err,
		   size_t err_len);
void e2e_pcap_add(struct e2e_pcap *p, const uint8_t *d, size_t len);
void e2e_pcap_free(struct e2e_pcap *p);

/* ---- JSON stats ----------------------------------------------------- */

struct e2e_json;

/** Parse a JSON document; NULL on a syntax error. */
struct e2e_json *e2e_json_parse(const char *text);
void e2e_json_free(struct e2e_json *j);
/**
 * The integer at a dotted path ("total.drops.ip_fragment", "workers.1.tx").
 * @return 0 with *v set, -1 when the path does not lead to an integer.
 */
int e2e_json_int(const struct e2e_json *j, const char *path, long long *v);
/**
 * The counter at the path fmt formats (printf-style), or -1, with a line on
 * stderr naming the path, when there is no integer there.
 */
long long e2e_json_stat(const struct e2e_json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Number of members of the object or array at path, or -1. */
int e2e_json_count(const struct e2e_json *j, const char *path);
/** Name of member i of the object at path, or NULL. */
const char *e2e_json_key(const struct e2e_json *j, const char *path,
			 unsigned int i);
/** Read a whole file into a NUL-terminated buffer (free it), or NULL. */
char *e2e_read_file(const char *path);

/* ---- running dpxe --------------------------------------------------- */

struct e2e_run {
	const char *dpxe;        /* the binary */
	const char *lcores;      /* EAL -l */
	const char *config;
	const char *const *rx;   /* rx_pcap files, one per queue */
	const char *const *tx;   /* tx_pcap files, as many */
	unsigned int nq;
	const char *stats_json;
	const char *log;         /* dpxe's stdout and stderr */
	unsigned int timeout_s;  /* killed after this */
	/* out */
	double seconds;
};

/**
 * Run dpxe on pcap files until it stops by itself (--idle-exit 300).
 * @return its exit status, or -1 with err set (did not start, killed by a
 *         signal, or still running after timeout_s and killed).
 */
int e2e_run_dpxe(struct e2e_run *r, char *err, size_t err_len);

#endif /* DPXE_E2E_H */
