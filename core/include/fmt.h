/*
 * printf-style formatting into a bounded buffer. No floating point (EL2 never
 * touches FP/SIMD after boot), no allocation.
 *
 * Supported: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a field width
 * (digits or '*'), a precision for %s, and the length modifiers l, ll, z.
 * An unknown conversion is copied out as written, so a typo in a log
 * message shows up in the log rather than consuming an argument.
 */
#ifndef BULKHEAD_FMT_H
#define BULKHEAD_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Like vsnprintf: always NUL-terminates when size > 0 and returns the length
 * the full output would have had. */
int bh_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int bh_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* v[0..n) as a list of runs, each a value or "first-last" where values go up
 * by one: {0,1,2,3,0x100,0x101} -> "0x0-0x3, 0x100-0x101" with hex, "0-3,
 * 256-257" without. Like bh_snprintf: always NUL-terminated when size > 0,
 * returns the full length. */
int bh_fmt_runs(char *buf, size_t size, const uint64_t *v, unsigned int n, int hex);

#endif /* BULKHEAD_FMT_H */
