/*
 * The string helpers picolibc has no exact equivalent for. memcpy, memset,
 * strnlen, strcmp and the rest are picolibc's (see README.md on why they are
 * safe with the MMU off).
 */
#include "bm.h"

size_t bm_strlcpy_n(char *dst, size_t size, const char *src, size_t len)
{
    size_t n;

    if (size == 0) {
        return 0;
    }
    n = strnlen(src, len < size - 1 ? len : size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * Not strtoull: that skips leading blanks, takes a sign, stops at the first
 * non-digit and reports overflow through errno, which picolibc keeps in TLS
 * (TPIDR_EL0, a register this guest reports as it found it: canary.c).
 * Bootargs want all of s[0..len) to be the number, or failure.
 */
bool bm_parse_u64(const char *s, size_t len, bool hex, uint64_t *out)
{
    uint64_t base = 10;
    uint64_t v = 0;
    size_t i = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (hex) {
        base = 16;
    }
    if (i == len) {
        return false;
    }
    for (; i < len; i++) {
        int d = digit_value(s[i]);

        if (d < 0 || (uint64_t)d >= base) {
            return false;
        }
        if (v > (UINT64_MAX - (uint64_t)d) / base) {
            return false; /* overflow */
        }
        v = v * base + (uint64_t)d;
    }
    *out = v;
    return true;
}
