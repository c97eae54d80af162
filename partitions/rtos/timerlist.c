/*
 * Timer list: a doubly linked list sorted by deadline. Insertion is O(n) in
 * the number of armed timers (a handful here), the earliest deadline and
 * removal are O(1).
 */
#include <stddef.h>

#include "timerlist.h"

void tl_insert(struct timerlist *tl, struct timer *t, uint64_t deadline)
{
	struct timer *prev = NULL;
	struct timer *cur;

	if (t->armed) {
		tl_remove(tl, t);
	}
	t->deadline = deadline;
	cur = tl->head;
	/* Stop at the first later deadline: equal deadlines keep arrival order. */
	while (cur != NULL && cur->deadline <= deadline) {
		prev = cur;
		cur = cur->next;
	}
	t->prev = prev;
	t->next = cur;
	if (cur != NULL) {
		cur->prev = t;
	}
	if (prev != NULL) {
		prev->next = t;
	} else {
		tl->head = t;
	}
	t->armed = true;
}

void tl_remove(struct timerlist *tl, struct timer *t)
{
	if (!t->armed) {
		return;
	}
	if (t->prev != NULL) {
		t->prev->next = t->next;
	} else {
		tl->head = t->next;
	}
	if (t->next != NULL) {
		t->next->prev = t->prev;
	}
	t->next = NULL;
	t->prev = NULL;
	t->armed = false;
}

struct timer *tl_earliest(const struct timerlist *tl)
{
	return tl->head;
}

struct timer *tl_pop_expired(struct timerlist *tl, uint64_t now)
{
	struct timer *t = tl->head;

	if (t == NULL || t->deadline > now) {
		return NULL;
	}
	tl_remove(tl, t);
	return t;
}
