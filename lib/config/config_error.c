/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Filling struct dpxe_config_error: one error per load, placed at a file
 * line:column and named by field path, formatted once into a single line a
 * user (or an editor's "jump to error") can act on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* Only the first failure counts: later ones are consequences of it. */
static bool
already_failed(const struct dpxe_config_ctx *ctx)
{
	return ctx->err->message[0] != '\0';
}

/* Keys and values quoted from the file must not break the one line. */
static void
one_line(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void
format_text(struct dpxe_config_error *err)
{
	char where[32] = "";

	one_line(err->path);
	one_line(err->message);

	if (err->line > 0)
		snprintf(where, sizeof(where), ":%u:%u", err->line, err->col);
	snprintf(err->text, sizeof(err->text), "%s%s: %s%s%s", err->file,
			where, err->path, err->path[0] != '\0' ? ": " : "",
			err->message);
}

static int
fail_v(struct dpxe_config_ctx *ctx, const char *path, const yaml_mark_t *mark,
		const char *fmt, va_list ap)
{
	struct dpxe_config_error *err = ctx->err;

	if (already_failed(ctx))
		return -EINVAL;
	snprintf(err->file, sizeof(err->file), "%s", ctx->name);
	err->line = mark != NULL ? (unsigned)mark->line + 1 : 0;
	err->col = mark != NULL ? (unsigned)mark->column + 1 : 0;
	snprintf(err->path, sizeof(err->path), "%s", path);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	format_text(err);
	return -EINVAL;
}

int
dpxe_config_fail_mark(struct dpxe_config_ctx *ctx, const char *path,
		const yaml_mark_t *mark, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_v(ctx, path, mark, fmt, ap);
	va_end(ap);
	return rc;
}

int
dpxe_config_fail_file(struct dpxe_config_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_v(ctx, "", NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int
dpxe_config_fail_at(struct dpxe_config_ctx *ctx, const char *path,
		const char *fmt, ...)
{
	char p[DPXE_CONFIG_PATH_MAX];
	const struct dpxe_config_loc *loc = NULL;
	va_list ap;
	int rc;

	/*
	 * A field that was left out has no node: point at the closest
	 * enclosing one that was given, but keep naming the field.
	 */
	snprintf(p, sizeof(p), "%s", path);
	for (;;) {
		char *cut;

		loc = dpxe_config_find(ctx, p);
		if (loc != NULL || p[0] == '\0')
			break;
		cut = strrchr(p, '.');
		if (strrchr(p, '[') > cut)
			cut = strrchr(p, '[');
		if (cut == NULL)
			cut = p;
		*cut = '\0';
	}

	va_start(ap, fmt);
	rc = fail_v(ctx, path, loc != NULL ? &loc->node->start_mark : NULL,
			fmt, ap);
	va_end(ap);
	return rc;
}

/* size must be at least 8; callers use 96. */
void
dpxe_config_describe(char *buf, size_t size, const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		snprintf(buf, size, "a mapping");
		break;
	case YAML_SEQUENCE_NODE:
		snprintf(buf, size, "a list");
		break;
	case YAML_SCALAR_NODE: {
		const char *v = (const char *)node->data.scalar.value;
		size_t n = strlen(v), cut = n > 40 ? 37 : n, o = 0;

		if (n == 0 && node->data.scalar.style ==
				YAML_PLAIN_SCALAR_STYLE) {
			snprintf(buf, size, "nothing");
			break;
		}
		/* Quoted as YAML would; long values are cut, the position
		 * already finds them. */
		buf[o++] = '"';
		for (size_t i = 0; i < cut && o + 6 < size; i++) {
			if (v[i] == '"' || v[i] == '\\')
				buf[o++] = '\\';
			buf[o++] = v[i];
		}
		snprintf(buf + o, size - o, "%s\"", cut < n ? "..." : "");
		break;
	}
	default:
		snprintf(buf, size, "nothing");
		break;
	}
}
