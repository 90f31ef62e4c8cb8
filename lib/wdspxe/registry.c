/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provider registry: WDS keeps its ordered provider list in the Windows
 * registry; dpxe keeps it in the YAML file's `providers:` list. This file
 * holds that list in memory (names, modules, critical flags, settings), the
 * PxeProvider{Register,UnRegister,QueryIndex,Enum*,FreeInfo} functions over
 * it, the HKEY settings accessor, and the write-back to the file.
 *
 * Not a packet path: a mutex guards everything, and allocation is fine.
 */
#define _GNU_SOURCE /* strchrnul, asprintf, open_memstream */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wds_rt_internal.h"

struct reg_entry {
	char *name;
	char *module;
	bool critical;
	struct dpxe_config_setting *settings;
	uint32_t settings_count;
};

#define REG_MAX 64u      /* entries; far more than any chain runs */
#define ENUM_MAX 16u     /* enumerations open at once */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static bool reg_open;             /* a list is loaded */
static bool reg_installer;        /* opened by DpxeProviderRegistryOpen */
static char *reg_path;            /* file written back; NULL: memory only */
static struct reg_entry reg[REG_MAX];
static unsigned int reg_n;

/* An enumeration is a snapshot: edits while it is open do not disturb it. */
struct reg_enum {
	uint32_t gen;              /* 0: free */
	unsigned int pos, n;
	struct reg_entry *snap;    /* names and modules only */
};
static struct reg_enum enums[ENUM_MAX];
static uint32_t enum_gen;

/* ---- strings ---- */

/* UTF-32 wchar_t -> UTF-8, malloc'd; NULL on NULL input or no memory. */
static char *
w_to_utf8(LPCWSTR w)
{
	size_t n = 0, o = 0;
	char *s;

	if (w == NULL)
		return NULL;
	while (w[n] != 0)
		n++;
	s = malloc(n * 4 + 1);
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = (uint32_t)w[i];

		if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			c = 0xfffd;
		if (c < 0x80) {
			s[o++] = (char)c;
		} else if (c < 0x800) {
			s[o++] = (char)(0xc0 | (c >> 6));
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			s[o++] = (char)(0xe0 | (c >> 12));
			s[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[o++] = (char)(0xf0 | (c >> 18));
			s[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			s[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	s[o] = '\0';
	return s;
}

/* UTF-8 -> wchar_t, malloc'd; invalid bytes become U+FFFD. */
static LPWSTR
utf8_to_w(const char *s)
{
	size_t n = strlen(s), o = 0;
	const unsigned char *p = (const unsigned char *)s;
	LPWSTR w = malloc((n + 1) * sizeof(WCHAR));

	if (w == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t c = p[i];
		unsigned int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		if (c >= 0x80 && more == 0) {
			w[o++] = 0xfffd;
			i++;
			continue;
		}
		c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
		i++;
		for (unsigned int k = 0; k < more; k++, i++) {
			if (i >= n || (p[i] & 0xc0) != 0x80) {
				c = 0xfffd;
				break;
			}
			c = (c << 6) | (p[i] & 0x3f);
		}
		w[o++] = (WCHAR)c;
	}
	w[o] = 0;
	return w;
}

static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* ---- the list ---- */

static void
entry_free(struct reg_entry *e)
{
	free(e->name);
	free(e->module);
	for (uint32_t i = 0; i < e->settings_count; i++) {
		free(e->settings[i].key);
		free(e->settings[i].value);
	}
	free(e->settings);
	memset(e, 0, sizeof(*e));
}

static void
list_clear(void)
{
	for (unsigned int i = 0; i < reg_n; i++)
		entry_free(&reg[i]);
	reg_n = 0;
	free(reg_path);
	reg_path = NULL;
	reg_open = reg_installer = false;
}

static int
list_from_config(const struct dpxe_config *cfg)
{
	if (cfg->providers_count > REG_MAX)
		return -1;
	for (uint32_t i = 0; i < cfg->providers_count; i++) {
		const struct dpxe_config_provider *p = &cfg->providers[i];
		struct reg_entry *e = &reg[reg_n++];

		e->name = strdup(p->name);
		e->module = strdup(p->module);
		e->critical = p->critical;
		e->settings = calloc(p->settings_count ? p->settings_count : 1,
				     sizeof(*e->settings));
		if (e->name == NULL || e->module == NULL || e->settings == NULL)
			return -1;
		for (uint32_t j = 0; j < p->settings_count; j++) {
			e->settings[j].key = strdup(p->settings[j].key);
			e->settings[j].value = strdup(p->settings[j].value);
			e->settings_count = j + 1;
			if (e->settings[j].key == NULL || e->settings[j].value == NULL)
				return -1;
		}
	}
	return 0;
}

static int
find(const char *name)
{
	for (unsigned int i = 0; i < reg_n; i++)
		if (strcmp(reg[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- write-back ---- */

static void
print_block(FILE *f)
{
	fprintf(f, "providers:%s\n", reg_n == 0 ? " []" : "");
	for (unsigned int i = 0; i < reg_n; i++) {
		fprintf(f, "  - name: ");
		dpxe_config_print_quoted(f, reg[i].name);
		fprintf(f, "\n    module: ");
		dpxe_config_print_quoted(f, reg[i].module);
		fprintf(f, "\n    critical: %s\n", reg[i].critical ? "true" : "false");
		if (reg[i].settings_count)
			fprintf(f, "    settings:\n");
		for (uint32_t j = 0; j < reg[i].settings_count; j++) {
			fprintf(f, "      ");
			dpxe_config_print_quoted(f, reg[i].settings[j].key);
			fprintf(f, ": ");
			dpxe_config_print_quoted(f, reg[i].settings[j].value);
			fputc('\n', f);
		}
	}
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (f == NULL)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = (cap ? cap * 2 : 8192));

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		k = fread(buf + n, 1, cap - n - 1, f);
		n += k;
	} while (k > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool
is_col0_key(const char *line)
{
	return (*line >= 'a' && *line <= 'z') || (*line >= 'A' && *line <= 'Z') ||
	       *line == '_' || *line == '"' || *line == '\'';
}

/*
 * Rewrite the top-level providers block of reg_path, keep every other byte.
 * The block runs from the line "providers:" to the next top-level key;
 * blank and comment lines just before that key belong to what follows.
 * The result is loaded as a check before it replaces the file.
 */
static DWORD
write_back(void)
{
	size_t len = 0, start, end;
	char *text, *out = NULL, *tmp;
	size_t out_len = 0;
	struct dpxe_config *cfg = NULL;
	FILE *f;
	int rc;

	if (reg_path == NULL)
		return ERROR_SUCCESS;
	text = slurp(reg_path, &len);
	if (text == NULL)
		return ERROR_FILE_NOT_FOUND;
	start = end = len;
	for (size_t i = 0; i < len; i = strchrnul(text + i, '\n') - text + 1) {
		if (start == len) {
			if (strncmp(text + i, "providers:", 10) == 0)
				start = i;
		} else if (is_col0_key(text + i)) {
			end = i;
			break;
		}
		if (text[i] == '\0')
			break;
	}
	if (start < len) {
		/* give trailing blank/comment lines back to the next section */
		size_t e = end;

		while (e > start) {
			size_t ls = e - 1;

			while (ls > start && text[ls - 1] != '\n')
				ls--;
			if (ls == start || !(text[ls] == '#' || text[ls] == '\n'))
				break;
			e = ls;
		}
		end = e;
	}
	f = open_memstream(&out, &out_len);
	if (f == NULL) {
		free(text);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	fwrite(text, 1, start, f);
	if (start == len && len > 0 && text[len - 1] != '\n')
		fputc('\n', f);
	print_block(f);
	if (start < len)
		fwrite(text + end, 1, len - end, f);
	fclose(f);
	free(text);

	rc = dpxe_config_parse(reg_path, out, out_len, &cfg, NULL);
	dpxe_config_free(cfg);
	if (rc != 0) {
		free(out);
		return ERROR_INVALID_DATA;
	}
	if (asprintf(&tmp, "%s.dpxe-tmp", reg_path) < 0) {
		free(out);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	f = fopen(tmp, "w");
	rc = f != NULL && fwrite(out, 1, out_len, f) == out_len ? 0 : -1;
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, reg_path) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	free(out);
	return rc == 0 ? ERROR_SUCCESS : ERROR_FILE_NOT_FOUND;
}

/* ---- open / close ---- */

DWORD
DpxeProviderRegistryOpen(LPCSTR pszConfigPath)
{
	struct dpxe_config *cfg = NULL;
	DWORD rc = ERROR_SUCCESS;
	int r;

	if (pszConfigPath == NULL)
		return ERROR_INVALID_PARAMETER;
	pthread_mutex_lock(&reg_lock);
	if (reg_open) {
		rc = ERROR_ALREADY_EXISTS;
		goto out;
	}
	r = dpxe_config_load(pszConfigPath, &cfg, NULL);
	if (r != 0) {
		rc = r == -EINVAL ? ERROR_INVALID_DATA : ERROR_FILE_NOT_FOUND;
		goto out;
	}
	reg_path = strdup(pszConfigPath);
	if (reg_path == NULL || list_from_config(cfg) != 0) {
		list_clear();
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	reg_open = reg_installer = true;
out:
	dpxe_config_free(cfg);
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

DWORD
DpxeProviderRegistryClose(void)
{
	DWORD rc = ERROR_SUCCESS;

	pthread_mutex_lock(&reg_lock);
	if (!reg_open || !reg_installer)
		rc = ERROR_NOT_FOUND;
	else
		list_clear();
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

int
wds_registry_init_runtime(const struct dpxe_config *cfg, const char *path)
{
	int rc = 0;

	pthread_mutex_lock(&reg_lock);
	list_clear();
	if ((path != NULL && (reg_path = strdup(path)) == NULL) ||
	    list_from_config(cfg) != 0) {
		list_clear();
		rc = -1;
	} else {
		reg_open = true;
	}
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

void
wds_registry_fini_runtime(void)
{
	pthread_mutex_lock(&reg_lock);
	if (!reg_installer)
		list_clear();
	pthread_mutex_unlock(&reg_lock);
}

const char *
wds_config_path(void)
{
	return reg_path; /* set before providers load, stable while they run */
}

/* ---- the SDK functions ---- */

DWORD PXEAPI
PxeProviderRegister(LPCWSTR pszProviderName, LPCWSTR pszModulePath,
		    PXE_REG_INDEX Index, BOOL bIsCritical, PHKEY phProviderKey)
{
	struct reg_entry e = { 0 };
	DWORD rc;

	if (phProviderKey != NULL)
		*phProviderKey = NULL;
	if (pszProviderName == NULL || pszModulePath == NULL || pszModulePath[0] == 0)
		return ERROR_INVALID_PARAMETER;
	e.name = w_to_utf8(pszProviderName);
	e.module = w_to_utf8(pszModulePath);
	if (e.name == NULL || e.module == NULL) {
		entry_free(&e);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	if (!name_ok(e.name) || strlen(e.module) > 4095) {
		entry_free(&e);
		return ERROR_INVALID_PARAMETER;
	}
	e.critical = bIsCritical != FALSE;
	pthread_mutex_lock(&reg_lock);
	if (!reg_open) {
		rc = ERROR_NOT_FOUND;
	} else if (find(e.name) >= 0) {
		rc = ERROR_ALREADY_EXISTS;
	} else if (reg_n == REG_MAX) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
	} else {
		unsigned int at = Index > reg_n ? reg_n : Index;

		memmove(&reg[at + 1], &reg[at], (reg_n - at) * sizeof(reg[0]));
		reg[at] = e;
		reg_n++;
		rc = write_back();
		if (rc != ERROR_SUCCESS) { /* undo: the file is the truth */
			memmove(&reg[at], &reg[at + 1], (reg_n - at - 1) * sizeof(reg[0]));
			reg_n--;
		} else {
			memset(&e, 0, sizeof(e)); /* now the list's */
			if (phProviderKey != NULL) {
				struct dpxe_wds_hkey *k = calloc(1, sizeof(*k));

				if (k != NULL && (k->reg_name = strdup(reg[at].name)) != NULL) {
					k->magic = WDS_HKEY_MAGIC;
					*phProviderKey = k;
				} else {
					free(k);
				}
			}
		}
	}
	pthread_mutex_unlock(&reg_lock);
	entry_free(&e);
	return rc;
}

DWORD PXEAPI
PxeProviderUnRegister(LPCWSTR pszProviderName)
{
	char *name = w_to_utf8(pszProviderName);
	struct reg_entry gone;
	DWORD rc;
	int i;

	if (pszProviderName == NULL)
		return ERROR_INVALID_PARAMETER;
	if (name == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	pthread_mutex_lock(&reg_lock);
	if (!reg_open) {
		rc = ERROR_NOT_FOUND;
	} else if ((i = find(name)) < 0) {
		rc = ERROR_NOT_FOUND;
	} else {
		gone = reg[i];
		memmove(&reg[i], &reg[i + 1], (reg_n - (unsigned int)i - 1) * sizeof(reg[0]));
		reg_n--;
		rc = write_back();
		if (rc != ERROR_SUCCESS) {
			memmove(&reg[i + 1], &reg[i], (reg_n - (unsigned int)i) * sizeof(reg[0]));
			reg[i] = gone;
			reg_n++;
		} else {
			entry_free(&gone);
		}
	}
	pthread_mutex_unlock(&reg_lock);
	free(name);
	return rc;
}

DWORD PXEAPI
PxeProviderQueryIndex(LPCWSTR pszProviderName, PULONG puIndex)
{
	char *name;
	DWORD rc;
	int i;

	if (pszProviderName == NULL || puIndex == NULL)
		return ERROR_INVALID_PARAMETER;
	name = w_to_utf8(pszProviderName);
	if (name == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	pthread_mutex_lock(&reg_lock);
	i = reg_open ? find(name) : -1;
	rc = i < 0 ? ERROR_NOT_FOUND : ERROR_SUCCESS;
	if (i >= 0)
		*puIndex = (ULONG)i;
	pthread_mutex_unlock(&reg_lock);
	free(name);
	return rc;
}

static void
snap_free(struct reg_enum *en)
{
	for (unsigned int i = 0; i < en->n; i++)
		entry_free(&en->snap[i]);
	free(en->snap);
	memset(en, 0, sizeof(*en));
}

/* An enumeration handle is (generation << 8 | slot + 1): a closed or forged
 * one is recognised without dereferencing anything. */
static struct reg_enum *
enum_from_handle(HANDLE h)
{
	uintptr_t v = (uintptr_t)h;
	unsigned int slot = (unsigned int)(v & 0xff);

	if (slot == 0 || slot > ENUM_MAX)
		return NULL;
	if (enums[slot - 1].gen == 0 || enums[slot - 1].gen != (uint32_t)(v >> 8))
		return NULL;
	return &enums[slot - 1];
}

DWORD PXEAPI
PxeProviderEnumFirst(HANDLE *phEnum)
{
	struct reg_enum *en = NULL;
	DWORD rc = ERROR_SUCCESS;
	unsigned int s;

	if (phEnum == NULL)
		return ERROR_INVALID_PARAMETER;
	*phEnum = NULL;
	pthread_mutex_lock(&reg_lock);
	if (!reg_open) {
		rc = ERROR_NOT_FOUND;
		goto out;
	}
	for (s = 0; s < ENUM_MAX && en == NULL; s++)
		if (enums[s].gen == 0)
			en = &enums[s];
	if (en == NULL) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	en->snap = calloc(reg_n ? reg_n : 1, sizeof(*en->snap));
	if (en->snap == NULL) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	for (unsigned int i = 0; i < reg_n; i++) {
		en->snap[i].name = strdup(reg[i].name);
		en->snap[i].module = strdup(reg[i].module);
		en->snap[i].critical = reg[i].critical;
		en->n = i + 1;
		if (en->snap[i].name == NULL || en->snap[i].module == NULL) {
			snap_free(en);
			rc = ERROR_NOT_ENOUGH_MEMORY;
			goto out;
		}
	}
	en->pos = 0;
	enum_gen = (enum_gen + 1) & 0xffffff;
	if (enum_gen == 0)
		enum_gen = 1;
	en->gen = enum_gen;
	*phEnum = (HANDLE)(((uintptr_t)en->gen << 8) | (uintptr_t)(en - enums + 1));
out:
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

DWORD PXEAPI
PxeProviderEnumNext(HANDLE hEnum, PPXE_PROVIDER *ppProvider)
{
	struct reg_enum *en;
	PPXE_PROVIDER p;
	DWORD rc = ERROR_SUCCESS;

	if (ppProvider == NULL)
		return ERROR_INVALID_PARAMETER;
	*ppProvider = NULL;
	pthread_mutex_lock(&reg_lock);
	en = enum_from_handle(hEnum);
	if (en == NULL) {
		rc = ERROR_INVALID_HANDLE;
	} else if (en->pos >= en->n) {
		rc = ERROR_NO_MORE_ITEMS;
	} else if ((p = calloc(1, sizeof(*p))) == NULL) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
	} else {
		p->uSizeOfStruct = sizeof(*p);
		p->pwszName = utf8_to_w(en->snap[en->pos].name);
		p->pwszFilePath = utf8_to_w(en->snap[en->pos].module);
		p->bIsCritical = en->snap[en->pos].critical;
		p->uIndex = en->pos;
		if (p->pwszName == NULL || p->pwszFilePath == NULL) {
			PxeProviderFreeInfo(p);
			rc = ERROR_NOT_ENOUGH_MEMORY;
		} else {
			en->pos++;
			*ppProvider = p;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

DWORD PXEAPI
PxeProviderEnumClose(HANDLE hEnum)
{
	struct reg_enum *en;
	DWORD rc = ERROR_SUCCESS;

	pthread_mutex_lock(&reg_lock);
	en = enum_from_handle(hEnum);
	if (en == NULL)
		rc = ERROR_INVALID_HANDLE;
	else
		snap_free(en);
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

DWORD
PxeProviderFreeInfo(PPXE_PROVIDER pProvider)
{
	if (pProvider == NULL)
		return ERROR_INVALID_PARAMETER;
	free(pProvider->pwszName);
	free(pProvider->pwszFilePath);
	free(pProvider);
	return ERROR_SUCCESS;
}

/* ---- keys ---- */

LPCSTR
DpxeProviderGetSetting(HKEY hProviderKey, LPCSTR pszName)
{
	const char *v = NULL;

	if (hProviderKey == NULL || pszName == NULL ||
	    hProviderKey->magic != WDS_HKEY_MAGIC)
		return NULL;
	if (strcmp(pszName, DPXE_SETTING_CONFIG_PATH) == 0)
		return wds_config_path();
	if (hProviderKey->reg_name == NULL) {
		for (uint32_t i = 0; i < hProviderKey->settings_count; i++)
			if (strcmp(hProviderKey->settings[i].key, pszName) == 0)
				return hProviderKey->settings[i].value;
		return NULL;
	}
	/* a registry key: the entry may have moved, look it up by name; the
	 * value lives as long as the entry (until it is unregistered) */
	pthread_mutex_lock(&reg_lock);
	{
		int i = find(hProviderKey->reg_name);

		for (uint32_t j = 0; i >= 0 && j < reg[i].settings_count; j++)
			if (strcmp(reg[i].settings[j].key, pszName) == 0)
				v = reg[i].settings[j].value;
	}
	pthread_mutex_unlock(&reg_lock);
	return v;
}

DWORD
DpxeProviderEnumSetting(HKEY hProviderKey, ULONG uIndex, LPCSTR *ppszName,
			LPCSTR *ppszValue)
{
	DWORD rc = ERROR_NO_MORE_ITEMS;

	if (hProviderKey == NULL || ppszName == NULL || ppszValue == NULL ||
	    hProviderKey->magic != WDS_HKEY_MAGIC)
		return ERROR_INVALID_PARAMETER;
	if (hProviderKey->reg_name == NULL) {
		if (uIndex >= hProviderKey->settings_count)
			return ERROR_NO_MORE_ITEMS;
		*ppszName = hProviderKey->settings[uIndex].key;
		*ppszValue = hProviderKey->settings[uIndex].value;
		return ERROR_SUCCESS;
	}
	/* a registry key: as in DpxeProviderGetSetting */
	pthread_mutex_lock(&reg_lock);
	{
		int i = find(hProviderKey->reg_name);

		if (i >= 0 && uIndex < reg[i].settings_count) {
			*ppszName = reg[i].settings[uIndex].key;
			*ppszValue = reg[i].settings[uIndex].value;
			rc = ERROR_SUCCESS;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

DWORD
DpxeProviderCloseKey(HKEY hProviderKey)
{
	if (hProviderKey == NULL || hProviderKey->magic != WDS_HKEY_MAGIC ||
	    hProviderKey->reg_name == NULL)
		return ERROR_INVALID_HANDLE;
	hProviderKey->magic = 0;
	free(hProviderKey->reg_name);
	free(hProviderKey);
	return ERROR_SUCCESS;
}
