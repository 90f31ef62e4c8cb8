/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpxe_wds_format: the formatter behind PxeTrace / PxeTraceV. It implements
 * Microsoft's wide-printf rules, which differ from glibc's vswprintf, so a
 * provider's L"..." trace formats mean what they meant on Windows.
 *
 * For dpxe itself, not for providers (they include only wdspxe.h).
 */
#ifndef DPXE_WDS_FORMAT_H
#define DPXE_WDS_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <wchar.h>

/** Widths and precisions above this are clamped: a trace line stays bounded. */
#define DPXE_WDS_FORMAT_MAX_WIDTH 4096

/**
 * Format fmt and its arguments into out as UTF-8, always NUL-terminated when
 * cap > 0 (out may be NULL when cap is 0). Output that does not fit is cut
 * at a character boundary, never inside a UTF-8 sequence.
 *
 * Conversions, with Microsoft's meaning in a wide format:
 *   %s %ls %ws  wide string (wchar_t *)     %S %hs  narrow string (char *)
 *   %c %lc %wc  wide character              %C %hc  narrow character
 *   %d %i %u %o %x %X  int; h short, hh char, l and I32 32 bits (a Windows
 *               long: ULONG/DWORD), ll and I64 64 bits, I z j t size_t
 *   %p          pointer as 2*sizeof(void *) upper-case hex digits
 *   %e %f %g %a (and upper case) double; L long double
 *   %%          a percent sign;  %n  consumes its pointer, writes nothing
 * Flags - + space # 0, width and precision (numbers or *) as in C. A NULL
 * string prints "(null)". Narrow strings are taken as UTF-8 and wide ones as
 * UTF-32 (UTF-16 surrogate pairs are joined); anything invalid becomes
 * U+FFFD. An unknown conversion is copied to the output as written and
 * consumes no argument.
 *
 * @return the length in bytes the whole output needs, without the NUL, as
 *   snprintf: a result >= cap means the output was cut.
 */
size_t dpxe_wds_format(char *out, size_t cap, const wchar_t *fmt, va_list ap);

#endif /* DPXE_WDS_FORMAT_H */
