/*
 * The timer list: armed timers in deadline order, earliest first. Pure logic
 * (no hardware), compiled on the host by tests/unit/test_rtos_timerlist.c.
 * The kernel programs the virtual timer for the head's deadline only.
 */
#ifndef RTOS_TIMERLIST_H
#define RTOS_TIMERLIST_H

#include <stdbool.h>
#include <stdint.h>

struct timer;
typedef void (*timer_fn)(struct timer *t);

struct timer {
	uint64_t deadline;   /* counter ticks (CNTVCT) */
	timer_fn fn;         /* called in interrupt context when it expires */
	void *arg;
	struct timer *next;
	struct timer *prev;
	bool armed;
};

struct timerlist {
	struct timer *head;
};

/* Inserts t in deadline order; after timers with the same deadline (FIFO). */
void tl_insert(struct timerlist *tl, struct timer *t, uint64_t deadline);
/* Removes t if armed; harmless if not. */
void tl_remove(struct timerlist *tl, struct timer *t);
/* The earliest armed timer, or NULL. */
struct timer *tl_earliest(const struct timerlist *tl);
/* Removes and returns the earliest timer if its deadline is <= now, else NULL. */
struct timer *tl_pop_expired(struct timerlist *tl, uint64_t now);

#endif
