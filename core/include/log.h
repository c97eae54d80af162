/*
 * Hypervisor console output. Every line starts with "bulkhead: " so a reader
 * (and tests/qemu) can tell the hypervisor's words from a partition's.
 * Lines from different cores never interleave: a line is formatted into a
 * buffer first and written under the console lock.
 */
#ifndef BULKHEAD_LOG_H
#define BULKHEAD_LOG_H

#include "config.h"

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

#define LOG_ERROR(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_WARN(...)  do { if (CONFIG_LOG_LEVEL >= LOG_LEVEL_WARN) { log_write(LOG_LEVEL_WARN, __VA_ARGS__); } } while (0)
#define LOG_INFO(...)  do { if (CONFIG_LOG_LEVEL >= LOG_LEVEL_INFO) { log_write(LOG_LEVEL_INFO, __VA_ARGS__); } } while (0)
#define LOG_DEBUG(...) do { if (CONFIG_LOG_LEVEL >= LOG_LEVEL_DEBUG) { log_write(LOG_LEVEL_DEBUG, __VA_ARGS__); } } while (0)

#endif /* BULKHEAD_LOG_H */
