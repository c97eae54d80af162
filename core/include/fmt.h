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

/* Like vsnprintf: always NUL-terminates when size > 0 and returns the length
 * the full output would have had. */
int bh_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int bh_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* BULKHEAD_FMT_H */
