/*
 * The scheduler's pure logic: tasks, ready queues, wait queues, mutex
 * ownership with priority inheritance. No hardware access and no locking:
 * the kernel (kernel.c) calls these with interrupts masked and does the
 * context switch itself. Compiled on the host by tests/unit/test_rtos_sched.c.
 *
 * Priorities: 0 (idle) .. RTOS_NPRIO - 1, a larger number runs first.
 */
#ifndef RTOS_SCHED_H
#define RTOS_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "timerlist.h"

#define RTOS_NPRIO 32
/* Longest chain of blocked mutex owners priority inheritance follows. */
#define RTOS_PI_MAX_DEPTH 16

enum task_state {
	TASK_UNUSED = 0,
	TASK_READY,     /* in the ready queue (the running task is too) */
	TASK_BLOCKED,   /* in a wait queue (semaphore, mutex, message queue) */
	TASK_SLEEPING,  /* only its timer will wake it */
	TASK_DEAD,      /* returned, or stopped after a fault */
};

struct mutex;
struct waitq;

struct task {
	uint64_t ctx[CTX_SIZE / 8];  /* must stay first: start.S saves here */
	const char *name;
	uint8_t base_prio;           /* as created */
	uint8_t prio;                /* effective: base raised by inheritance */
	enum task_state state;
	/* Ready queue: circular list of the tasks of one priority. */
	struct task *rq_next;
	struct task *rq_prev;
	/* Wait queue membership (priority order). */
	struct waitq *wq;
	struct task *wq_next;
	struct task *wq_prev;
	struct mutex *blocked_on;    /* the mutex it waits for, if any */
	struct mutex *held;          /* mutexes it owns (singly linked) */
	struct timer timer;          /* sleeps and periodic releases */
	void *wait_buf;              /* message queue: where a message goes or comes from */
	int wait_result;
	uintptr_t stack_lo;          /* usable stack, [lo, hi) */
	uintptr_t stack_hi;
	uintptr_t guard_lo;          /* the unmapped page below it */
	uint32_t dispatches;         /* times it was switched in */
};

struct waitq {
	struct task *head;           /* highest priority first, FIFO among equals */
};

struct mutex {
	struct task *owner;
	struct waitq waiters;
	struct mutex *next_held;     /* in the owner's held list */
};

struct sched {
	uint32_t ready_bitmap;       /* bit p set: some task of priority p is ready */
	struct task *ready[RTOS_NPRIO];
};

/* Ready queues. The running task stays in its queue, at the head. */
void rq_add_tail(struct sched *s, struct task *t);
void rq_add_head(struct sched *s, struct task *t);
void rq_remove(struct sched *s, struct task *t);
struct task *rq_highest(const struct sched *s);
/* Round robin: the head of priority p goes to the tail. */
void rq_rotate(struct sched *s, unsigned p);
/* Whether another task shares t's priority level (a time slice is due). */
bool rq_has_peer(const struct sched *s, const struct task *t);

/* Wait queues. */
void waitq_insert(struct waitq *q, struct task *t);
void waitq_remove(struct task *t);
struct task *waitq_first(const struct waitq *q);

/* Leaves the ready queue for a wait queue (q may be NULL: a sleep). */
void sched_block(struct sched *s, struct task *t, struct waitq *q, enum task_state st);
/* Back to the ready queue, at the tail of its priority. */
void sched_wake(struct sched *s, struct task *t);

/* Changes t's effective priority, keeping its ready or wait queue ordered;
 * running says whether t is the running task (it then stays at the head). */
void sched_set_prio(struct sched *s, struct task *t, uint8_t prio, bool running);
/* Recomputes the effective priority of t and, through the chain of mutex
 * owners it waits for, of every task it raises or restores. */
void sched_pi_update(struct sched *s, struct task *t, const struct task *running);

/*
 * Mutexes. Lock returns true when t got the mutex, false when t was blocked
 * (queued as a waiter, inheritance applied). Unlock hands the mutex to the
 * highest waiter and returns it (now ready), or NULL; the previous owner's
 * priority is restored. Errors: locking a mutex one holds, unlocking one
 * held by another (both return without effect; see the kernel wrappers).
 */
bool sched_mutex_lock(struct sched *s, struct mutex *m, struct task *t);
struct task *sched_mutex_unlock(struct sched *s, struct mutex *m, struct task *running);

#endif
