/*
 * Minimal freestanding string helpers. Byte-wise on purpose: with the MMU off
 * all data is Device memory, where unaligned wide accesses would fault.
 */
#include "bm.h"

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    for (size_t i = 0; i < n; i++) {
        d[i] = (unsigned char)c;
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d < s) {
        for (size_t i = 0; i < n; i++) {
            d[i] = s[i];
        }
    } else {
        for (size_t i = n; i > 0; i--) {
            d[i - 1] = s[i - 1];
        }
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t bm_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

bool bm_streq(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

bool bm_startswith(const char *s, const char *prefix)
{
    while (*prefix != '\0') {
        if (*s != *prefix) {
            return false;
        }
        s++;
        prefix++;
    }
    return true;
}

size_t bm_strlcpy_n(char *dst, size_t size, const char *src, size_t len)
{
    size_t n = 0;

    if (size == 0) {
        return 0;
    }
    while (n + 1 < size && n < len && src[n] != '\0') {
        dst[n] = src[n];
        n++;
    }
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
