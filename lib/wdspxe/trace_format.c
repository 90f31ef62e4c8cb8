/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Microsoft wide-printf semantics for PxeTrace, producing UTF-8 (see
 * wds_format.h). glibc's vswprintf cannot be used: it reads %s as a narrow
 * string, where a WDS provider passes a wide one.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wds_format.h"

#define REPLACEMENT 0xFFFDu

/* Where output goes; counts what the whole output needs. */
struct sink {
	char *out;
	size_t cap;
	size_t written;
	size_t need;
	bool full; /* a unit did not fit: write nothing more */
};

/* One character's bytes: written whole or not at all. */
static void
put_unit(struct sink *s, const char *b, size_t n)
{
	s->need += n;
	if (s->full || s->cap == 0 || n > s->cap - 1 - s->written) {
		s->full = true;
		return;
	}
	memcpy(s->out + s->written, b, n);
	s->written += n;
}

static bool
valid_cp(uint32_t cp)
{
	return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

static void
put_cp(struct sink *s, uint32_t cp)
{
	char b[4];

	if (!valid_cp(cp))
		cp = REPLACEMENT;
	if (cp < 0x80) {
		b[0] = (char)cp;
		put_unit(s, b, 1);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		put_unit(s, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		put_unit(s, b, 3);
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		put_unit(s, b, 4);
	}
}

static void
put_repeat(struct sink *s, char c, size_t n)
{
	while (n--)
		put_unit(s, &c, 1);
}

/*
 * Next code point of a wide string (at most avail units): joins a UTF-16
 * surrogate pair. @return units consumed.
 */
static size_t
wide_next(const wchar_t *w, size_t avail, uint32_t *cp)
{
	uint32_t c = (uint32_t)w[0];

	if (c >= 0xD800 && c <= 0xDBFF && avail >= 2) {
		uint32_t lo = (uint32_t)w[1];

		if (lo >= 0xDC00 && lo <= 0xDFFF) {
			*cp = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			return 2;
		}
	}
	*cp = valid_cp(c) ? c : REPLACEMENT;
	return 1;
}

/*
 * Next code point of UTF-8 bytes (at most avail): invalid -> U+FFFD, 1 byte.
 * @return bytes consumed, or 0 for a valid start cut short by avail.
 */
static size_t
utf8_next(const unsigned char *p, size_t avail, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 2, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, min = 0x10000, c &= 0x07;
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if (i == avail)
			return 0;
		if ((p[i] & 0xC0) != 0x80)
			goto bad;
		c = c << 6 | (p[i] & 0x3F);
	}
	if (c < min || !valid_cp(c))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = REPLACEMENT;
	return 1;
}

struct spec {
	bool minus, plus, space, hash, zero;
	int width;     /* 0 when none */
	int prec;      /* -1 when none */
	int len;       /* enum len_mod */
	wchar_t conv;
};

enum len_mod { LEN_NONE, LEN_HH, LEN_H, LEN_32, LEN_64, LEN_SIZE, LEN_LDBL, LEN_WIDE };

/*
 * A string argument: counted (for the width) then emitted, limited by the
 * precision in units of the string (wide characters or bytes).
 */
static size_t
emit_string(struct sink *s, const void *str, bool wide, int prec, bool dry)
{
	size_t limit = prec < 0 ? SIZE_MAX : (size_t)prec;
	size_t used = 0, chars = 0, n;
	uint32_t cp;

	if (wide) {
		const wchar_t *w = str;
		size_t avail = 0;

		while (avail < limit && w[avail])
			avail++;
		while (used < avail) {
			n = wide_next(w + used, avail - used, &cp);
			used += n;
			chars++;
			if (!dry)
				put_cp(s, cp);
		}
	} else {
		const unsigned char *b = str;
		size_t avail = 0;

		while (avail < limit && b[avail])
			avail++;
		while (used < avail) {
			n = utf8_next(b + used, avail - used, &cp);
			if (n == 0) {
				/*
				 * Cut by the precision: leave the character
				 * out. Cut by the string's end: it is broken.
				 */
				if (avail == limit)
					break;
				cp = REPLACEMENT;
				n = 1;
			}
			used += n;
			chars++;
			if (!dry)
				put_cp(s, cp);
		}
	}
	return chars;
}

static void
fmt_string(struct sink *s, const struct spec *sp, const void *str, bool wide)
{
	size_t chars, pad;

	if (!str) {
		str = "(null)";
		wide = false;
	}
	chars = emit_string(s, str, wide, sp->prec, true);
	pad = (size_t)sp->width > chars ? (size_t)sp->width - chars : 0;
	if (!sp->minus)
		put_repeat(s, ' ', pad);
	emit_string(s, str, wide, sp->prec, false);
	if (sp->minus)
		put_repeat(s, ' ', pad);
}

static void
fmt_char(struct sink *s, const struct spec *sp, uint32_t cp, bool narrow)
{
	size_t chars = cp != 0; /* a NUL would end the C string: print nothing */
	size_t pad = (size_t)sp->width > chars ? (size_t)sp->width - chars : 0;

	if (narrow && cp >= 0x80)
		cp = REPLACEMENT; /* half of a multibyte character */
	if (!sp->minus)
		put_repeat(s, ' ', pad);
	if (chars)
		put_cp(s, cp);
	if (sp->minus)
		put_repeat(s, ' ', pad);
}

static void
fmt_int(struct sink *s, const struct spec *sp, uint64_t mag, bool neg,
	bool is_signed)
{
	char digits[24];
	const char *set = sp->conv == L'x' ? "0123456789abcdef" : "0123456789ABCDEF";
	unsigned int base = 10;
	size_t nd = 0, zeros = 0, total, pad;
	const char *prefix = "";
	char sign = 0;

	if (sp->conv == L'o')
		base = 8;
	else if (sp->conv == L'x' || sp->conv == L'X' || sp->conv == L'p')
		base = 16;
	for (uint64_t v = mag; v; v /= base)
		digits[nd++] = set[v % base];
	if (mag == 0 && sp->prec != 0)
		digits[nd++] = '0';
	if (sp->prec >= 0 && (size_t)sp->prec > nd)
		zeros = (size_t)sp->prec - nd;

	if (is_signed)
		sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	if (sp->hash && mag != 0 && sp->conv == L'x')
		prefix = "0x";
	else if (sp->hash && mag != 0 && sp->conv == L'X')
		prefix = "0X";
	else if (sp->hash && sp->conv == L'o' && zeros == 0 &&
		 (nd == 0 || digits[nd - 1] != '0'))
		zeros = 1;

	total = (sign != 0) + strlen(prefix) + zeros + nd;
	pad = (size_t)sp->width > total ? (size_t)sp->width - total : 0;
	if (!sp->minus && !(sp->zero && sp->prec < 0))
		put_repeat(s, ' ', pad);
	if (sign)
		put_unit(s, &sign, 1);
	put_unit(s, prefix, strlen(prefix));
	if (!sp->minus && sp->zero && sp->prec < 0)
		put_repeat(s, '0', pad);
	put_repeat(s, '0', zeros);
	while (nd)
		put_unit(s, &digits[--nd], 1);
	if (sp->minus)
		put_repeat(s, ' ', pad);
}

static void
fmt_float(struct sink *s, const struct spec *sp, va_list *ap)
{
	char f[32], buf[512];
	size_t n = 0;
	int len;

	f[n++] = '%';
	if (sp->minus)
		f[n++] = '-';
	if (sp->plus)
		f[n++] = '+';
	if (sp->space)
		f[n++] = ' ';
	if (sp->hash)
		f[n++] = '#';
	if (sp->zero)
		f[n++] = '0';
	f[n++] = '*';
	f[n++] = '.';
	f[n++] = '*';
	if (sp->len == LEN_LDBL)
		f[n++] = 'L';
	f[n++] = (char)sp->conv;
	f[n] = 0;

	/* Clamped so the result always fits buf: 1e308 has 309 digits. */
	int width = sp->width > 100 ? 100 : sp->width;
	int prec = sp->prec > 100 ? 100 : sp->prec;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (sp->len == LEN_LDBL)
		len = snprintf(buf, sizeof(buf), f, width, prec, va_arg(*ap, long double));
	else
		len = snprintf(buf, sizeof(buf), f, width, prec, va_arg(*ap, double));
#pragma GCC diagnostic pop
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	for (int i = 0; i < len; i++) /* ASCII: every byte is a character */
		put_unit(s, buf + i, 1);
}

/* Integer argument of the size the length modifier says. */
static void
int_arg(struct sink *s, const struct spec *sp, va_list *ap)
{
	bool is_signed = sp->conv == L'd' || sp->conv == L'i';
	uint64_t u;
	int64_t v;

	if (is_signed) {
		switch (sp->len) {
		case LEN_HH:
			v = (signed char)va_arg(*ap, int);
			break;
		case LEN_H:
			v = (short)va_arg(*ap, int);
			break;
		case LEN_64:
			v = va_arg(*ap, long long);
			break;
		case LEN_SIZE:
			v = (int64_t)va_arg(*ap, ptrdiff_t);
			break;
		default: /* none, l, I32: 32 bits as on Windows */
			v = (int32_t)va_arg(*ap, int);
			break;
		}
		u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		fmt_int(s, sp, u, v < 0, true);
		return;
	}
	switch (sp->len) {
	case LEN_HH:
		u = (unsigned char)va_arg(*ap, unsigned int);
		break;
	case LEN_H:
		u = (unsigned short)va_arg(*ap, unsigned int);
		break;
	case LEN_64:
		u = va_arg(*ap, unsigned long long);
		break;
	case LEN_SIZE:
		u = va_arg(*ap, size_t);
		break;
	default:
		u = va_arg(*ap, uint32_t);
		break;
	}
	fmt_int(s, sp, u, false, false);
}

static int
clamp(long v)
{
	return v > DPXE_WDS_FORMAT_MAX_WIDTH ? DPXE_WDS_FORMAT_MAX_WIDTH : (int)v;
}

/* Parse a conversion after '%'. @return the character after it, or NULL. */
static const wchar_t *
parse_spec(const wchar_t *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == L'-')
			sp->minus = true;
		else if (*f == L'+')
			sp->plus = true;
		else if (*f == L' ')
			sp->space = true;
		else if (*f == L'#')
			sp->hash = true;
		else if (*f == L'0')
			sp->zero = true;
		else
			break;
	}
	if (*f == L'*') {
		int w = va_arg(*ap, int);

		if (w < 0) {
			sp->minus = true;
			w = w == INT32_MIN ? INT32_MAX : -w;
		}
		sp->width = clamp(w);
		f++;
	} else {
		long w = 0;

		for (; *f >= L'0' && *f <= L'9'; f++)
			w = w > DPXE_WDS_FORMAT_MAX_WIDTH ? w : w * 10 + (*f - L'0');
		sp->width = clamp(w);
	}
	if (*f == L'.') {
		f++;
		if (*f == L'*') {
			int p = va_arg(*ap, int);

			sp->prec = p < 0 ? -1 : clamp(p);
			f++;
		} else {
			long p = 0;

			for (; *f >= L'0' && *f <= L'9'; f++)
				p = p > DPXE_WDS_FORMAT_MAX_WIDTH ? p : p * 10 + (*f - L'0');
			sp->prec = clamp(p);
		}
	}

	if (f[0] == L'h' && f[1] == L'h') {
		sp->len = LEN_HH, f += 2;
	} else if (f[0] == L'h') {
		sp->len = LEN_H, f++;
	} else if (f[0] == L'l' && f[1] == L'l') {
		sp->len = LEN_64, f += 2;
	} else if (f[0] == L'l') {
		sp->len = LEN_32, f++;
	} else if (f[0] == L'w') {
		sp->len = LEN_WIDE, f++;
	} else if (f[0] == L'I' && f[1] == L'6' && f[2] == L'4') {
		sp->len = LEN_64, f += 3;
	} else if (f[0] == L'I' && f[1] == L'3' && f[2] == L'2') {
		sp->len = LEN_32, f += 3;
	} else if (f[0] == L'I' || f[0] == L'z' || f[0] == L'j' || f[0] == L't') {
		sp->len = f[0] == L'j' ? LEN_64 : LEN_SIZE, f++;
	} else if (f[0] == L'L') {
		sp->len = LEN_LDBL, f++;
	}
	if (!*f)
		return NULL;
	sp->conv = *f;
	return f + 1;
}

static bool
is_float_conv(wchar_t c)
{
	return c == L'e' || c == L'E' || c == L'f' || c == L'F' || c == L'g' ||
	       c == L'G' || c == L'a' || c == L'A';
}

size_t
dpxe_wds_format(char *out, size_t cap, const wchar_t *fmt, va_list ap_in)
{
	struct sink s = { .out = out, .cap = out ? cap : 0 };
	const wchar_t *f = fmt ? fmt : L"(null)";
	struct spec sp;
	va_list ap;
	size_t n;
	uint32_t cp;

	va_copy(ap, ap_in);
	while (*f) {
		const wchar_t *start = f, *next;

		if (*f != L'%') {
			n = wide_next(f, 2 - (f[1] == 0), &cp);
			put_cp(&s, cp);
			f += n;
			continue;
		}
		next = parse_spec(f + 1, &sp, &ap);
		if (!next) { /* the format ends inside a conversion: copy it */
			for (; *f; f++)
				put_cp(&s, (uint32_t)*f);
			break;
		}
		f = next;
		switch (sp.conv) {
		case L'%':
			put_unit(&s, "%", 1);
			break;
		case L'd':
		case L'i':
		case L'u':
		case L'o':
		case L'x':
		case L'X':
			int_arg(&s, &sp, &ap);
			break;
		case L'p':
			sp.prec = (int)(2 * sizeof(void *));
			sp.hash = sp.plus = sp.space = false;
			fmt_int(&s, &sp, (uintptr_t)va_arg(ap, void *), false, false);
			break;
		case L's':
		case L'S': {
			/* h: narrow; l, w: wide; else s wide and S narrow */
			bool wide = sp.len == LEN_H ? false :
				    (sp.len == LEN_32 || sp.len == LEN_WIDE) ? true :
				    sp.conv == L's';

			fmt_string(&s, &sp, va_arg(ap, const void *), wide);
			break;
		}
		case L'c':
		case L'C': {
			bool wide = sp.len == LEN_H ? false :
				    (sp.len == LEN_32 || sp.len == LEN_WIDE) ? true :
				    sp.conv == L'c';
			int c = va_arg(ap, int);

			fmt_char(&s, &sp, wide ? (uint32_t)c : (unsigned char)c, !wide);
			break;
		}
		case L'n':
			(void)va_arg(ap, void *); /* never written: a log line is no oracle */
			break;
		default:
			if (is_float_conv(sp.conv)) {
				fmt_float(&s, &sp, &ap);
				break;
			}
			for (; start < f; start++) /* unknown: copy as written */
				put_cp(&s, (uint32_t)*start);
			break;
		}
	}
	va_end(ap);
	if (s.cap)
		s.out[s.written] = 0;
	return s.need;
}
