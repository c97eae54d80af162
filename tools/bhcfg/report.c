/*
 * Reporting problems: one line per problem on stderr, counted in bh_errors,
 * so that a run lists every problem and writes nothing while any remains.
 */
#define _XOPEN_SOURCE 700

#include <stdarg.h>
#include <stdio.h>

#include "bhcfg.h"

unsigned bh_errors;

static void __attribute__((format(printf, 4, 0)))
vreport(const char *file, const char *where, const char *prop, const char *fmt, va_list ap)
{
	struct sbuf line = { NULL, 0, 0 };

	/* One line per problem, "file: where: prop: message", so a build log
	 * names the file, the partition, the resource and the conflict. The
	 * line is never cut: messages quote input strings (paths, names) of
	 * any length, and the reason comes after them. */
	const char *parts[] = { file, where, prop };
	for (size_t i = 0; i < 3; i++) {
		if (parts[i] != NULL) {
			sb_printf(&line, "%s: ", parts[i]);
		}
	}
	sb_vprintf(&line, fmt, ap);
	/* Messages quote strings from the inputs: show control and non-ASCII
	 * bytes as '?' so one problem stays one printable line. */
	for (size_t i = 0; i < line.len; i++) {
		if ((unsigned char)line.p[i] < 0x20 || (unsigned char)line.p[i] >= 0x7f) {
			line.p[i] = '?';
		}
	}
	fprintf(stderr, "%s\n", line.p == NULL ? "" : line.p);
	sb_free(&line);
}

void report(const char *file, const char *where, const char *prop,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(file, where, prop, fmt, ap);
	va_end(ap);
	bh_errors++;
}

/* A line like report()'s that is not an error: the build goes on. */
void warning(const char *file, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(file, "warning", where, fmt, ap);
	va_end(ap);
}
