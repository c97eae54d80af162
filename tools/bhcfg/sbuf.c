/*
 * The growable text buffer (struct sbuf): generated files and messages are
 * built in memory whatever their length, and written only when complete.
 */
#define _XOPEN_SOURCE 700

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bhcfg.h"

void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	for (;;) {
		size_t room = sb->cap - sb->len;

		va_copy(again, ap);
		n = vsnprintf(sb->p == NULL ? NULL : sb->p + sb->len, room, fmt, again);
		va_end(again);
		if (n < 0) {
			fprintf(stderr, "bhcfg: formatting error\n");
			exit(1);
		}
		if ((size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		size_t cap = sb->cap == 0 ? 4096 : sb->cap * 2;
		while (cap - sb->len <= (size_t)n) {
			cap *= 2;
		}
		char *np = realloc(sb->p, cap);
		if (np == NULL) {
			out_of_memory();
		}
		sb->p = np;
		sb->cap = cap;
	}
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_free(struct sbuf *sb)
{
	free(sb->p);
	sb->p = NULL;
	sb->len = 0;
	sb->cap = 0;
}
