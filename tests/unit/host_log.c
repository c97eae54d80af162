/*
 * Host versions of log_write/log_raw/log_lock/log_unlock (core/log.c) and
 * panic_at (core/panic.c). Messages are formatted with the hypervisor's own
 * bh_vsnprintf and kept for the test to inspect; set BH_HOST_LOG=1 in the
 * environment to also see them on stderr. panic_at reports through cmocka's
 * mock_assert, so a test can expect a panic with expect_assert_failure();
 * an unexpected panic fails the running test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "check.h"
#include "fmt.h"
#include "log.h"
#include "host_log.h"

char host_log_last[HOST_LOG_LINE_MAX];
int host_log_last_level = -1;
unsigned int host_log_count;
char host_log_raw_last[HOST_LOG_LINE_MAX];
char host_panic_last[HOST_LOG_LINE_MAX];

static unsigned int lock_depth;

static int verbose(void)
{
	const char *v = getenv("BH_HOST_LOG");
	return v != NULL && v[0] != '\0' && v[0] != '0';
}

void host_log_reset(void)
{
	host_log_last[0] = '\0';
	host_log_last_level = -1;
	host_log_count = 0;
	host_log_raw_last[0] = '\0';
	host_panic_last[0] = '\0';
	lock_depth = 0;
}

void log_write(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bh_vsnprintf(host_log_last, sizeof(host_log_last), fmt, ap);
	va_end(ap);
	host_log_last_level = level;
	host_log_count++;
	if (verbose()) {
		fprintf(stderr, "bulkhead[%d]: %s\n", level, host_log_last);
	}
}

void log_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bh_vsnprintf(host_log_raw_last, sizeof(host_log_raw_last), fmt, ap);
	va_end(ap);
	if (verbose()) {
		fputs(host_log_raw_last, stderr);
	}
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
	char msg[HOST_LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	bh_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bh_snprintf(host_panic_last, sizeof(host_panic_last), "%s:%d: %s", file, line, msg);
	fprintf(stderr, "bulkhead: PANIC at %s\n", host_panic_last);
	/* Returns only outside a cmocka test; jumps out of the test otherwise. */
	mock_assert(0, msg, file, line);
	abort();
}
