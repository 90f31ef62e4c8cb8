/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/config: the load context shared by the schema walk, the
 * libcyaml load and the resolve pass, and the node index that lets every one
 * of them report an error at the file line and column of a field path.
 */
#ifndef DPXE_CONFIG_INTERNAL_H
#define DPXE_CONFIG_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "config.h"

/* Longest field path we index; deeper or longer paths are a config error. */
#define DPXE_CONFIG_PATH_MAX 160

/** Where one field path sits in the file. */
struct dpxe_config_loc {
	char *path;             /**< "server.ports[0].ip"; "" for the root */
	yaml_node_t *node;      /**< value node, owned by the document */
	yaml_mark_t key_mark;   /**< the key's position, for mapping fields */
	bool has_key;
};

/** Everything one load needs; lives only for the duration of the load. */
struct dpxe_config_ctx {
	const char *name;       /**< file name for messages */
	struct dpxe_config_error *err;
	yaml_document_t doc;
	bool doc_loaded;
	struct dpxe_config_loc *locs;
	size_t locs_count;
	size_t locs_cap;
	/* What libcyaml logged, should it fail after our walk passed. */
	char cyaml_msg[256];
	char cyaml_path[DPXE_CONFIG_PATH_MAX];
	unsigned cyaml_line, cyaml_col;
};

/** An integer field's accepted range, by path pattern ("a.b[].c"). */
struct dpxe_config_range {
	const char *pattern;
	int64_t min;
	int64_t max;
	const char *what;       /**< "an integer", "a VLAN id", ... */
};

/* config_schema.c */
extern const cyaml_schema_value_t dpxe_config_schema;
extern const struct dpxe_config_range dpxe_config_ranges[];
extern const cyaml_strval_t dpxe_config_mode_strings[];
extern const cyaml_strval_t dpxe_config_spreading_strings[];
extern const cyaml_strval_t dpxe_config_log_level_strings[];
extern const unsigned dpxe_config_mode_strings_count;
extern const unsigned dpxe_config_spreading_strings_count;
extern const unsigned dpxe_config_log_level_strings_count;

/* config_walk.c: parse with libyaml, check against the schema, index. */
int dpxe_config_walk(struct dpxe_config_ctx *ctx, const char *yaml,
		size_t len);
const struct dpxe_config_loc *dpxe_config_find(
		const struct dpxe_config_ctx *ctx, const char *path);
bool dpxe_config_has(const struct dpxe_config_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct dpxe_config_range *dpxe_config_range_of(const char *path);

/* config_error.c */
int dpxe_config_fail_mark(struct dpxe_config_ctx *ctx, const char *path,
		const yaml_mark_t *mark, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int dpxe_config_fail_at(struct dpxe_config_ctx *ctx, const char *path,
		const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int dpxe_config_fail_file(struct dpxe_config_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dpxe_config_describe(char *buf, size_t size, const yaml_node_t *node);

/* config_resolve.c */
int dpxe_config_resolve(struct dpxe_config_ctx *ctx, struct dpxe_config *cfg);
void dpxe_config_resolve_free(struct dpxe_config *cfg);

/* config_addr.c: strict text forms; 0 on success, -EINVAL otherwise. */
int dpxe_config_ipv4_parse(const char *s, uint32_t *addr);
int dpxe_config_net_parse(const char *s, struct dpxe_config_ipv4_net *net,
		bool *host_bits);
int dpxe_config_mac_parse(const char *s, uint8_t mac[6]);
int dpxe_config_mac_match_parse(const char *s,
		struct dpxe_config_mac_match *m);
uint32_t dpxe_config_prefix_mask(unsigned prefix);
void dpxe_config_ipv4_format(uint32_t addr, char buf[16]);

#endif /* DPXE_CONFIG_INTERNAL_H */
