/* Bounded printf-style formatter, see fmt.h. */
#include <stdint.h>

#include "fmt.h"

struct out {
	char *buf;
	size_t size;
	size_t len;   /* characters produced, including those that did not fit */
};

static void put(struct out *o, char c)
{
	if (o->size > 0 && o->len < o->size - 1) {
		o->buf[o->len] = c;
	}
	o->len++;
}

/* n characters of s: what fits copied in one run, all of them counted.
 * Literal text and strings go through here rather than put() per
 * character, which keeps o->len in memory (o's address is taken): every
 * boot line is formatted while the first partition waits. */
static void put_run(struct out *o, const char *s, size_t n)
{
	if (o->size > 0 && o->len < o->size - 1) {
		size_t room = o->size - 1 - o->len;
		size_t fit = n < room ? n : room;
		char *d = o->buf + o->len;
		for (size_t i = 0; i < fit; i++) {
			d[i] = s[i];
		}
	}
	o->len += n;
}

static void pad(struct out *o, char c, int n)
{
	for (int i = 0; i < n; i++) {
		put(o, c);
	}
}

static void put_str(struct out *o, const char *s, int width, int prec, int left)
{
	if (s == NULL) {
		s = "(null)";
	}
	int n = 0;
	/* Precision first: a %.*s buffer need not be NUL-terminated. */
	while ((prec < 0 || n < prec) && s[n] != '\0') {
		n++;
	}
	if (!left) {
		pad(o, ' ', width - n);
	}
	put_run(o, s, (size_t)n);
	if (left) {
		pad(o, ' ', width - n);
	}
}

static void put_num(struct out *o, uint64_t v, int neg, unsigned base, int upper,
		    int width, int zero, int left, const char *prefix)
{
	static const char lower_digits[] = "0123456789abcdef";
	static const char upper_digits[] = "0123456789ABCDEF";
	const char *digits = upper ? upper_digits : lower_digits;
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);

	int plen = 0;
	while (prefix[plen] != '\0') {
		plen++;
	}
	int total = n + plen + (neg ? 1 : 0);
	if (!left && !zero) {
		pad(o, ' ', width - total);
	}
	if (neg) {
		put(o, '-');
	}
	for (int i = 0; i < plen; i++) {
		put(o, prefix[i]);
	}
	if (!left && zero) {
		pad(o, '0', width - total);
	}
	while (n > 0) {
		put(o, tmp[--n]);
	}
	if (left) {
		pad(o, ' ', width - total);
	}
}

int bh_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };

	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			const char *q = p + 1;
			while (*q != '\0' && *q != '%') {
				q++;
			}
			put_run(&o, p, (size_t)(q - p));
			p = q - 1;
			continue;
		}
		const char *start = p;
		int left = 0;
		int zero = 0;
		int width = 0;
		int prec = -1;
		int lng = 0;

		p++;
		for (;; p++) {
			if (*p == '-') {
				left = 1;
			} else if (*p == '0') {
				zero = 1;
			} else {
				break;
			}
		}
		if (*p == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			p++;
		} else {
			while (*p >= '0' && *p <= '9') {
				width = width * 10 + (*p - '0');
				p++;
			}
		}
		if (*p == '.') {
			p++;
			prec = 0;
			if (*p == '*') {
				prec = va_arg(ap, int);
				p++;
			} else {
				while (*p >= '0' && *p <= '9') {
					prec = prec * 10 + (*p - '0');
					p++;
				}
			}
		}
		while (*p == 'l' || *p == 'z') {
			lng++;
			p++;
		}

		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			put_num(&o, mag, v < 0, 10, 0, width, zero, left, "");
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			put_num(&o, v, 0, *p == 'u' ? 10 : 16, *p == 'X', width, zero, left, "");
			break;
		}
		case 'p':
			put_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 0, 16, 0, width, zero,
				left, "0x");
			break;
		case 's':
			put_str(&o, va_arg(ap, const char *), width, prec, left);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), '\0' };
			put_str(&o, c, width, -1, left);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown or truncated conversion: copy it out verbatim. */
			for (const char *q = start; q <= p && *q != '\0'; q++) {
				put(&o, *q);
			}
			if (*p == '\0') {
				p--;
			}
			break;
		}
	}
	if (size > 0) {
		o.buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return (int)o.len;
}

int bh_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = bh_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int bh_fmt_runs(char *buf, size_t size, const uint64_t *v, unsigned int n, int hex)
{
	const char *one = hex ? "%s0x%lx" : "%s%lu";
	const char *run = hex ? "%s0x%lx-0x%lx" : "%s%lu-%lu";
	size_t len = 0;

	if (size > 0) {
		buf[0] = '\0';
	}
	for (unsigned int i = 0; i < n;) {
		unsigned int j = i;
		while (j + 1u < n && v[j + 1u] == v[j] + 1u) {
			j++;
		}
		const char *sep = i == 0 ? "" : ", ";
		char *at = len < size ? buf + len : NULL;
		size_t room = len < size ? size - len : 0;
		int k = j == i ? bh_snprintf(at, room, one, sep, v[i]) :
				 bh_snprintf(at, room, run, sep, v[i], v[j]);
		len += (size_t)k;
		i = j + 1u;
	}
	return (int)len;
}
