/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Just enough JSON to read dpxe's --stats-json: objects, arrays, integers,
 * strings without escapes beyond \" and \\, true/false/null. Anything else
 * is a syntax error, which is itself a finding about the stats file.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

enum jtype { J_NULL, J_BOOL, J_INT, J_STR, J_ARR, J_OBJ };

struct e2e_json {
	enum jtype type;
	long long num;
	char *str;
	unsigned int n;
	char **keys;            /* objects */
	struct e2e_json **kids; /* objects and arrays */
};

struct parser {
	const char *p;
	int depth;
};

static void
skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static char *
parse_string(struct parser *ps)
{
	const char *s;
	char *out;
	size_t n = 0;

	if (*ps->p != '"')
		return NULL;
	s = ++ps->p;
	out = malloc(strlen(s) + 1);
	if (out == NULL)
		return NULL;
	while (*s && *s != '"') {
		if (*s == '\\') {
			s++;
			if (*s != '"' && *s != '\\' && *s != '/') {
				free(out);
				return NULL;
			}
		}
		out[n++] = *s++;
	}
	if (*s != '"') {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	ps->p = s + 1;
	return out;
}

static struct e2e_json *parse_value(struct parser *ps);

static int
add_kid(struct e2e_json *j, char *key, struct e2e_json *kid)
{
	char **k = realloc(j->keys, (j->n + 1) * sizeof(*k));
	struct e2e_json **v;

	if (k == NULL)
		return -1;
	j->keys = k;
	v = realloc(j->kids, (j->n + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	j->kids = v;
	j->keys[j->n] = key;
	j->kids[j->n] = kid;
	j->n++;
	return 0;
}

static struct e2e_json *
parse_container(struct parser *ps, struct e2e_json *j, char close)
{
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct e2e_json *kid;

		skip_ws(ps);
		if (j->type == J_OBJ) {
			key = parse_string(ps);
			skip_ws(ps);
			if (key == NULL || *ps->p != ':') {
				free(key);
				goto bad;
			}
			ps->p++;
		}
		kid = parse_value(ps);
		if (kid == NULL || add_kid(j, key, kid) < 0) {
			free(key);
			e2e_json_free(kid);
			goto bad;
		}
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			return j;
		}
		goto bad;
	}
bad:
	e2e_json_free(j);
	return NULL;
}

static struct e2e_json *
parse_value(struct parser *ps)
{
	struct e2e_json *j;

	if (++ps->depth > 32)
		return NULL;
	skip_ws(ps);
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return NULL;
	if (*ps->p == '{') {
		j->type = J_OBJ;
		j = parse_container(ps, j, '}');
	} else if (*ps->p == '[') {
		j->type = J_ARR;
		j = parse_container(ps, j, ']');
	} else if (*ps->p == '"') {
		j->type = J_STR;
		j->str = parse_string(ps);
		if (j->str == NULL) {
			free(j);
			j = NULL;
		}
	} else if (*ps->p == '-' || isdigit((unsigned char)*ps->p)) {
		char *end;

		j->type = J_INT;
		j->num = strtoll(ps->p, &end, 10);
		if (end == ps->p || *end == '.' || *end == 'e' || *end == 'E') {
			free(j);
			j = NULL;
		} else {
			ps->p = end;
		}
	} else if (strncmp(ps->p, "true", 4) == 0 ||
		   strncmp(ps->p, "false", 5) == 0) {
		j->type = J_BOOL;
		j->num = ps->p[0] == 't';
		ps->p += j->num ? 4 : 5;
	} else if (strncmp(ps->p, "null", 4) == 0) {
		j->type = J_NULL;
		ps->p += 4;
	} else {
		free(j);
		j = NULL;
	}
	ps->depth--;
	return j;
}

struct e2e_json *
e2e_json_parse(const char *text)
{
	struct parser ps = { .p = text };
	struct e2e_json *j = parse_value(&ps);

	skip_ws(&ps);
	if (j != NULL && *ps.p != '\0') {
		e2e_json_free(j);
		return NULL;
	}
	return j;
}

void
e2e_json_free(struct e2e_json *j)
{
	if (j == NULL)
		return;
	for (unsigned int i = 0; i < j->n; i++) {
		if (j->keys)
			free(j->keys[i]);
		e2e_json_free(j->kids[i]);
	}
	free(j->keys);
	free(j->kids);
	free(j->str);
	free(j);
}

static const struct e2e_json *
lookup(const struct e2e_json *j, const char *path)
{
	char seg[128];

	while (j != NULL && *path) {
		size_t n = strcspn(path, ".");
		const struct e2e_json *next = NULL;

		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		path += n + (path[n] == '.');
		if (j->type == J_OBJ) {
			for (unsigned int i = 0; i < j->n; i++)
				if (strcmp(j->keys[i], seg) == 0)
					next = j->kids[i];
		} else if (j->type == J_ARR) {
			char *end;
			unsigned long i = strtoul(seg, &end, 10);

			if (*end == '\0' && end != seg && i < j->n)
				next = j->kids[i];
		}
		j = next;
	}
	return j;
}

int
e2e_json_int(const struct e2e_json *j, const char *path, long long *v)
{
	j = lookup(j, path);
	if (j == NULL || j->type != J_INT)
		return -1;
	*v = j->num;
	return 0;
}

long long
e2e_json_stat(const struct e2e_json *j, const char *fmt, ...)
{
	char path[160];
	long long v = -1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (e2e_json_int(j, path, &v) < 0) {
		fprintf(stderr, "stats: no integer at %s\n", path);
		return -1;
	}
	return v;
}

int
e2e_json_count(const struct e2e_json *j, const char *path)
{
	j = lookup(j, path);
	if (j == NULL || (j->type != J_OBJ && j->type != J_ARR))
		return -1;
	return (int)j->n;
}

const char *
e2e_json_key(const struct e2e_json *j, const char *path, unsigned int i)
{
	j = lookup(j, path);
	if (j == NULL || j->type != J_OBJ || i >= j->n)
		return NULL;
	return j->keys[i];
}

char *
e2e_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *b = realloc(buf, cap + 65536);

			if (b == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}
