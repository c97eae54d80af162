/*
 * panic() and CHECK(): an impossible state in the hypervisor stops the core
 * with context (file, line, the condition, a message), never a silent spin.
 * CHECK stays in release builds; DCHECK is for costly checks and only exists
 * with CONFIG_DEBUG.
 */
#ifndef BULKHEAD_CHECK_H
#define BULKHEAD_CHECK_H

#include "config.h"

void panic_at(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond, ...) do {                                               \
	if (!(cond)) {                                                      \
		panic_at(__FILE__, __LINE__, "CHECK(" #cond ") failed: " __VA_ARGS__); \
	}                                                                   \
} while (0)

#if CONFIG_DEBUG
#define DCHECK(cond, ...) CHECK(cond, __VA_ARGS__)
#else
#define DCHECK(cond, ...) do { } while (0)
#endif

#endif /* BULKHEAD_CHECK_H */
