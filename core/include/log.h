/*
 * Hypervisor console output. Every line starts with "bulkhead: " so a reader
 * (and tests/qemu) can tell the hypervisor's words from a partition's.
 * Lines from different cores never interleave: a line is formatted into a
 * buffer first and written under the console lock.
 */
#ifndef BULKHEAD_LOG_H
#define BULKHEAD_LOG_H

#include <stdint.h>

#include "config.h"
#include "spinlock.h"

#define LOG_LEVEL_ERROR 0
#define LOG_LEVEL_WARN  1
#define LOG_LEVEL_INFO  2
#define LOG_LEVEL_DEBUG 3

void log_init(void);
void log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hold the console across several lines (a fault dump) so they stay together. */
void log_lock(void);
void log_unlock(void);
/* Raw text, no prefix; the caller formats whole lines (fault dumps, banners). */
void log_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A partition's console lines, "[tag] text". src identifies the source (its
 * emulated UART). A source with the console's focus shows its line as it is
 * written (a shell's prompt has no newline yet): log_tagged_partial() puts
 * out what is new since its last call and leaves the line open. Any other
 * line (the hypervisor's, another partition's) first ends the open line,
 * and when the console is released the open line is shown again whole
 * (tag and text) below it: every line on the console is one source's, and
 * the prompt stays at the bottom. text holds no newline.
 */
void log_tagged_line(const void *src, const char *tag, const char *text);
void log_tagged_partial(const void *src, const char *tag, const char *text, unsigned int len);
/* The board's UART is partition `who`'s from now on (console =
 * "passthrough"): one last line says so, then every line of the hypervisor
 * and of emulated consoles is dropped. Called as that partition starts. */
void log_hand_over(const char *who);
/* src no longer shows its partial line (it lost the focus): the console
 * line it had open is ended; its line comes out whole when it ends. */
void log_tagged_close(const void *src);

/*
 * Lines a partition can cause (its faults, its refused calls, its restarts,
 * its watchdog) are rate-limited in time, per partition: a token bucket in
 * system-counter ticks. LOG_LIMIT_BURST lines may go out at once, then one
 * every 1/LOG_LIMIT_PER_S seconds; a refused line is counted, and the count
 * is handed to the caller for one summary line at most every
 * LOG_LIMIT_SUMMARY_S seconds. So a partition looping on a fault or a
 * refused call gets at most LOG_LIMIT_PER_S + 1 lines a second onto the
 * console after its burst, whatever the rate it traps at.
 */
#define LOG_LIMIT_BURST         16u
#define LOG_LIMIT_PER_S         4u
#define LOG_LIMIT_SUMMARY_S     1u

struct log_limit {
	spinlock_t lock;
	uint32_t started;            /* zero-initialised state is "never used" */
	uint32_t tokens;             /* lines that may go out now */
	uint64_t refill_stamp;       /* counter value tokens were brought up to */
	uint64_t summary_stamp;      /* counter value of the last summary */
	uint32_t suppressed;         /* refused since the last summary */
	uint32_t suppressed_total;   /* refused since boot */
};

/* One line more at counter value now (freq ticks a second): 1 if it may be
 * printed, 0 if it is suppressed (and counted). When 1, *summary is the
 * number of lines suppressed since the last summary if a summary is due
 * (the caller prints it first), else 0 and the count carries on. */
int log_limit_take(struct log_limit *l, uint64_t now, uint64_t freq, uint32_t *summary);
/* Takes whatever has been suppressed and not yet summarised: for a last
 * summary when the source goes quiet for good (a partition stops). */
uint32_t log_limit_flush(struct log_limit *l, uint64_t now);

#define LOG_ERROR(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_WARN(...)  do { if (CONFIG_LOG_LEVEL >= LOG_LEVEL_WARN) { log_write(LOG_LEVEL_WARN, __VA_ARGS__); } } while (0)
#define LOG_INFO(...)  do { if (CONFIG_LOG_LEVEL >= LOG_LEVEL_INFO) { log_write(LOG_LEVEL_INFO, __VA_ARGS__); } } while (0)
#define LOG_DEBUG(...) do { if (CONFIG_LOG_LEVEL >= LOG_LEVEL_DEBUG) { log_write(LOG_LEVEL_DEBUG, __VA_ARGS__); } } while (0)

#ifdef CONFIG_DEBUG_FAULT_TRIGGER
/* Makes this core fault in the middle of its next console line, with the
 * console held (a test of the fault dump's own use of the console). */
void log_debug_fault_in_next_line(void);
#endif

#endif /* BULKHEAD_LOG_H */
