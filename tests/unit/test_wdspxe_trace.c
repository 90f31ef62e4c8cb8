/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmocka suite for dpxe_wds_format, PxeTrace's formatter: Microsoft's
 * wide-printf rules (%s wide, %S narrow, %lu 32 bits, %I64d, %p), flags,
 * widths and precision, UTF-8 output, and truncation at the buffer's end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <string.h>

#include "wdspxe.h"
#include "wds_format.h"

static char buf[8192];

static size_t
fmt_cap(char *out, size_t cap, const wchar_t *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = dpxe_wds_format(out, cap, f, ap);
	va_end(ap);
	return n;
}

/* Format into buf; the output must be want and the return its length. */
#define CHECK(want, ...)                                                      \
	do {                                                                  \
		size_t n_ = fmt_cap(buf, sizeof(buf), __VA_ARGS__);           \
		if (strcmp(buf, want) != 0 || n_ != strlen(want))             \
			fail_msg("line %d: \"%s\" (%zu), want \"%s\"", __LINE__, \
				 buf, n_, want);                              \
	} while (0)

static void
test_strings(void **state)
{
	const char *narrow = "boot\\x64\\wdsnbp.com";
	const wchar_t *wide = L"SampProv";
	const char *null_s = NULL;
	const wchar_t *null_w = NULL;

	(void)state;
	/* the SampleProvider's own trace line: %S with a char * */
	CHECK("Default Boot Program: boot\\x64\\wdsnbp.com",
	      L"Default Boot Program: %S", narrow);
	CHECK("SampProv", L"%s", wide);
	CHECK("SampProv", L"%ls", wide);
	CHECK("SampProv", L"%ws", wide);
	CHECK("SampProv", L"%lS", wide); /* l wins over the case */
	CHECK("boot", L"%hs", "boot");
	CHECK("boot", L"%hS", "boot");
	CHECK("a SampProv b boot c", L"a %s b %S c", wide, "boot");
	CHECK("(null)", L"%s", null_w);
	CHECK("(null)", L"%S", null_s);
	CHECK("(null)", L"%hs", null_s);
	CHECK("  (null)", L"%8s", null_w);
	CHECK("(nu", L"%.3S", null_s);
	/* width, left-justify, precision */
	CHECK("  SampProv", L"%10s", wide);
	CHECK("SampProv  |", L"%-10s|", wide);
	CHECK("Samp", L"%.4s", wide);
	CHECK("   Samp", L"%7.4s", wide);
	CHECK("Samp   |", L"%-7.4S|", "SampProv");
	CHECK("  SampProv", L"%*s", 10, wide);
	CHECK("SampProv  |", L"%*s|", -10, wide); /* negative * width: left */
	CHECK("Sa", L"%.*s", 2, wide);
	CHECK("SampProv", L"%.*s", -1, wide); /* negative * precision: none */
	CHECK("", L"%.0s", wide);
	CHECK("", L"%s", L"");
}

static void
test_chars(void **state)
{
	(void)state;
	CHECK("x", L"%c", L'x');
	CHECK("x", L"%lc", L'x');
	CHECK("x", L"%wc", L'x');
	CHECK("y", L"%C", 'y');
	CHECK("y", L"%hc", 'y');
	CHECK("\xc3\xa9", L"%c", 0xe9);
	CHECK("   z", L"%4c", L'z');
	CHECK("z   |", L"%-4c|", L'z');
	CHECK("ab", L"a%cb", 0); /* a NUL character prints nothing */
	CHECK("\xef\xbf\xbd", L"%C", 0xe9); /* half a multibyte character */
}

static void
test_integers(void **state)
{
	DWORD dw = 4000000000u;
	ULONG ul = 7;
	LONG neg = -5;
	ULONGLONG big = 18446744073709551615ull;
	LONGLONG sbig = -9223372036854775807ll - 1;

	(void)state;
	CHECK("42", L"%d", 42);
	CHECK("-42", L"%i", -42);
	CHECK("4294967295", L"%u", 0xffffffffu);
	CHECK("ff FF 17", L"%x %X %o", 255, 255, 15);
	CHECK("-2147483648", L"%d", INT32_MIN);
	/* l is 32 bits, as for a Windows long: DWORD/ULONG arguments */
	CHECK("4000000000", L"%lu", dw);
	CHECK("7", L"%lu", ul);
	CHECK("-5", L"%ld", neg);
	CHECK("ee6b2800", L"%lx", dw);
	CHECK("997", L"%I32u", (DWORD)ERROR_IO_PENDING);
	/* 64 bits */
	CHECK("18446744073709551615", L"%I64u", big);
	CHECK("18446744073709551615", L"%llu", big);
	CHECK("-9223372036854775808", L"%I64d", sbig);
	CHECK("-9223372036854775808", L"%lld", sbig);
	CHECK("ffffffffffffffff", L"%llx", big);
	CHECK("FFFFFFFFFFFFFFFF", L"%I64X", big);
	CHECK("1777777777777777777777", L"%llo", big);
	CHECK("12345678901", L"%zu", (size_t)12345678901ull);
	CHECK("12345678901", L"%Iu", (size_t)12345678901ull);
	CHECK("-3", L"%Id", (ptrdiff_t)-3);
	CHECK("-3", L"%td", (ptrdiff_t)-3);
	CHECK("12345678901", L"%jd", (long long)12345678901ll);
	/* short and char */
	CHECK("-1", L"%hd", 65535);
	CHECK("65535", L"%hu", 65535);
	CHECK("5", L"%hhu", 261);
	CHECK("-1", L"%hhd", 255);
	/* flags, width, precision */
	CHECK("   42", L"%5d", 42);
	CHECK("42   |", L"%-5d|", 42);
	CHECK("00042", L"%05d", 42);
	CHECK("-0042", L"%05d", -42);
	CHECK("+42", L"%+d", 42);
	CHECK(" 42", L"% d", 42);
	CHECK("+42", L"%+ d", 42);
	CHECK("7", L"%+u", 7); /* no sign for unsigned */
	CHECK("00042", L"%.5d", 42);
	CHECK("  00042", L"%7.5d", 42);
	CHECK("  042", L"%05.3d", 42); /* 0 ignored with a precision */
	CHECK("", L"%.0d", 0);
	CHECK("   ", L"%3.0d", 0);
	CHECK("0x2a 0X2A 052", L"%#x %#X %#o", 42, 42, 42);
	CHECK("0 0", L"%#x %#o", 0, 0);
	CHECK("0x002a", L"%#06x", 42);
	CHECK("   42", L"%*d", 5, 42);
	CHECK("42   |", L"%*d|", -5, 42);
	CHECK("00042", L"%.*d", 5, 42);
	CHECK("0a:1b", L"%02x:%02x", 10, 27);
}

#undef CHECK
#define CHECK(want, ...)                                                      \
	do {                                                                  \
		size_t n_ = fmt_cap(buf, sizeof(buf), __VA_ARGS__);           \
		if (strcmp(buf, want) != 0 || n_ != strlen(want))             \
			fail_msg("line %d: \"%s\" (%zu), want \"%s\"", __LINE__, \
				 buf, n_, want);                              \
	} while (0)

static void
test_pointers_floats_misc(void **state)
{
	int *n_target = NULL;

	(void)state;
	/* %p: every digit, upper case, no prefix (Microsoft's form) */
	CHECK("0000000000001234", L"%p", (void *)0x1234);
	CHECK("00007FFFDEADBEEF", L"%p", (void *)0x7fffdeadbeefull);
	CHECK("0000000000000000", L"%p", NULL);
	CHECK("  0000000000000001", L"%18p", (void *)1);
	CHECK("3.14", L"%.2f", 3.14159);
	CHECK("  3.1", L"%5.1f", 3.14159);
	CHECK("1.000000e+00", L"%e", 1.0);
	CHECK("2.5", L"%g", 2.5);
	CHECK("1.50", L"%.2Lf", 1.5L);
	CHECK("-0001.5", L"%07.1f", -1.5);
	CHECK("100%", L"%d%%", 100);
	CHECK("%", L"%%");
	/* %n consumes its pointer, writes nothing; the next argument is right */
	CHECK("ab7", L"ab%n%d", n_target, 7);
	/* an unknown conversion is copied and consumes nothing */
	CHECK("%y 5", L"%y %d", 5);
	CHECK("%-5y", L"%-5y");
	/* a format ending inside a conversion */
	CHECK("50 %", L"%d %", 50);
	CHECK("x %-0", L"x %-0");
	CHECK("(null)", NULL);
	CHECK("", L"");
	CHECK("plain text", L"plain text");
}

static void
test_utf8(void **state)
{
	/* U+00E9, U+20AC, U+1F600 */
	static const wchar_t w[] = { 0xe9, 0x20ac, 0x1f600, 0 };
	/* the same emoji as a UTF-16 surrogate pair, then a lone surrogate */
	static const wchar_t pair[] = { 0xd83d, 0xde00, L'|', 0xd800, L'|', 0x110000, 0 };

	(void)state;
	CHECK("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", L"%s", w);
	CHECK("caf\xc3\xa9", L"caf\u00e9");
	CHECK("\xe2\x82\xac 5", L"\u20ac %d", 5);
	CHECK("\xf0\x9f\x98\x80|\xef\xbf\xbd|\xef\xbf\xbd", L"%s", pair);
	CHECK("\xf0\x9f\x98\x80", L"%.2s", pair); /* precision counts wide units */
	/* width counts characters, not bytes */
	CHECK("  \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", L"%5s", w);
	/* narrow strings are UTF-8; invalid bytes become U+FFFD */
	CHECK("caf\xc3\xa9", L"%S", "caf\xc3\xa9");
	CHECK(" caf\xc3\xa9", L"%5S", "caf\xc3\xa9");
	CHECK("a\xef\xbf\xbd" "b", L"%S", "a\xff" "b");
	CHECK("\xef\xbf\xbd", L"%S", "\xc3"); /* cut sequence */
	CHECK("\xef\xbf\xbd\xef\xbf\xbd", L"%S", "\xc0\xaf"); /* overlong */
	CHECK("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", L"%S", "\xed\xa0\x80"); /* surrogate */
	CHECK("caf", L"%.4S", "caf\xc3\xa9"); /* é does not fit in 4 bytes */
	{
		/* precision bounds a buffer without NUL: nothing past it is read */
		static const char unterminated[4] = { 'c', 'a', 'f', '\xc3' };

		CHECK("caf|", L"%.4S|", unterminated);
		CHECK("caf", L"%.3hs", unterminated);
	}
}

static void
test_truncation(void **state)
{
	char small[16];
	size_t n;

	(void)state;
	/* cap 0: nothing written (out may be NULL), full length returned */
	assert_int_equal(fmt_cap(NULL, 0, L"hello %d", 12345), 11);
	memset(small, 'Z', sizeof(small));
	assert_int_equal(fmt_cap(small, 0, L"hello"), 5);
	assert_int_equal(small[0], 'Z');
	/* cap 1: only the NUL */
	assert_int_equal(fmt_cap(small, 1, L"hello"), 5);
	assert_int_equal(small[0], 0);
	assert_int_equal(small[1], 'Z');
	/* cap 6: "hello" exactly */
	memset(small, 'Z', sizeof(small));
	assert_int_equal(fmt_cap(small, 6, L"hello"), 5);
	assert_string_equal(small, "hello");
	/* cap 5: cut, NUL-terminated, nothing past cap */
	memset(small, 'Z', sizeof(small));
	n = fmt_cap(small, 5, L"hello %S!", "world");
	assert_int_equal(n, 12);
	assert_string_equal(small, "hell");
	assert_int_equal(small[5], 'Z');
	/*
	 * A multibyte character that does not fit is left out whole, and the
	 * 'd' after it, which would fit, does not sneak in.
	 */
	memset(small, 'Z', sizeof(small));
	n = fmt_cap(small, 5, L"abc\u20acd");
	assert_int_equal(n, 7);
	assert_string_equal(small, "abc");
	memset(small, 'Z', sizeof(small));
	n = fmt_cap(small, 7, L"abc\u20acd");
	assert_string_equal(small, "abc\xe2\x82\xac");
	assert_int_equal(small[7], 'Z');
	n = fmt_cap(small, 5, L"%s%s", L"ab\u00e9", L"x");
	assert_string_equal(small, "ab\xc3\xa9");
	assert_int_equal(n, 5);
	/* padding and numbers are cut too */
	n = fmt_cap(small, 8, L"%20d", 7);
	assert_int_equal(n, 20);
	assert_string_equal(small, "       ");
	n = fmt_cap(small, 4, L"%.2f", 12345.678);
	assert_int_equal(n, 8);
	assert_string_equal(small, "123");
}

static void
test_width_clamp(void **state)
{
	size_t n;

	(void)state;
	/* a huge width is clamped, not a billion spaces */
	n = fmt_cap(buf, sizeof(buf), L"%999999999d", 1);
	assert_int_equal(n, DPXE_WDS_FORMAT_MAX_WIDTH);
	n = fmt_cap(buf, sizeof(buf), L"%*d", 1 << 30, 1);
	assert_int_equal(n, DPXE_WDS_FORMAT_MAX_WIDTH);
	n = fmt_cap(buf, sizeof(buf), L"%.99999999d", 1);
	assert_int_equal(n, DPXE_WDS_FORMAT_MAX_WIDTH);
	n = fmt_cap(buf, sizeof(buf), L"%*d", INT32_MIN, 1);
	assert_int_equal(n, DPXE_WDS_FORMAT_MAX_WIDTH);
	assert_int_equal(buf[0], '1');
	n = fmt_cap(buf, sizeof(buf), L"%.999f|", 1.0);
	assert_true(n < 200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_chars),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_pointers_floats_misc),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_width_clamp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
