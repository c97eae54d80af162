/*
 * Host stand-ins for the hypervisor's console and panic (core/log.c,
 * core/panic.c). Unit tests link tests/unit/host_log.c instead of those and
 * read what the code under test logged from the globals below.
 */
#ifndef BULKHEAD_TESTS_HOST_LOG_H
#define BULKHEAD_TESTS_HOST_LOG_H

#define HOST_LOG_LINE_MAX 512

/* Text of the last log_write() message, without prefix or newline. */
extern char host_log_last[HOST_LOG_LINE_MAX];
/* Its level (LOG_LEVEL_*), or -1 if nothing was logged since the reset. */
extern int host_log_last_level;
/* Number of log_write() calls since the reset. */
extern unsigned int host_log_count;
/* Text of the last log_raw() call. */
extern char host_log_raw_last[HOST_LOG_LINE_MAX];
/* Text of the last panic_at() message ("file:line: message"). */
extern char host_panic_last[HOST_LOG_LINE_MAX];

/* Forgets everything logged so far. */
void host_log_reset(void);

#endif /* BULKHEAD_TESTS_HOST_LOG_H */
