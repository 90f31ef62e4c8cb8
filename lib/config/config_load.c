/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe_config_load() and dpxe_config_free(): read the file, run the schema
 * walk (config_walk.c), let libcyaml build the structs, resolve them
 * (config_resolve.c). libcyaml's log is captured rather than printed: a
 * library must not write to stderr, and should libcyaml refuse something
 * our walk let through, its message still becomes our one error, placed by
 * the backtrace it logs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_internal.h"

/* A configuration is a few KiB; this only stops reading a wrong file. */
#define CONFIG_FILE_MAX (16u << 20)

/*
 * libcyaml logs an error as one line, then "Backtrace:" and one line per
 * enclosing node, innermost first:
 *   "  in mapping field 'prefix' (line: 3, column: 15)"
 *   "  in sequence entry '1' (line: 2, column: 7)"
 * (entries count from 1). Keep the message and the innermost position;
 * build the path outwards.
 */
static void
cyaml_log_capture(cyaml_log_t level, void *data, const char *fmt,
		va_list args)
{
	struct dpxe_config_ctx *ctx = data;
	char line[256], part[DPXE_CONFIG_PATH_MAX + 8];
	char name[DPXE_CONFIG_PATH_MAX];
	unsigned l, c;
	char *nl;

	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(line, sizeof(line), fmt, args);
	nl = strchr(line, '\n');
	if (nl != NULL)
		*nl = '\0';

	if (ctx->cyaml_msg[0] == '\0') {
		const char *msg = line;

		if (strncmp(msg, "Load: ", 6) == 0)
			msg += 6;
		snprintf(ctx->cyaml_msg, sizeof(ctx->cyaml_msg), "%s", msg);
		return;
	}
	if (ctx->cyaml_line == 0 &&
	    (nl = strstr(line, "(line: ")) != NULL &&
	    sscanf(nl, "(line: %u, column: %u)", &l, &c) == 2) {
		ctx->cyaml_line = l;
		ctx->cyaml_col = c;
	}
	part[0] = '\0';
	if (sscanf(line, " in mapping field '%159[^']'", name) == 1)
		snprintf(part, sizeof(part), ".%s", name);
	else if (sscanf(line, " in sequence entry '%u'", &l) == 1 && l > 0)
		snprintf(part, sizeof(part), "[%u]", l - 1); /* 1-based */
	if (part[0] != '\0') {
		size_t n = strlen(part);
		size_t keep = strlen(ctx->cyaml_path);

		/* Prepend, cutting the innermost end if it gets too long. */
		if (n >= sizeof(ctx->cyaml_path))
			n = sizeof(ctx->cyaml_path) - 1;
		if (n + keep >= sizeof(ctx->cyaml_path))
			keep = sizeof(ctx->cyaml_path) - 1 - n;
		memmove(ctx->cyaml_path + n, ctx->cyaml_path, keep);
		memcpy(ctx->cyaml_path, part, n);
		ctx->cyaml_path[n + keep] = '\0';
	}
}

static const cyaml_config_t cyaml_free_config = {
	.mem_fn = cyaml_mem,
	.log_level = CYAML_LOG_ERROR,
	.log_fn = NULL,
};

static void
ctx_release(struct dpxe_config_ctx *ctx)
{
	for (size_t i = 0; i < ctx->locs_count; i++)
		free(ctx->locs[i].path);
	free(ctx->locs);
	if (ctx->doc_loaded)
		yaml_document_delete(&ctx->doc);
}

static int
fail_cyaml(struct dpxe_config_ctx *ctx, cyaml_err_t e)
{
	yaml_mark_t mark = {
		.line = ctx->cyaml_line > 0 ? ctx->cyaml_line - 1 : 0,
		.column = ctx->cyaml_col > 0 ? ctx->cyaml_col - 1 : 0,
	};
	const char *path = ctx->cyaml_path[0] == '.' ?
		ctx->cyaml_path + 1 : ctx->cyaml_path;

	if (e == CYAML_ERR_OOM)
		return -ENOMEM;
	return dpxe_config_fail_mark(ctx, path,
			ctx->cyaml_line > 0 ? &mark : NULL, "%s",
			ctx->cyaml_msg[0] != '\0' ? ctx->cyaml_msg :
			cyaml_strerror(e));
}

int
dpxe_config_parse(const char *name, const char *yaml, size_t len,
		struct dpxe_config **out, struct dpxe_config_error *err)
{
	struct dpxe_config_error scratch;
	struct dpxe_config_ctx ctx = { .name = name };
	struct dpxe_config *cfg = NULL;
	cyaml_config_t cc = {
		.log_fn = cyaml_log_capture,
		.log_ctx = &ctx,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
	};
	cyaml_err_t e;
	int rc;

	*out = NULL;
	ctx.err = err != NULL ? err : &scratch;
	memset(ctx.err, 0, sizeof(*ctx.err));

	rc = dpxe_config_walk(&ctx, yaml, len);
	if (rc != 0)
		goto done;

	e = cyaml_load_data((const uint8_t *)yaml, len, &cc,
			&dpxe_config_schema, (cyaml_data_t **)&cfg, NULL);
	if (e != CYAML_OK) {
		rc = fail_cyaml(&ctx, e);
		goto done;
	}

	rc = dpxe_config_resolve(&ctx, cfg);
	if (rc != 0) {
		dpxe_config_free(cfg);
		cfg = NULL;
	}
done:
	if (rc == -ENOMEM && ctx.err->message[0] == '\0')
		dpxe_config_fail_file(&ctx, "out of memory");
	ctx_release(&ctx);
	*out = cfg;
	return rc;
}

int
dpxe_config_load(const char *path, struct dpxe_config **out,
		struct dpxe_config_error *err)
{
	struct dpxe_config_error scratch;
	struct dpxe_config_ctx ctx = { .name = path };
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	*out = NULL;
	ctx.err = err != NULL ? err : &scratch;
	memset(ctx.err, 0, sizeof(*ctx.err));

	f = fopen(path, "rb");
	if (f == NULL) {
		rc = -errno;
		dpxe_config_fail_file(&ctx, "cannot open the configuration: "
				"%s", strerror(-rc));
		return rc;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		dpxe_config_fail_file(&ctx, "cannot read the configuration: "
				"%s", S_ISDIR(st.st_mode) ? "it is a directory" :
				"not a regular file");
		fclose(f);
		return rc;
	}
	if ((uint64_t)st.st_size > CONFIG_FILE_MAX) {
		dpxe_config_fail_file(&ctx, "%lld bytes is too large for a "
				"configuration", (long long)st.st_size);
		fclose(f);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		fclose(f);
		dpxe_config_fail_file(&ctx, "out of memory");
		return -ENOMEM;
	}
	len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		rc = -EIO;
		dpxe_config_fail_file(&ctx, "cannot read the configuration: "
				"%s", strerror(EIO));
		fclose(f);
		free(buf);
		return rc;
	}
	fclose(f);

	rc = dpxe_config_parse(path, buf, len, out, ctx.err);
	free(buf);
	return rc;
}

void
dpxe_config_free(struct dpxe_config *cfg)
{
	if (cfg == NULL)
		return;
	dpxe_config_resolve_free(cfg);
	cyaml_free(&cyaml_free_config, &dpxe_config_schema, cfg, 0);
}
