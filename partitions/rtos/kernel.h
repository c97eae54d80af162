/*
 * Kernel internals shared by the target-only files (not the task API).
 */
#ifndef RTOS_KERNEL_H
#define RTOS_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "rtos.h"

/* Whether a caller runs as a task (the scheduler started, not in a trap). */
bool kernel_in_task(void);
/* Whether the 4 KiB page at pa is a stack guard page (left unmapped). */
bool kernel_is_guard_page(uintptr_t pa);
/* The exception stack's top (start.S) and its bounds for the MMU. */
extern uint8_t rtos_kstack[];
/* The virtual timer's interrupt handler. */
void kernel_timer_irq(uint32_t intid, void *arg);

/* gic.c */
void gic_dispatch(void);

/* start.S */
void rtos_start_first(uint64_t *ctx) __attribute__((noreturn));
void rtos_halt(void) __attribute__((noreturn));

/* pl011.c: print without the console mutex (traps, boot). */
void console_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
