/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The YAML configuration schema: libcyaml tables that say which keys each
 * mapping takes and where in the structs of config.h they land, plus the
 * accepted range of every integer field. The schema walk (config_walk.c)
 * reads these same tables to explain a bad file, so a key added here is
 * both loaded and checked.
 */
#include <cyaml/cyaml.h>

#include "config_internal.h"

/* Strings in the schema are limited so one field can't balloon a reply. */
#define STR_MAX 255

#define OPT CYAML_FLAG_OPTIONAL
#define SEQ_OPT (CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL)

/* ---- enumerations (CYAML_FLAG_STRICT: names only, no numbers) ---- */

const cyaml_strval_t dpxe_config_mode_strings[] = {
	{ "proxy", DPXE_CONFIG_MODE_PROXY },
	{ "dhcp", DPXE_CONFIG_MODE_DHCP },
};
const unsigned dpxe_config_mode_strings_count =
	CYAML_ARRAY_LEN(dpxe_config_mode_strings);

const cyaml_strval_t dpxe_config_spreading_strings[] = {
	{ "auto", DPXE_CONFIG_SPREADING_AUTO },
	{ "flow", DPXE_CONFIG_SPREADING_FLOW },
	{ "software", DPXE_CONFIG_SPREADING_SOFTWARE },
	{ "none", DPXE_CONFIG_SPREADING_NONE },
};
const unsigned dpxe_config_spreading_strings_count =
	CYAML_ARRAY_LEN(dpxe_config_spreading_strings);

/* The first name of each level is the canonical one, the one printed. */
const cyaml_strval_t dpxe_config_log_level_strings[] = {
	{ "emerg", DPXE_CONFIG_LOG_EMERG },
	{ "alert", DPXE_CONFIG_LOG_ALERT },
	{ "crit", DPXE_CONFIG_LOG_CRIT },
	{ "err", DPXE_CONFIG_LOG_ERR },
	{ "error", DPXE_CONFIG_LOG_ERR },
	{ "warning", DPXE_CONFIG_LOG_WARNING },
	{ "warn", DPXE_CONFIG_LOG_WARNING },
	{ "notice", DPXE_CONFIG_LOG_NOTICE },
	{ "info", DPXE_CONFIG_LOG_INFO },
	{ "debug", DPXE_CONFIG_LOG_DEBUG },
};
const unsigned dpxe_config_log_level_strings_count =
	CYAML_ARRAY_LEN(dpxe_config_log_level_strings);

/* ---- shared value schemas ---- */

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, STR_MAX),
};
static const cyaml_schema_value_t u32_entry = {
	CYAML_VALUE_UINT(CYAML_FLAG_DEFAULT, uint32_t),
};
static const cyaml_schema_value_t u16_entry = {
	CYAML_VALUE_UINT(CYAML_FLAG_DEFAULT, uint16_t),
};

/* ---- server ---- */

static const cyaml_schema_field_t server_port_fields[] = {
	CYAML_FIELD_STRING_PTR("ip", CYAML_FLAG_DEFAULT,
			struct dpxe_config_server_port, ip_text, 1, STR_MAX),
	CYAML_FIELD_UINT("prefix", CYAML_FLAG_DEFAULT,
			struct dpxe_config_server_port, prefix),
	CYAML_FIELD_STRING_PTR("mac", OPT,
			struct dpxe_config_server_port, mac_text, 1, STR_MAX),
	CYAML_FIELD_STRING_PTR("gateway", OPT,
			struct dpxe_config_server_port, gateway_text, 1,
			STR_MAX),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t server_port_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT,
			struct dpxe_config_server_port, server_port_fields),
};

static const cyaml_schema_field_t server_fields[] = {
	CYAML_FIELD_ENUM("mode", OPT | CYAML_FLAG_STRICT,
			struct dpxe_config_server, mode,
			dpxe_config_mode_strings,
			CYAML_ARRAY_LEN(dpxe_config_mode_strings)),
	/* sname is 64 bytes with its NUL. */
	CYAML_FIELD_STRING_PTR("name", OPT,
			struct dpxe_config_server, name, 1, 63),
	CYAML_FIELD_SEQUENCE("ports", CYAML_FLAG_POINTER,
			struct dpxe_config_server, ports, &server_port_entry,
			1, DPXE_CONFIG_MAX_PORTS),
	CYAML_FIELD_END
};

/* ---- dataplane ---- */

static const cyaml_schema_field_t dp_port_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_DEFAULT,
			struct dpxe_config_dp_port, name, 1, 63),
	CYAML_FIELD_STRING_PTR("devargs", CYAML_FLAG_DEFAULT,
			struct dpxe_config_dp_port, devargs, 1, STR_MAX),
	CYAML_FIELD_UINT("rx_queues", OPT,
			struct dpxe_config_dp_port, rx_queues),
	CYAML_FIELD_UINT("vlan", OPT, struct dpxe_config_dp_port, vlan),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t dp_port_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT,
			struct dpxe_config_dp_port, dp_port_fields),
};

static const cyaml_schema_field_t dataplane_fields[] = {
	CYAML_FIELD_SEQUENCE("ports", CYAML_FLAG_POINTER,
			struct dpxe_config_dataplane, ports, &dp_port_entry,
			1, DPXE_CONFIG_MAX_PORTS),
	CYAML_FIELD_SEQUENCE("workers", SEQ_OPT,
			struct dpxe_config_dataplane, workers, &u32_entry,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT("mbufs_per_worker", OPT,
			struct dpxe_config_dataplane, mbufs_per_worker),
	CYAML_FIELD_UINT("mbuf_cache", OPT,
			struct dpxe_config_dataplane, mbuf_cache),
	CYAML_FIELD_UINT("burst", OPT,
			struct dpxe_config_dataplane, burst),
	CYAML_FIELD_ENUM("spreading", OPT | CYAML_FLAG_STRICT,
			struct dpxe_config_dataplane, spreading,
			dpxe_config_spreading_strings,
			CYAML_ARRAY_LEN(dpxe_config_spreading_strings)),
	CYAML_FIELD_UINT("reply_delay_ms", OPT,
			struct dpxe_config_dataplane, reply_delay_ms),
	CYAML_FIELD_UINT("provider_timeout_ms", OPT,
			struct dpxe_config_dataplane, provider_timeout_ms),
	CYAML_FIELD_END
};

/* ---- boot ---- */

static const cyaml_schema_field_t match_fields[] = {
	CYAML_FIELD_SEQUENCE("arch", SEQ_OPT,
			struct dpxe_config_match, arch, &u16_entry,
			1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("vendor_class", OPT,
			struct dpxe_config_match, vendor_class_text, 1,
			STR_MAX),
	CYAML_FIELD_STRING_PTR("user_class", OPT,
			struct dpxe_config_match, user_class_text, 1, STR_MAX),
	CYAML_FIELD_BOOL("ipxe", OPT, struct dpxe_config_match, ipxe),
	CYAML_FIELD_STRING_PTR("mac", OPT,
			struct dpxe_config_match, mac_text, 1, STR_MAX),
	CYAML_FIELD_STRING_PTR("relay", OPT,
			struct dpxe_config_match, relay_text, 1, STR_MAX),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t menu_item_fields[] = {
	CYAML_FIELD_UINT("type", CYAML_FLAG_DEFAULT,
			struct dpxe_config_menu_item, type),
	/* A menu item's description length is one byte on the wire. */
	CYAML_FIELD_STRING_PTR("text", CYAML_FLAG_DEFAULT,
			struct dpxe_config_menu_item, text, 1, 252),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t menu_item_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT,
			struct dpxe_config_menu_item, menu_item_fields),
};

static const cyaml_schema_field_t rule_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_DEFAULT,
			struct dpxe_config_boot_rule, name, 1, 63),
	CYAML_FIELD_MAPPING("match", OPT,
			struct dpxe_config_boot_rule, match, match_fields),
	CYAML_FIELD_STRING_PTR("boot_file", OPT,
			struct dpxe_config_boot_rule, boot_file, 1,
			DPXE_CONFIG_FILE_LEN),
	CYAML_FIELD_STRING_PTR("tftp_server", OPT,
			struct dpxe_config_boot_rule, tftp_server_text, 1,
			STR_MAX),
	CYAML_FIELD_STRING_PTR("url", OPT,
			struct dpxe_config_boot_rule, url, 1,
			DPXE_CONFIG_FILE_LEN),
	CYAML_FIELD_BOOL("boot_server", OPT,
			struct dpxe_config_boot_rule, boot_server),
	/* Sub-option 10 carries a timeout byte, then the prompt. */
	CYAML_FIELD_STRING_PTR("menu_prompt", OPT,
			struct dpxe_config_boot_rule, menu_prompt, 1, 254),
	CYAML_FIELD_UINT("menu_timeout", OPT,
			struct dpxe_config_boot_rule, menu_timeout),
	CYAML_FIELD_SEQUENCE("menu", SEQ_OPT,
			struct dpxe_config_boot_rule, menu, &menu_item_entry,
			1, CYAML_UNLIMITED),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t rule_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT,
			struct dpxe_config_boot_rule, rule_fields),
};

static const cyaml_schema_field_t boot_fields[] = {
	CYAML_FIELD_STRING_PTR("tftp_server", OPT,
			struct dpxe_config_boot, tftp_server_text, 1, STR_MAX),
	CYAML_FIELD_SEQUENCE("rules", SEQ_OPT,
			struct dpxe_config_boot, rules, &rule_entry,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

/* ---- hosts ---- */

static const cyaml_schema_field_t host_fields[] = {
	CYAML_FIELD_STRING_PTR("mac", CYAML_FLAG_DEFAULT,
			struct dpxe_config_host, mac_text, 1, STR_MAX),
	CYAML_FIELD_STRING_PTR("ip", OPT,
			struct dpxe_config_host, ip_text, 1, STR_MAX),
	/* Option 12 holds at most 255 bytes; a DNS name at most 253. */
	CYAML_FIELD_STRING_PTR("hostname", OPT,
			struct dpxe_config_host, hostname, 1, 253),
	CYAML_FIELD_STRING_PTR("boot_file", OPT,
			struct dpxe_config_host, boot_file, 1,
			DPXE_CONFIG_FILE_LEN),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t host_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT,
			struct dpxe_config_host, host_fields),
};

/* ---- subnets ---- */

static const cyaml_schema_field_t pool_fields[] = {
	CYAML_FIELD_STRING_PTR("start", CYAML_FLAG_DEFAULT,
			struct dpxe_config_pool, start_text, 1, STR_MAX),
	CYAML_FIELD_STRING_PTR("end", CYAML_FLAG_DEFAULT,
			struct dpxe_config_pool, end_text, 1, STR_MAX),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t pool_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT,
			struct dpxe_config_pool, pool_fields),
};

static const cyaml_schema_field_t subnet_fields[] = {
	CYAML_FIELD_STRING_PTR("subnet", CYAML_FLAG_DEFAULT,
			struct dpxe_config_subnet, subnet_text, 1, STR_MAX),
	CYAML_FIELD_SEQUENCE("pools", SEQ_OPT,
			struct dpxe_config_subnet, pools, &pool_entry,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("router", OPT,
			struct dpxe_config_subnet, router_text, 1, STR_MAX),
	CYAML_FIELD_SEQUENCE_COUNT("dns", SEQ_OPT,
			struct dpxe_config_subnet, dns_text, dns_count,
			&string_entry, 0, DPXE_CONFIG_MAX_DNS),
	CYAML_FIELD_STRING_PTR("domain", OPT,
			struct dpxe_config_subnet, domain, 1, 253),
	CYAML_FIELD_UINT("lease_time", OPT,
			struct dpxe_config_subnet, lease_time),
	CYAML_FIELD_UINT("renew_time", OPT,
			struct dpxe_config_subnet, renew_time),
	CYAML_FIELD_UINT("rebind_time", OPT,
			struct dpxe_config_subnet, rebind_time),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t subnet_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT,
			struct dpxe_config_subnet, subnet_fields),
};

/* ---- providers ---- */

static const cyaml_schema_field_t provider_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_DEFAULT,
			struct dpxe_config_provider, name, 1, 63),
	CYAML_FIELD_STRING_PTR("module", CYAML_FLAG_DEFAULT,
			struct dpxe_config_provider, module, 1, 4095),
	CYAML_FIELD_BOOL("critical", OPT,
			struct dpxe_config_provider, critical),
	/*
	 * A free-form string map, which libcyaml 1.3 can't describe: it skips
	 * it and the resolve pass reads it from the libyaml tree instead.
	 */
	CYAML_FIELD_IGNORE("settings", OPT),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t provider_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT,
			struct dpxe_config_provider, provider_fields),
};

/* ---- leases ---- */

static const cyaml_schema_field_t leases_fields[] = {
	CYAML_FIELD_STRING_PTR("journal", OPT,
			struct dpxe_config_leases, journal, 1, 4095),
	CYAML_FIELD_UINT("capacity", OPT,
			struct dpxe_config_leases, capacity),
	CYAML_FIELD_UINT("offer_time", OPT,
			struct dpxe_config_leases, offer_time),
	CYAML_FIELD_UINT("decline_time", OPT,
			struct dpxe_config_leases, decline_time),
	CYAML_FIELD_UINT("flush_ms", OPT,
			struct dpxe_config_leases, flush_ms),
	CYAML_FIELD_END
};

/* ---- log ---- */

static const cyaml_schema_field_t log_fields[] = {
	CYAML_FIELD_ENUM("level", OPT | CYAML_FLAG_STRICT,
			struct dpxe_config_log, level,
			dpxe_config_log_level_strings,
			CYAML_ARRAY_LEN(dpxe_config_log_level_strings)),
	CYAML_FIELD_STRING_PTR("file", OPT,
			struct dpxe_config_log, file, 1, 4095),
	CYAML_FIELD_END
};

/* ---- the document ---- */

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_MAPPING("server", CYAML_FLAG_DEFAULT,
			struct dpxe_config, server, server_fields),
	CYAML_FIELD_MAPPING("dataplane", CYAML_FLAG_DEFAULT,
			struct dpxe_config, dataplane, dataplane_fields),
	CYAML_FIELD_MAPPING("boot", OPT,
			struct dpxe_config, boot, boot_fields),
	CYAML_FIELD_SEQUENCE("hosts", SEQ_OPT,
			struct dpxe_config, hosts, &host_entry,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("subnets", SEQ_OPT,
			struct dpxe_config, subnets, &subnet_entry,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("providers", SEQ_OPT,
			struct dpxe_config, providers, &provider_entry,
			0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING("leases", OPT,
			struct dpxe_config, leases, leases_fields),
	CYAML_FIELD_MAPPING("log", OPT,
			struct dpxe_config, log, log_fields),
	CYAML_FIELD_END
};

const cyaml_schema_value_t dpxe_config_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct dpxe_config, top_fields),
};

/*
 * Integer ranges, by field path with list indices left out. Fields not
 * listed accept whatever their C type holds. Zero is excluded where the
 * resolve pass reads 0 as "not given, use the default".
 */
const struct dpxe_config_range dpxe_config_ranges[] = {
	{ "server.ports[].prefix", 0, 32, "a prefix length" },
	{ "dataplane.ports[].rx_queues", 1, 1024, "a queue count" },
	{ "dataplane.ports[].vlan", 0, 4094, "a VLAN id" },
	/* RTE_MAX_LCORE's default is 128; builds may raise it to 1024. */
	{ "dataplane.workers[]", 0, 1023, "an lcore id" },
	{ "dataplane.mbufs_per_worker", 64, 16777215, "an mbuf count" },
	/* RTE_MEMPOOL_CACHE_MAX_SIZE */
	{ "dataplane.mbuf_cache", 0, 512, "a cache size" },
	{ "dataplane.burst", 1, 512, "an integer" },
	{ "dataplane.reply_delay_ms", 0, 60000, "a delay in ms" },
	{ "dataplane.provider_timeout_ms", 1, 600000, "a timeout in ms" },
	{ "boot.rules[].match.arch[]", 0, 65535, "an architecture code" },
	{ "boot.rules[].menu[].type", 0, 65535, "a boot server type" },
	{ "boot.rules[].menu_timeout", 0, 255, "a timeout in seconds" },
	/* 0xffffffff means "infinite" on the wire; we don't hand those out. */
	{ "subnets[].lease_time", 60, 0xfffffffe, "a lease time in seconds" },
	{ "subnets[].renew_time", 1, 0xfffffffe, "a time in seconds" },
	{ "subnets[].rebind_time", 1, 0xfffffffe, "a time in seconds" },
	/* Zero means "not given": the resolve pass fills the default. A
	 * shard's table holds at most 2^31 slots at 75% (lease_shard.c). */
	{ "leases.capacity", 16, 16777216, "a number of clients" },
	{ "leases.offer_time", 1, 86400, "a time in seconds" },
	{ "leases.decline_time", 1, 31536000, "a time in seconds" },
	{ "leases.flush_ms", 1, 10000, "an interval in ms" },
	{ NULL, 0, 0, NULL },
};
