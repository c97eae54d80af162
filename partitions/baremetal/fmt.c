/*
 * A deliberately small formatter: %[0][width][l|ll|z](d|u|x|s|c) and %%.
 * Output is truncated to the buffer, always NUL-terminated.
 */
#include "bm.h"

struct outbuf {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size) {
        o->buf[o->len++] = c;
    }
}

static void put_uint(struct outbuf *o, uint64_t v, unsigned base, bool neg,
                     unsigned width, char pad)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[24]; /* 2^64 has 20 decimal digits; plus sign */
    unsigned n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    if (neg && pad == '0') {
        put(o, '-');
    } else if (neg) {
        tmp[n++] = '-';
    }
    for (unsigned i = n + (neg && pad == '0' ? 1U : 0U); i < width; i++) {
        put(o, pad);
    }
    while (n > 0) {
        put(o, tmp[--n]);
    }
}

size_t bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = { buf, size, 0 };

    if (size == 0) {
        return 0;
    }
    while (*fmt != '\0') {
        char pad = ' ';
        unsigned width = 0;
        unsigned longs = 0;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9' && width < 64) {
            width = width * 10 + (unsigned)(*fmt - '0');
            fmt++;
        }
        while (*fmt == 'l' || *fmt == 'z') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 'd': {
            int64_t v = longs != 0 ? va_arg(ap, long) : va_arg(ap, int);
            uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

            put_uint(&o, mag, 10, v < 0, width, pad);
            break;
        }
        case 'u':
        case 'x': {
            uint64_t v = longs != 0 ? va_arg(ap, unsigned long)
                                    : va_arg(ap, unsigned int);

            put_uint(&o, v, *fmt == 'x' ? 16 : 10, false, width, pad);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (s == NULL) {
                s = "(null)";
            }
            while (*s != '\0') {
                put(&o, *s++);
            }
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            /* A lone '%' at the end: print it, and do not read past the NUL. */
            put(&o, '%');
            buf[o.len] = '\0';
            return o.len;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
        fmt++;
    }
    buf[o.len] = '\0';
    return o.len;
}

size_t bm_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = bm_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
