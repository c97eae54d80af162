/*
 * Ready queues, wait queues and priority inheritance: see sched.h.
 */
#include "sched.h"

/* ---- ready queues ---------------------------------------------------------- */

static void rq_link(struct sched *s, struct task *t, bool at_head)
{
	struct task *h = s->ready[t->prio];

	if (h == NULL) {
		t->rq_next = t;
		t->rq_prev = t;
		s->ready[t->prio] = t;
		s->ready_bitmap |= 1u << t->prio;
		return;
	}
	/* Before the head of a circular list is its tail. */
	t->rq_next = h;
	t->rq_prev = h->rq_prev;
	h->rq_prev->rq_next = t;
	h->rq_prev = t;
	if (at_head) {
		s->ready[t->prio] = t;
	}
}

void rq_add_tail(struct sched *s, struct task *t)
{
	rq_link(s, t, false);
}

void rq_add_head(struct sched *s, struct task *t)
{
	rq_link(s, t, true);
}

void rq_remove(struct sched *s, struct task *t)
{
	unsigned p = t->prio;

	if (t->rq_next == NULL) {
		return; /* not queued */
	}
	if (t->rq_next == t) {
		s->ready[p] = NULL;
		s->ready_bitmap &= ~(1u << p);
	} else {
		t->rq_prev->rq_next = t->rq_next;
		t->rq_next->rq_prev = t->rq_prev;
		if (s->ready[p] == t) {
			s->ready[p] = t->rq_next;
		}
	}
	t->rq_next = NULL;
	t->rq_prev = NULL;
}

struct task *rq_highest(const struct sched *s)
{
	if (s->ready_bitmap == 0) {
		return NULL;
	}
	/* Highest set bit: 31 - count of leading zeros. */
	return s->ready[31 - __builtin_clz(s->ready_bitmap)];
}

void rq_rotate(struct sched *s, unsigned p)
{
	if (s->ready[p] != NULL) {
		s->ready[p] = s->ready[p]->rq_next;
	}
}

bool rq_has_peer(const struct sched *s, const struct task *t)
{
	(void)s;
	return t->rq_next != NULL && t->rq_next != t;
}

/* ---- wait queues -------------------------------------------------------------- */

void waitq_insert(struct waitq *q, struct task *t)
{
	struct task *prev = NULL;
	struct task *cur = q->head;

	/* After every task of the same or higher priority: FIFO among equals. */
	while (cur != NULL && cur->prio >= t->prio) {
		prev = cur;
		cur = cur->wq_next;
	}
	t->wq_prev = prev;
	t->wq_next = cur;
	if (cur != NULL) {
		cur->wq_prev = t;
	}
	if (prev != NULL) {
		prev->wq_next = t;
	} else {
		q->head = t;
	}
	t->wq = q;
}

void waitq_remove(struct task *t)
{
	struct waitq *q = t->wq;

	if (q == NULL) {
		return;
	}
	if (t->wq_prev != NULL) {
		t->wq_prev->wq_next = t->wq_next;
	} else {
		q->head = t->wq_next;
	}
	if (t->wq_next != NULL) {
		t->wq_next->wq_prev = t->wq_prev;
	}
	t->wq = NULL;
	t->wq_next = NULL;
	t->wq_prev = NULL;
}

struct task *waitq_first(const struct waitq *q)
{
	return q->head;
}

/* ---- blocking and waking --------------------------------------------------------- */

void sched_block(struct sched *s, struct task *t, struct waitq *q, enum task_state st)
{
	rq_remove(s, t);
	t->state = st;
	if (q != NULL) {
		waitq_insert(q, t);
	}
}

void sched_wake(struct sched *s, struct task *t)
{
	waitq_remove(t);
	t->state = TASK_READY;
	rq_add_tail(s, t);
}

/* ---- priorities and inheritance ------------------------------------------------- */

void sched_set_prio(struct sched *s, struct task *t, uint8_t prio, bool running)
{
	if (t->prio == prio) {
		return;
	}
	if (t->state == TASK_READY) {
		rq_remove(s, t);
		t->prio = prio;
		/* The running task keeps the processor at its new level; another
		 * ready task queues behind its new equals. */
		if (running) {
			rq_add_head(s, t);
		} else {
			rq_add_tail(s, t);
		}
	} else if (t->wq != NULL) {
		/* Re-sort it among the other waiters of its queue. */
		struct waitq *q = t->wq;
		waitq_remove(t);
		t->prio = prio;
		waitq_insert(q, t);
	} else {
		t->prio = prio;
	}
}

/* Base priority raised to the highest waiter of every mutex t holds. */
static uint8_t inherited_prio(const struct task *t)
{
	uint8_t p = t->base_prio;
	const struct mutex *m;

	for (m = t->held; m != NULL; m = m->next_held) {
		const struct task *w = waitq_first(&m->waiters);
		if (w != NULL && w->prio > p) {
			p = w->prio;
		}
	}
	return p;
}

void sched_pi_update(struct sched *s, struct task *t, const struct task *running)
{
	unsigned depth;

	/* Walk owner to owner: a change in t's priority changes the top waiter
	 * of the mutex t waits for, and so that mutex owner's priority. */
	for (depth = 0; t != NULL && depth < RTOS_PI_MAX_DEPTH; depth++) {
		uint8_t p = inherited_prio(t);
		if (p == t->prio) {
			return;
		}
		/* A raised task goes ahead of its new equals (it holds up someone
		 * more urgent); a lowered one only if it is the running task. */
		sched_set_prio(s, t, p, p > t->prio || t == running);
		if (t->blocked_on == NULL) {
			return;
		}
		t = t->blocked_on->owner;
	}
}

/* ---- mutexes ------------------------------------------------------------------- */

static void held_remove(struct task *t, struct mutex *m)
{
	struct mutex **pp;

	for (pp = &t->held; *pp != NULL; pp = &(*pp)->next_held) {
		if (*pp == m) {
			*pp = m->next_held;
			m->next_held = NULL;
			return;
		}
	}
}

static void held_add(struct task *t, struct mutex *m)
{
	m->next_held = t->held;
	t->held = m;
}

bool sched_mutex_lock(struct sched *s, struct mutex *m, struct task *t)
{
	if (m->owner == NULL) {
		m->owner = t;
		held_add(t, m);
		return true;
	}
	if (m->owner == t) {
		return true; /* already ours: the kernel wrapper reports it */
	}
	t->blocked_on = m;
	sched_block(s, t, &m->waiters, TASK_BLOCKED);
	sched_pi_update(s, m->owner, t);
	return false;
}

struct task *sched_mutex_unlock(struct sched *s, struct mutex *m, struct task *running)
{
	struct task *old = m->owner;
	struct task *w;

	if (old == NULL || old != running) {
		return NULL;
	}
	held_remove(old, m);
	w = waitq_first(&m->waiters);
	m->owner = w;
	if (w != NULL) {
		waitq_remove(w);
		w->blocked_on = NULL;
		held_add(w, m);
		w->state = TASK_READY;
		rq_add_tail(s, w);
	}
	/* The old owner drops to what its remaining mutexes justify; the new
	 * one inherits from the waiters still queued on m. */
	sched_pi_update(s, old, running);
	if (w != NULL) {
		sched_pi_update(s, w, running);
	}
	return w;
}
