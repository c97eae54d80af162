/*
 * The RTOS's kernel interface for tasks and interrupt handlers.
 * All objects are static: create them at start-up, never free them.
 */
#ifndef RTOS_H
#define RTOS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched.h"

#define RTOS_MAX_TASKS 16
/* Usable stack per task; an unmapped guard page lies below each. */
#define RTOS_TASK_STACK_SIZE 8192
/* Round-robin time slice among tasks of equal priority, in microseconds. */
#define RTOS_SLICE_US 5000

#define RTOS_OK 0
#define RTOS_ERR_FULL (-1)
#define RTOS_ERR_STATE (-2)

typedef void (*task_fn)(void *arg);

struct sem {
	uint32_t count;
	struct waitq waiters;
};

struct queue {
	uint8_t *buf;        /* capacity * msg_size bytes, static */
	size_t msg_size;
	size_t capacity;
	size_t head;         /* oldest message */
	size_t count;
	struct waitq senders;
	struct waitq receivers;
};

/* Defines a statically allocated message queue NAME. */
#define QUEUE_DEFINE(name, type, cap) \
	static uint8_t name##_storage[(cap) * sizeof(type)]; \
	static struct queue name = { .buf = name##_storage, .msg_size = sizeof(type), .capacity = (cap) }

struct period {
	uint64_t next_release;   /* the intended release of the job being waited for */
	uint64_t period;         /* ticks */
};

/* Kernel start-up (main.c). */
void kernel_init(void);
struct task *task_create(const char *name, uint8_t prio, task_fn fn, void *arg);
void kernel_start(void) __attribute__((noreturn));

/* Time. */
uint64_t rtos_now(void);
uint64_t rtos_freq(void);
uint64_t rtos_us_to_ticks(uint64_t us);
void task_sleep_until(uint64_t deadline);
void task_sleep_us(uint64_t us);
void task_yield(void);
struct task *task_self(void);

/* Periodic release: period_start sets the first release at now + period;
 * period_wait sleeps until the next release. If that release has already
 * passed, it and every other passed release are counted in *missed and the
 * wait is for the first release still ahead. Returns the intended release
 * the task was woken for. */
void period_start(struct period *p, uint64_t period_ticks);
uint64_t period_wait(struct period *p, uint32_t *missed);

/* A kernel timer whose fn runs in interrupt context at deadline. */
void ktimer_start(struct timer *t, uint64_t deadline, timer_fn fn, void *arg);

/* Semaphores. Give may be called from interrupt handlers. */
void sem_init(struct sem *s, uint32_t count);
void sem_take(struct sem *s);
void sem_give(struct sem *s);

/* Mutexes with priority inheritance. Tasks only. */
void mutex_init(struct mutex *m);
int mutex_lock(struct mutex *m);
int mutex_unlock(struct mutex *m);

/* Message queues: copies of fixed-size messages. queue_send blocks while
 * full; queue_try_send returns RTOS_ERR_FULL instead, so interrupt handlers
 * (and tasks that must not block) use it. */
void queue_send(struct queue *q, const void *msg);
int queue_try_send(struct queue *q, const void *msg);
void queue_recv(struct queue *q, void *msg);

/* Interrupt handlers (gic.c dispatches). */
typedef void (*irq_fn)(uint32_t intid, void *arg);
int irq_register(uint32_t intid, irq_fn fn, void *arg);

/* Console (pl011.c): a printf that holds the console mutex in task context,
 * so lines of different tasks never mix. Integer formats only. */
int rtos_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Several prints as one: lock, rtos_vprintf..., unlock. */
void console_lock(void);
void console_unlock(void);
int rtos_vprintf(const char *fmt, va_list ap);

#endif
