/*
 * Console and panic fakes that record everything, see host_fakes.h.
 * Text is formatted with the hypervisor's own bh_vsnprintf (core/fmt.c);
 * BH_HOST_LOG=1 in the environment also copies it to stderr. Also makes
 * UBSan stop at the first report, so undefined behaviour fails the binary
 * instead of only printing a diagnostic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "fmt.h"
#include "log.h"
#include "host_fakes.h"

char host_raw_text[HOST_FAKES_RAW_MAX];
size_t host_raw_len;
int host_raw_overflow;
unsigned int host_raw_calls;
char host_msg_last[HOST_FAKES_LINE_MAX];
int host_msg_level = -1;
unsigned int host_msg_calls;
char host_fakes_panic_last[HOST_FAKES_LINE_MAX];

static unsigned int lock_depth;

const char *__ubsan_default_options(void);

const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

static int verbose(void)
{
	const char *v = getenv("BH_HOST_LOG");
	return v != NULL && v[0] != '\0' && v[0] != '0';
}

void host_fakes_reset(void)
{
	host_partial_text[0] = '\0';
	host_partial_calls = 0;
	memset(host_raw_text, 0, sizeof(host_raw_text));
	host_raw_len = 0;
	host_raw_overflow = 0;
	host_raw_calls = 0;
	host_msg_last[0] = '\0';
	host_msg_level = -1;
	host_msg_calls = 0;
	host_fakes_panic_last[0] = '\0';
	lock_depth = 0;
}

void log_write(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bh_vsnprintf(host_msg_last, sizeof(host_msg_last), fmt, ap);
	va_end(ap);
	host_msg_level = level;
	host_msg_calls++;
	if (verbose()) {
		fprintf(stderr, "bulkhead[%d]: %s\n", level, host_msg_last);
	}
}

void log_raw(const char *fmt, ...)
{
	char buf[HOST_FAKES_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	int n = bh_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	host_raw_calls++;
	size_t len = strlen(buf);
	if (n < 0 || (size_t)n != len) {
		/* The line itself did not fit in buf. */
		host_raw_overflow = 1;
	}
	if (len >= sizeof(host_raw_text) - host_raw_len) {
		len = sizeof(host_raw_text) - host_raw_len - 1u;
		host_raw_overflow = 1;
	}
	memcpy(host_raw_text + host_raw_len, buf, len);
	host_raw_len += len;
	host_raw_text[host_raw_len] = '\0';
	if (verbose()) {
		fputs(buf, stderr);
	}
}

void log_tagged_line(const void *src, const char *tag, const char *text)
{
	(void)src;
	log_raw("[%s] %s\n", tag, text);
}

char host_partial_text[HOST_FAKES_LINE_MAX];
unsigned int host_partial_calls;

void log_tagged_partial(const void *src, const char *tag, const char *text, unsigned int len)
{
	(void)src;
	bh_snprintf(host_partial_text, sizeof(host_partial_text), "[%s] %s", tag, text);
	if (len < strlen(text)) {
		host_raw_overflow = 1;   /* the caller must show what it holds */
	}
	host_partial_calls++;
}

void log_hand_over(const char *who)
{
	log_raw("console handed over to %s\n", who);
}

void log_tagged_close(const void *src)
{
	(void)src;
}

void log_lock(void)
{
	lock_depth++;
}

void log_unlock(void)
{
	if (lock_depth > 0) {
		lock_depth--;
	}
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
	char msg[HOST_FAKES_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	bh_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bh_snprintf(host_fakes_panic_last, sizeof(host_fakes_panic_last), "%s:%d: %s", file, line,
		    msg);
	fprintf(stderr, "bulkhead: PANIC at %s\n", host_fakes_panic_last);
	/* Returns only outside a cmocka test; jumps out of the test otherwise. */
	mock_assert(0, msg, file, line);
	abort();
}
