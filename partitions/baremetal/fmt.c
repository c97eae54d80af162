/*
 * bm_vsnprintf/bm_snprintf: picolibc's integer-only vfprintf (__i_vfprintf,
 * linked as vfprintf by -DPICOLIBC_INTEGER_PRINTF_SCANF) writing into a
 * buffer through a stream of ours.
 *
 * Not picolibc's snprintf/vsnprintf: both are built with FP/SIMD (snprintf's
 * variadic prologue saves q0-q7, vsnprintf clears its FILE and copies the
 * va_list with q registers), and this guest leaves FP/SIMD alone outside the
 * hardening probes (check-no-fp.sh). Ours are built -mgeneral-regs-only.
 * They also keep this guest's contract: the text is truncated to the buffer,
 * always NUL-terminated, and the length returned is what was stored.
 */
#include <stdio.h>

#include "bm.h"

struct strfile {
    FILE file; /* first: vfprintf's FILE * is a struct strfile * */
    char *buf;
    size_t size;
    size_t len;
};

static int str_put(char c, FILE *f)
{
    struct strfile *s = (struct strfile *)f;

    if (s->len + 1 < s->size) {
        s->buf[s->len++] = c;
    }
    return (unsigned char)c;
}

size_t bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct strfile s = {
        .file = FDEV_SETUP_STREAM(str_put, NULL, NULL, _FDEV_SETUP_WRITE),
        .buf = buf,
        .size = size,
        .len = 0,
    };

    if (size == 0) {
        return 0;
    }
    (void)vfprintf(&s.file, fmt, ap);
    buf[s.len] = '\0';
    return s.len;
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
