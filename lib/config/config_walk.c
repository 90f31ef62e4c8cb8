/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libyaml pass that runs before libcyaml loads a file. It parses the
 * document into a node tree and walks it alongside the libcyaml schema
 * tables, which buys two things libcyaml 1.3 doesn't give:
 *  - one precise error per bad file, at the offending node's line:column
 *    and naming the field path and what was expected (libcyaml reports a
 *    generic message, and is lax: it reads "12abc" as 12 and "banana" as
 *    true);
 *  - an index of field path -> node, so the resolve pass can report its
 *    semantic errors at the right place too.
 * When this walk passes, libcyaml's own load is expected to succeed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

/* The schema is at most ~6 levels deep; this only bounds ignored subtrees. */
#define WALK_DEPTH_MAX 32

static int walk_value(struct dpxe_config_ctx *ctx,
		const cyaml_schema_value_t *schema, yaml_node_t *node,
		char *path, size_t len);

static int
record(struct dpxe_config_ctx *ctx, const char *path, yaml_node_t *node,
		const yaml_mark_t *key_mark)
{
	struct dpxe_config_loc *loc;

	if (ctx->locs_count == ctx->locs_cap) {
		size_t cap = ctx->locs_cap ? ctx->locs_cap * 2 : 64;
		void *p = realloc(ctx->locs, cap * sizeof(*ctx->locs));

		if (p == NULL)
			return -ENOMEM;
		ctx->locs = p;
		ctx->locs_cap = cap;
	}
	loc = &ctx->locs[ctx->locs_count];
	loc->path = strdup(path);
	if (loc->path == NULL)
		return -ENOMEM;
	loc->node = node;
	loc->has_key = key_mark != NULL;
	if (key_mark != NULL)
		loc->key_mark = *key_mark;
	ctx->locs_count++;
	return 0;
}

const struct dpxe_config_loc *
dpxe_config_find(const struct dpxe_config_ctx *ctx, const char *path)
{
	/*
	 * Linear: only error reports and a handful of "was it given?" checks
	 * look paths up, never a per-entry loop over a long list.
	 */
	for (size_t i = 0; i < ctx->locs_count; i++)
		if (strcmp(ctx->locs[i].path, path) == 0)
			return &ctx->locs[i];
	return NULL;
}

bool
dpxe_config_has(const struct dpxe_config_ctx *ctx, const char *fmt, ...)
{
	char path[DPXE_CONFIG_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return dpxe_config_find(ctx, path) != NULL;
}

const struct dpxe_config_range *
dpxe_config_range_of(const char *path)
{
	char pattern[DPXE_CONFIG_PATH_MAX];
	size_t n = 0;
	bool in_index = false;

	/* "a.b[3].c[12]" -> "a.b[].c[]" */
	for (const char *p = path; *p != '\0' && n + 1 < sizeof(pattern); p++) {
		if (*p == '[')
			in_index = true;
		else if (*p == ']')
			in_index = false;
		else if (in_index)
			continue;
		pattern[n++] = *p;
	}
	pattern[n] = '\0';

	for (const struct dpxe_config_range *r = dpxe_config_ranges;
			r->pattern != NULL; r++)
		if (strcmp(r->pattern, pattern) == 0)
			return r;
	return NULL;
}

/* Append ".key" (or "key" at the root) or "[i]" to path; 0 or -EINVAL. */
static int
path_push(struct dpxe_config_ctx *ctx, char *path, size_t len,
		const char *key, size_t index, const yaml_mark_t *mark)
{
	int n;

	if (key != NULL)
		n = snprintf(path + len, DPXE_CONFIG_PATH_MAX - len, "%s%s",
				len > 0 ? "." : "", key);
	else
		n = snprintf(path + len, DPXE_CONFIG_PATH_MAX - len, "[%zu]",
				index);
	if (n < 0 || (size_t)n >= DPXE_CONFIG_PATH_MAX - len) {
		path[len] = '\0';
		return dpxe_config_fail_mark(ctx, path, mark,
				"field name too long");
	}
	return 0;
}

/* Plain "", "~" and "null" are YAML's ways of writing no value at all. */
static bool
is_null(const yaml_node_t *node)
{
	const char *v = (const char *)node->data.scalar.value;

	return node->type == YAML_SCALAR_NODE &&
		node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		(v[0] == '\0' || strcmp(v, "~") == 0 ||
		 strcasecmp(v, "null") == 0);
}

static int
fail_type(struct dpxe_config_ctx *ctx, const char *path, yaml_node_t *node,
		const char *expected)
{
	char got[96];

	dpxe_config_describe(got, sizeof(got), node);
	if (is_null(node) && node->data.scalar.value[0] == '\0')
		return dpxe_config_fail_mark(ctx, path, &node->start_mark,
				"expected %s, got nothing%s", expected,
				strstr(expected, "list") != NULL ?
				" (write [] for an empty list)" : "");
	return dpxe_config_fail_mark(ctx, path, &node->start_mark,
			"expected %s, got %s", expected, got);
}

static const cyaml_schema_field_t *
field_find(const cyaml_schema_field_t *fields, const char *key)
{
	for (; fields->key != NULL; fields++)
		if (strcmp(fields->key, key) == 0)
			return fields;
	return NULL;
}

static int
fail_unknown_key(struct dpxe_config_ctx *ctx, const char *path,
		yaml_node_t *key, const cyaml_schema_field_t *fields,
		bool root)
{
	char list[256] = "";
	size_t n = 0;

	for (; fields->key != NULL && n < sizeof(list); fields++)
		n += snprintf(list + n, sizeof(list) - n, "%s%s",
				n > 0 ? ", " : "", fields->key);
	return dpxe_config_fail_mark(ctx, path, &key->start_mark,
			"unknown %s \"%.64s\" (expected one of: %s)",
			root ? "section" : "field",
			(const char *)key->data.scalar.value, list);
}

static int
walk_mapping(struct dpxe_config_ctx *ctx, const cyaml_schema_value_t *schema,
		yaml_node_t *node, char *path, size_t len)
{
	const cyaml_schema_field_t *fields = schema->mapping.fields;
	yaml_node_pair_t *pairs, *pair;
	int rc;

	if (node->type != YAML_MAPPING_NODE)
		return fail_type(ctx, path, node, "a mapping (key: value)");

	pairs = node->data.mapping.pairs.start;
	for (pair = pairs; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(&ctx->doc, pair->key);
		yaml_node_t *value = yaml_document_get_node(&ctx->doc,
				pair->value);
		const cyaml_schema_field_t *field;
		const char *name;

		if (key->type != YAML_SCALAR_NODE)
			return fail_type(ctx, path, key, "a field name");
		name = (const char *)key->data.scalar.value;

		/* Errors about this key name the key's own path; an unknown
		 * key may be any text, so only its start goes in the path. */
		field = field_find(fields, name);
		if (field == NULL) {
			snprintf(path + len, DPXE_CONFIG_PATH_MAX - len,
					"%s%.40s", len > 0 ? "." : "", name);
			return fail_unknown_key(ctx, path, key, fields,
					len == 0);
		}
		rc = path_push(ctx, path, len, name, 0, &key->start_mark);
		if (rc != 0)
			return rc;
		for (yaml_node_pair_t *prev = pairs; prev < pair; prev++) {
			yaml_node_t *pk = yaml_document_get_node(&ctx->doc,
					prev->key);

			if (pk->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)pk->data.scalar.value,
					name) == 0)
				return dpxe_config_fail_mark(ctx, path,
						&key->start_mark,
						"duplicate field \"%s\" (first "
						"given at line %zu)", name,
						pk->start_mark.line + 1);
		}

		rc = record(ctx, path, value, &key->start_mark);
		if (rc == 0)
			rc = walk_value(ctx, &field->value, value, path,
					strlen(path));
		path[len] = '\0';
		if (rc != 0)
			return rc;
	}

	/* Required fields last, so errors inside given ones come first. */
	for (const cyaml_schema_field_t *f = fields; f->key != NULL; f++) {
		bool given = false;

		if (f->value.flags & CYAML_FLAG_OPTIONAL)
			continue;
		for (pair = pairs; pair < node->data.mapping.pairs.top; pair++) {
			yaml_node_t *key = yaml_document_get_node(&ctx->doc,
					pair->key);

			if (strcmp((const char *)key->data.scalar.value,
					f->key) == 0)
				given = true;
		}
		if (!given)
			return dpxe_config_fail_mark(ctx, path,
					&node->start_mark,
					"missing required %s \"%s\"",
					len == 0 ? "section" : "field",
					f->key);
	}
	return 0;
}

static int
walk_sequence(struct dpxe_config_ctx *ctx, const cyaml_schema_value_t *schema,
		yaml_node_t *node, char *path, size_t len)
{
	yaml_node_item_t *items;
	size_t count;
	int rc;

	if (node->type != YAML_SEQUENCE_NODE)
		return fail_type(ctx, path, node, "a list");

	items = node->data.sequence.items.start;
	count = (size_t)(node->data.sequence.items.top - items);
	if (count < schema->sequence.min)
		return dpxe_config_fail_mark(ctx, path, &node->start_mark,
				"expected at least %" PRIu32 " entr%s, got %zu",
				schema->sequence.min,
				schema->sequence.min == 1 ? "y" : "ies", count);
	if (count > schema->sequence.max)
		return dpxe_config_fail_mark(ctx, path, &node->start_mark,
				"expected at most %" PRIu32 " entr%s, got %zu",
				schema->sequence.max,
				schema->sequence.max == 1 ? "y" : "ies", count);

	for (size_t i = 0; i < count; i++) {
		yaml_node_t *item = yaml_document_get_node(&ctx->doc, items[i]);

		rc = path_push(ctx, path, len, NULL, i, &item->start_mark);
		if (rc == 0)
			rc = record(ctx, path, item, NULL);
		if (rc == 0)
			rc = walk_value(ctx, schema->sequence.entry, item,
					path, strlen(path));
		path[len] = '\0';
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * Stricter than libcyaml, which takes "12abc" as 12 and "010" as 8: a
 * decimal without leading zeros, or 0x and hex digits.
 */
static bool
parse_int(const char *s, bool is_signed, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	unsigned base = 10;

	if (is_signed && *s == '-') {
		neg = true;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] != '\0') {
		return false;
	}
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		/* Saturate far beyond any range we check. */
		if (v > (UINT64_C(1) << 40))
			v = UINT64_C(1) << 41;
		else
			v = v * base + d;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static int
walk_int(struct dpxe_config_ctx *ctx, const cyaml_schema_value_t *schema,
		yaml_node_t *node, const char *path)
{
	bool is_signed = schema->type == CYAML_INT;
	const struct dpxe_config_range *range = dpxe_config_range_of(path);
	unsigned bits = schema->data_size * 8;
	int64_t min, max, v;
	const char *what = "an integer";
	char expected[128];

	if (is_signed) {
		max = bits >= 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1;
		min = -max - 1;
	} else {
		min = 0;
		max = bits >= 63 ? INT64_MAX : (INT64_C(1) << bits) - 1;
	}
	if (range != NULL) {
		min = range->min;
		max = range->max;
		what = range->what;
	}
	snprintf(expected, sizeof(expected), "%s from %" PRId64 " to %" PRId64,
			what, min, max);

	if (node->type != YAML_SCALAR_NODE || is_null(node))
		return fail_type(ctx, path, node, expected);
	if (!parse_int((const char *)node->data.scalar.value, is_signed, &v)) {
		const char *s = (const char *)node->data.scalar.value;
		bool zeros = s[0] == '0' && s[1] >= '0' && s[1] <= '9';

		if (zeros)
			return dpxe_config_fail_mark(ctx, path,
					&node->start_mark,
					"expected %s, got \"%.40s\" (leading "
					"zeros are not allowed)", expected, s);
		return fail_type(ctx, path, node, expected);
	}
	if (v < min || v > max)
		return dpxe_config_fail_mark(ctx, path, &node->start_mark,
				"expected %s, got %.40s", expected,
				(const char *)node->data.scalar.value);
	return 0;
}

static int
walk_bool(struct dpxe_config_ctx *ctx, yaml_node_t *node, const char *path)
{
	/* Exactly the words libcyaml 1.3 reads right, in any case. */
	static const char *const words[] = {
		"true", "false", "yes", "no", "on", "off",
	};

	if (node->type == YAML_SCALAR_NODE)
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcasecmp((const char *)node->data.scalar.value,
					words[i]) == 0)
				return 0;
	return fail_type(ctx, path, node, "true or false");
}

static int
walk_enum(struct dpxe_config_ctx *ctx, const cyaml_schema_value_t *schema,
		yaml_node_t *node, const char *path)
{
	char expected[256];
	size_t n = 0;

	if (node->type == YAML_SCALAR_NODE)
		for (uint32_t i = 0; i < schema->enumeration.count; i++)
			if (strcmp((const char *)node->data.scalar.value,
					schema->enumeration.strings[i].str) == 0)
				return 0;

	n = (size_t)snprintf(expected, sizeof(expected), "one of ");
	for (uint32_t i = 0; i < schema->enumeration.count &&
			n < sizeof(expected); i++)
		n += (size_t)snprintf(expected + n, sizeof(expected) - n,
				"%s%s", i > 0 ? " | " : "",
				schema->enumeration.strings[i].str);
	return fail_type(ctx, path, node, expected);
}

static int
walk_string(struct dpxe_config_ctx *ctx, const cyaml_schema_value_t *schema,
		yaml_node_t *node, const char *path)
{
	size_t n;

	if (node->type != YAML_SCALAR_NODE)
		return fail_type(ctx, path, node, "a string");
	if (is_null(node))
		return dpxe_config_fail_mark(ctx, path, &node->start_mark,
				"expected a value, got nothing (leave the "
				"field out if it has none)");
	n = node->data.scalar.length;
	if (strlen((const char *)node->data.scalar.value) != n)
		return dpxe_config_fail_mark(ctx, path, &node->start_mark,
				"a NUL character is not allowed here");
	if (n < schema->string.min)
		return dpxe_config_fail_mark(ctx, path, &node->start_mark,
				"expected a non-empty string");
	if (n > schema->string.max)
		return dpxe_config_fail_mark(ctx, path, &node->start_mark,
				"expected at most %" PRIu32 " characters, "
				"got %zu", schema->string.max, n);
	return 0;
}

static int
walk_value(struct dpxe_config_ctx *ctx, const cyaml_schema_value_t *schema,
		yaml_node_t *node, char *path, size_t len)
{
	switch (schema->type) {
	case CYAML_MAPPING:
		return walk_mapping(ctx, schema, node, path, len);
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		return walk_sequence(ctx, schema, node, path, len);
	case CYAML_INT:
	case CYAML_UINT:
		return walk_int(ctx, schema, node, path);
	case CYAML_BOOL:
		return walk_bool(ctx, node, path);
	case CYAML_ENUM:
		return walk_enum(ctx, schema, node, path);
	case CYAML_STRING:
		return walk_string(ctx, schema, node, path);
	default:
		/* CYAML_IGNORE (read by the resolve pass), or a type we
		 * don't use: libcyaml judges it. */
		return 0;
	}
}

static int
fail_syntax(struct dpxe_config_ctx *ctx, yaml_parser_t *parser)
{
	const char *problem = parser->problem ? parser->problem : "error";

	if (parser->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (parser->context != NULL)
		return dpxe_config_fail_mark(ctx, "", &parser->problem_mark,
				"invalid YAML: %s (%s at line %zu)", problem,
				parser->context,
				parser->context_mark.line + 1);
	return dpxe_config_fail_mark(ctx, "", &parser->problem_mark,
			"invalid YAML: %s", problem);
}

int
dpxe_config_walk(struct dpxe_config_ctx *ctx, const char *yaml, size_t len)
{
	char path[DPXE_CONFIG_PATH_MAX] = "";
	yaml_parser_t parser;
	yaml_document_t next;
	yaml_node_t *root, *next_root;
	int rc;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml,
			len);
	if (!yaml_parser_load(&parser, &ctx->doc)) {
		rc = fail_syntax(ctx, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	ctx->doc_loaded = true;

	/* libcyaml silently ignores later documents; we refuse them. */
	if (!yaml_parser_load(&parser, &next)) {
		rc = fail_syntax(ctx, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	next_root = yaml_document_get_root_node(&next);
	if (next_root != NULL) {
		yaml_mark_t mark = next.start_mark;

		yaml_document_delete(&next);
		yaml_parser_delete(&parser);
		return dpxe_config_fail_mark(ctx, "", &mark,
				"a second YAML document; the configuration "
				"must be a single document");
	}
	yaml_document_delete(&next);
	yaml_parser_delete(&parser);

	root = yaml_document_get_root_node(&ctx->doc);
	if (root == NULL || is_null(root))
		return dpxe_config_fail_file(ctx, "the file is empty "
				"(expected at least the sections server and "
				"dataplane)");
	rc = record(ctx, "", root, NULL);
	if (rc != 0)
		return rc;
	if (root->type != YAML_MAPPING_NODE)
		return fail_type(ctx, "", root,
				"a mapping of sections (server:, dataplane:, "
				"...)");
	return walk_value(ctx, &dpxe_config_schema, root, path, 0);
}
