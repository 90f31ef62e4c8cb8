/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe configuration: the structs one YAML file fills, and the functions that
 * load, check, print and free it.
 *
 * Every struct below is filled by libcyaml from the schema in config_schema.c
 * (the members marked "as written"), then completed by a resolve pass
 * (config_resolve.c) that applies defaults, turns address strings into
 * integers and checks the file as a whole. After dpxe_config_load() returns 0
 * the resolved members are valid and nothing on the fast path needs to parse
 * a string.
 *
 * Byte order: every IPv4 address, mask and subnet below is a uint32_t in
 * HOST byte order (192.0.2.1 is 0xc0000201), so that range and subnet checks
 * are plain integer compares. Convert with rte_cpu_to_be_32() / htonl() when
 * writing to or comparing with the wire.
 */
#ifndef DPXE_CONFIG_H
#define DPXE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DPXE_CONFIG_MAX_DNS 8        /**< subnets[].dns entries */
#define DPXE_CONFIG_MAX_PORTS 32     /**< server.ports / dataplane.ports */
#define DPXE_CONFIG_FILE_LEN 127     /**< boot_file, url: the BOOTP file field */

/** server.mode */
enum dpxe_config_mode {
	DPXE_CONFIG_MODE_PROXY = 0, /**< proxyDHCP: boot info only (default) */
	DPXE_CONFIG_MODE_DHCP,      /**< full DHCP server: addresses too */
};

/** dataplane.spreading: how broadcast DISCOVERs are spread over workers. */
enum dpxe_config_spreading {
	DPXE_CONFIG_SPREADING_AUTO = 0, /**< pick the best the NIC offers */
	DPXE_CONFIG_SPREADING_FLOW,     /**< rte_flow rules on the client MAC */
	DPXE_CONFIG_SPREADING_SOFTWARE, /**< workers hand frames to the chaddr owner */
	DPXE_CONFIG_SPREADING_NONE,     /**< whoever receives it answers */
};

/** log.level; numerically equal to DPDK's RTE_LOG_EMERG..RTE_LOG_DEBUG. */
enum dpxe_config_log_level {
	DPXE_CONFIG_LOG_EMERG = 1,
	DPXE_CONFIG_LOG_ALERT,
	DPXE_CONFIG_LOG_CRIT,
	DPXE_CONFIG_LOG_ERR,
	DPXE_CONFIG_LOG_WARNING,
	DPXE_CONFIG_LOG_NOTICE,
	DPXE_CONFIG_LOG_INFO,   /**< default */
	DPXE_CONFIG_LOG_DEBUG,
};

/** An IPv4 subnet, host order; addr has no host bits set. */
struct dpxe_config_ipv4_net {
	uint32_t addr;
	uint32_t mask;   /**< e.g. 0xffffff00 for /24 */
	uint8_t prefix;  /**< 0..32 */
};

/** A MAC address or MAC prefix ("52:54:00:*"). */
struct dpxe_config_mac_match {
	uint8_t addr[6];
	uint8_t len;     /**< leading octets that must match: 6 = exact */
};

/** A string match: exact, or a prefix when written with a trailing '*'. */
struct dpxe_config_pattern {
	const char *text; /**< NULL: not given (matches anything); no '*' */
	uint16_t len;     /**< bytes of text to compare */
	bool prefix;      /**< true: text is a prefix of the client's value */
};

/** server.ports[i]: the server's identity on dataplane.ports[i]. */
struct dpxe_config_server_port {
	/* Resolved. */
	uint32_t ip;
	uint32_t mask;
	uint32_t gateway;    /**< 0: none */
	bool mac_auto;       /**< true: use the NIC's MAC, mac is unset */
	uint8_t mac[6];
	/* As written. */
	char *ip_text;
	uint8_t prefix;
	char *mac_text;      /**< "auto", a MAC, or NULL (= auto) */
	char *gateway_text;  /**< NULL: none */
};

struct dpxe_config_server {
	enum dpxe_config_mode mode;
	char *name;          /**< sname / logs; NULL: none */
	struct dpxe_config_server_port *ports;
	uint32_t ports_count;
};

/** dataplane.ports[i] */
struct dpxe_config_dp_port {
	char *name;
	char *devargs;       /**< vdev string or PCI address (with args) */
	uint16_t rx_queues;  /**< default 1 */
	uint16_t vlan;       /**< 802.1Q VID the server answers on; 0 untagged */
};

struct dpxe_config_dataplane {
	struct dpxe_config_dp_port *ports;
	uint32_t ports_count;
	/** lcore ids; workers[i] serves the i-th (port, queue) pair, ports in
	 *  order then queues. 0 entries: the dataplane picks lcores. */
	uint32_t *workers;
	uint32_t workers_count;
	uint32_t mbufs_per_worker; /**< default 8191 */
	uint32_t mbuf_cache;       /**< default 256 */
	uint32_t burst;            /**< 1..512, default 32 */
	enum dpxe_config_spreading spreading;
	uint32_t reply_delay_ms;   /**< default 0 */
	/** How long a request may stay with a provider that returned
	 *  ERROR_IO_PENDING before it is dropped (ms); default 5000. */
	uint32_t provider_timeout_ms;
};

/** Bits of dpxe_config_match.given: which keys the rule tests. */
#define DPXE_CONFIG_MATCH_ARCH         (1u << 0)
#define DPXE_CONFIG_MATCH_VENDOR_CLASS (1u << 1)
#define DPXE_CONFIG_MATCH_USER_CLASS   (1u << 2)
#define DPXE_CONFIG_MATCH_IPXE         (1u << 3)
#define DPXE_CONFIG_MATCH_MAC          (1u << 4)
#define DPXE_CONFIG_MATCH_RELAY        (1u << 5)

/** boot.rules[i].match: every given key must match; none given: any client. */
struct dpxe_config_match {
	/* Resolved. */
	uint32_t given;      /**< DPXE_CONFIG_MATCH_* */
	struct dpxe_config_pattern vendor_class;
	struct dpxe_config_pattern user_class;
	struct dpxe_config_mac_match mac;
	struct dpxe_config_ipv4_net relay; /**< giaddr inside this subnet */
	/* As written. */
	uint16_t *arch;      /**< option 93 codes */
	uint32_t arch_count;
	char *vendor_class_text;
	char *user_class_text;
	bool ipxe;           /**< only meaningful with DPXE_CONFIG_MATCH_IPXE */
	char *mac_text;
	char *relay_text;
};

/** A PXE boot menu entry (option 43 sub-option 9). */
struct dpxe_config_menu_item {
	uint16_t type;       /**< PXE boot server type */
	char *text;
};

struct dpxe_config_boot_rule {
	char *name;
	struct dpxe_config_match match;
	char *boot_file;     /**< NULL: none */
	char *url;           /**< NULL: none; goes in the file field */
	/** Resolved next-server: this rule's tftp_server, else boot.tftp_server,
	 *  else 0 (= the answering server port's ip). */
	uint32_t tftp_server;
	char *tftp_server_text;
	bool boot_server;    /**< send the client to the port 4011 step */
	char *menu_prompt;   /**< NULL: no prompt (sub-option 10) */
	uint8_t menu_timeout; /**< seconds the prompt waits; default 10 */
	struct dpxe_config_menu_item *menu;
	uint32_t menu_count;
};

struct dpxe_config_boot {
	uint32_t tftp_server;  /**< resolved; 0: the answering port's ip */
	char *tftp_server_text;
	struct dpxe_config_boot_rule *rules; /**< first match wins */
	uint32_t rules_count;
};

/** hosts[i]: a per-MAC reservation / override. */
struct dpxe_config_host {
	uint8_t mac[6];      /**< resolved */
	uint32_t ip;         /**< resolved; 0: none */
	char *mac_text;
	char *ip_text;
	char *hostname;      /**< NULL: none */
	char *boot_file;     /**< NULL: no override */
};

struct dpxe_config_pool {
	uint32_t start, end; /**< resolved, inclusive */
	char *start_text;
	char *end_text;
};

struct dpxe_config_subnet {
	/* Resolved. */
	struct dpxe_config_ipv4_net net;
	uint32_t router;     /**< 0: none */
	uint32_t dns[DPXE_CONFIG_MAX_DNS];
	/* As written. */
	char *subnet_text;
	struct dpxe_config_pool *pools;
	uint32_t pools_count;
	char *router_text;
	char **dns_text;
	uint32_t dns_count;  /**< entries in dns_text and dns */
	char *domain;        /**< NULL: none */
	uint32_t lease_time; /**< seconds, default 3600 */
	uint32_t renew_time; /**< T1, default lease_time / 2 */
	uint32_t rebind_time; /**< T2, default lease_time * 7 / 8 */
};

/** providers[i].settings entry; both strings owned by the config. */
struct dpxe_config_setting {
	char *key;
	char *value;
};

struct dpxe_config_provider {
	char *name;
	char *module;        /**< path of the provider's shared object */
	bool critical;       /**< default true: start-up fails if it fails */
	struct dpxe_config_setting *settings; /**< in file order */
	uint32_t settings_count;
};

/** leases: the lease store of full DHCP mode (server.mode: dhcp). */
struct dpxe_config_leases {
	/** The append-only lease journal (lease_journal.h); NULL: leases
	 *  live in memory only and a restart forgets them. */
	char *journal;
	uint32_t capacity;     /**< client entries per worker shard, default 65536 */
	uint32_t offer_time;   /**< s an offered address is held, default 60 */
	uint32_t decline_time; /**< s a declined address is quarantined, default 600 */
	uint32_t flush_ms;     /**< journal batch interval (ms), 1..10000, default 50 */
};

struct dpxe_config_log {
	enum dpxe_config_log_level level;
	char *file;          /**< NULL: stderr */
};

/** The whole file. Sections other than server and dataplane are optional. */
struct dpxe_config {
	struct dpxe_config_server server;
	struct dpxe_config_dataplane dataplane;
	struct dpxe_config_boot boot;
	struct dpxe_config_host *hosts;
	uint32_t hosts_count;
	struct dpxe_config_subnet *subnets;
	uint32_t subnets_count;
	struct dpxe_config_provider *providers; /**< the provider chain, in order */
	uint32_t providers_count;
	struct dpxe_config_leases leases; /**< defaults filled in any mode */
	struct dpxe_config_log log;
};

/**
 * Why a configuration was rejected. Fixed-size so callers need not free it;
 * over-long parts are truncated.
 */
struct dpxe_config_error {
	char file[256];      /**< the name given to the loader */
	unsigned line;       /**< 1-based; 0 when about the file as a whole */
	unsigned col;        /**< 1-based; 0 when line is 0 */
	char path[160];      /**< e.g. "boot.rules[1].match.arch[2]"; "" for
	                          the whole document */
	char message[384];   /**< what was expected and what was found */
	char text[1024];     /**< "file:line:col: path: message", one line */
};

/**
 * Load, check and resolve a configuration file.
 *
 * @param path  YAML file to read.
 * @param out   Set to the new configuration on success, NULL on error.
 * @param err   Filled on error (may be NULL); err->text is the one line to
 *              show the user.
 * @return 0 on success; -ENOENT / -EACCES / ... if the file can't be read;
 *         -EINVAL if it is not a valid configuration; -ENOMEM.
 */
int dpxe_config_load(const char *path, struct dpxe_config **out,
		struct dpxe_config_error *err);

/**
 * Same as dpxe_config_load() for a YAML text already in memory.
 *
 * @param name  Name used for the file in error messages.
 * @param yaml  The document; need not be NUL-terminated.
 * @param len   Its length in bytes.
 * @return 0, -EINVAL or -ENOMEM.
 */
int dpxe_config_parse(const char *name, const char *yaml, size_t len,
		struct dpxe_config **out, struct dpxe_config_error *err);

/** Free a configuration from dpxe_config_load(); NULL is a no-op. */
void dpxe_config_free(struct dpxe_config *cfg);

/**
 * Print the effective configuration (defaults filled in) as YAML that
 * dpxe_config_load() accepts and that resolves to the same values.
 */
void dpxe_config_print(FILE *f, const struct dpxe_config *cfg);

/**
 * Write s as a YAML double-quoted scalar, escaping '"', '\\' and control
 * bytes: valid YAML whatever the bytes. For code that writes parts of a
 * configuration file (the provider registry).
 */
void dpxe_config_print_quoted(FILE *f, const char *s);

/** Name of a mode / spreading / log level as written in the YAML. */
const char *dpxe_config_mode_name(enum dpxe_config_mode mode);
const char *dpxe_config_spreading_name(enum dpxe_config_spreading s);
const char *dpxe_config_log_level_name(enum dpxe_config_log_level level);

#ifdef __cplusplus
}
#endif

#endif /* DPXE_CONFIG_H */
