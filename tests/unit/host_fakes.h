/*
 * Console and panic fakes for host unit tests. They keep the whole
 * log_raw() transcript and count calls, so tests check exactly
 * which lines were emitted and how many. Defines log_write, log_raw,
 * log_lock, log_unlock and panic_at.
 */
#ifndef BULKHEAD_TESTS_HOST_FAKES_H
#define BULKHEAD_TESTS_HOST_FAKES_H

#include <stddef.h>

#define HOST_FAKES_LINE_MAX 512
#define HOST_FAKES_RAW_MAX 8192

/* Everything log_raw() printed since the reset, concatenated. */
extern char host_raw_text[HOST_FAKES_RAW_MAX];
/* Length of host_raw_text, and whether some text did not fit. */
extern size_t host_raw_len;
extern int host_raw_overflow;
/* Number of log_raw() calls since the reset. */
extern unsigned int host_raw_calls;

/* log_tagged_line() goes into the log_raw() transcript as "[tag] text\n";
 * log_tagged_partial() leaves its last "[tag] partial" here, and counts. */
extern char host_partial_text[HOST_FAKES_LINE_MAX];
extern unsigned int host_partial_calls;

/* Last log_write() message (no prefix, no newline), its level (-1 if none)
 * and the number of log_write() calls since the reset. */
extern char host_msg_last[HOST_FAKES_LINE_MAX];
extern int host_msg_level;
extern unsigned int host_msg_calls;

/* Last panic_at() message ("file:line: message"). */
extern char host_fakes_panic_last[HOST_FAKES_LINE_MAX];

/* Forgets everything recorded so far. */
void host_fakes_reset(void);

#endif /* BULKHEAD_TESTS_HOST_FAKES_H */
