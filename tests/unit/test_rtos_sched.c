/*
 * Host tests of the RTOS scheduler's pure logic (partitions/rtos/sched.c):
 * ready queues (priority order, round robin), wait queues, and priority
 * inheritance through chains of blocked mutex owners.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched.h"

static struct sched s;
static struct task tasks[8];

static struct task *mk(unsigned i, uint8_t prio)
{
	struct task *t = &tasks[i];

	memset(t, 0, sizeof(*t));
	t->base_prio = prio;
	t->prio = prio;
	t->state = TASK_READY;
	rq_add_tail(&s, t);
	return t;
}

static int setup(void **state)
{
	(void)state;
	memset(&s, 0, sizeof(s));
	memset(tasks, 0, sizeof(tasks));
	return 0;
}

static void test_rq_priority_order(void **state)
{
	struct task *a = mk(0, 3);
	struct task *b = mk(1, 7);
	struct task *c = mk(2, 5);

	(void)state;
	assert_ptr_equal(rq_highest(&s), b);
	rq_remove(&s, b);
	assert_ptr_equal(rq_highest(&s), c);
	rq_remove(&s, c);
	assert_ptr_equal(rq_highest(&s), a);
	rq_remove(&s, a);
	assert_null(rq_highest(&s));
	assert_int_equal(s.ready_bitmap, 0);
	/* Removing twice is harmless. */
	rq_remove(&s, a);
	assert_null(rq_highest(&s));
}

static void test_rq_round_robin(void **state)
{
	struct task *a = mk(0, 4);
	struct task *b = mk(1, 4);
	struct task *c = mk(2, 4);
	struct task *low = mk(3, 1);

	(void)state;
	assert_true(rq_has_peer(&s, a));
	assert_false(rq_has_peer(&s, low));
	assert_ptr_equal(rq_highest(&s), a);
	rq_rotate(&s, 4);
	assert_ptr_equal(rq_highest(&s), b);
	rq_rotate(&s, 4);
	assert_ptr_equal(rq_highest(&s), c);
	rq_rotate(&s, 4);
	assert_ptr_equal(rq_highest(&s), a);
	/* The head leaving passes the turn to the next one, not back. */
	rq_rotate(&s, 4);
	rq_remove(&s, b);
	assert_ptr_equal(rq_highest(&s), c);
	rq_rotate(&s, 4);
	assert_ptr_equal(rq_highest(&s), a);
	/* A woken task queues at the tail; a preempted one keeps the head. */
	rq_add_tail(&s, b);
	assert_ptr_equal(rq_highest(&s), a);
	rq_rotate(&s, 4);
	assert_ptr_equal(rq_highest(&s), c);
	rq_remove(&s, a);
	rq_add_head(&s, a);
	assert_ptr_equal(rq_highest(&s), a);
	rq_rotate(&s, 4);
	assert_ptr_equal(rq_highest(&s), c);
	rq_rotate(&s, 4);
	assert_ptr_equal(rq_highest(&s), b);
}

static void test_waitq_order(void **state)
{
	struct waitq q = { 0 };
	struct task *a = mk(0, 3);
	struct task *b = mk(1, 6);
	struct task *c = mk(2, 3);
	struct task *d = mk(3, 9);

	(void)state;
	sched_block(&s, a, &q, TASK_BLOCKED);
	sched_block(&s, b, &q, TASK_BLOCKED);
	sched_block(&s, c, &q, TASK_BLOCKED);
	sched_block(&s, d, &q, TASK_BLOCKED);
	assert_null(rq_highest(&s));
	/* Highest first, FIFO among equals: d, b, a, c. */
	assert_ptr_equal(waitq_first(&q), d);
	sched_wake(&s, d);
	assert_ptr_equal(waitq_first(&q), b);
	sched_wake(&s, b);
	assert_ptr_equal(waitq_first(&q), a);
	sched_wake(&s, a);
	assert_ptr_equal(waitq_first(&q), c);
	sched_wake(&s, c);
	assert_null(waitq_first(&q));
	assert_ptr_equal(rq_highest(&s), d);
	assert_int_equal(c->state, TASK_READY);
}

/*
 * Three levels: L holds m1; M holds m2 and waits for m1; H waits for m2.
 * H's priority must reach L through M; releases restore each in turn.
 */
static void test_pi_chain_three_levels(void **state)
{
	struct mutex m1 = { 0 };
	struct mutex m2 = { 0 };
	struct task *l = mk(0, 2);
	struct task *m = mk(1, 5);
	struct task *h = mk(2, 9);

	(void)state;
	assert_true(sched_mutex_lock(&s, &m1, l));
	assert_true(sched_mutex_lock(&s, &m2, m));

	/* M blocks on m1: L inherits 5. */
	assert_false(sched_mutex_lock(&s, &m1, m));
	assert_int_equal(m->state, TASK_BLOCKED);
	assert_ptr_equal(m->blocked_on, &m1);
	assert_int_equal(l->prio, 5);
	assert_int_equal(l->base_prio, 2);

	/* H blocks on m2: M inherits 9 (while blocked), and through m1 L too. */
	assert_false(sched_mutex_lock(&s, &m2, h));
	assert_int_equal(m->prio, 9);
	assert_int_equal(l->prio, 9);
	/* L is the only ready task and runs at H's priority. */
	assert_ptr_equal(rq_highest(&s), l);
	assert_int_equal(s.ready_bitmap, 1u << 9);

	/* L releases m1: M owns it and runs; L drops back to its base. */
	assert_ptr_equal(sched_mutex_unlock(&s, &m1, l), m);
	assert_ptr_equal(m1.owner, m);
	assert_int_equal(m->state, TASK_READY);
	assert_null(m->blocked_on);
	assert_int_equal(l->prio, 2);
	assert_int_equal(m->prio, 9);
	assert_ptr_equal(rq_highest(&s), m);

	/* M releases m2: H gets it; M keeps 5 (m1 has no waiter). */
	assert_ptr_equal(sched_mutex_unlock(&s, &m2, m), h);
	assert_int_equal(m->prio, 5);
	assert_int_equal(h->prio, 9);
	assert_ptr_equal(rq_highest(&s), h);
	assert_ptr_equal(sched_mutex_unlock(&s, &m2, h), NULL);
	assert_null(m2.owner);
	assert_ptr_equal(sched_mutex_unlock(&s, &m1, m), NULL);
	assert_null(m1.owner);
	assert_int_equal(l->prio, 2);
	assert_int_equal(m->prio, 5);
	assert_int_equal(h->prio, 9);
}

/* One owner, two mutexes with waiters of different priorities: releasing
 * them in either order leaves it at what the remaining one justifies. */
static void test_pi_release_order(void **state)
{
	struct mutex m1 = { 0 };
	struct mutex m2 = { 0 };
	struct task *l = mk(0, 2);
	struct task *x = mk(1, 6);
	struct task *y = mk(2, 8);

	(void)state;
	assert_true(sched_mutex_lock(&s, &m1, l));
	assert_true(sched_mutex_lock(&s, &m2, l));
	assert_false(sched_mutex_lock(&s, &m1, x));
	assert_int_equal(l->prio, 6);
	assert_false(sched_mutex_lock(&s, &m2, y));
	assert_int_equal(l->prio, 8);

	/* Release the one the higher waiter wants first: down to 6. */
	assert_ptr_equal(sched_mutex_unlock(&s, &m2, l), y);
	assert_int_equal(l->prio, 6);
	assert_ptr_equal(sched_mutex_unlock(&s, &m1, l), x);
	assert_int_equal(l->prio, 2);

	/* And the other order: x and y give theirs back, l takes both again. */
	assert_null(sched_mutex_unlock(&s, &m1, x));
	assert_null(sched_mutex_unlock(&s, &m2, y));
	assert_true(sched_mutex_lock(&s, &m1, l));
	assert_true(sched_mutex_lock(&s, &m2, l));
	assert_false(sched_mutex_lock(&s, &m1, x));
	assert_false(sched_mutex_lock(&s, &m2, y));
	assert_int_equal(l->prio, 8);
	assert_ptr_equal(sched_mutex_unlock(&s, &m1, l), x);
	assert_int_equal(l->prio, 8);
	assert_ptr_equal(sched_mutex_unlock(&s, &m2, l), y);
	assert_int_equal(l->prio, 2);
}

/* A waiter's priority rising re-sorts it in the wait queue of the mutex it
 * waits for, so the hand-over goes to the now highest waiter. */
static void test_pi_waiter_reordered(void **state)
{
	struct mutex m1 = { 0 };
	struct mutex m2 = { 0 };
	struct task *owner = mk(0, 1);
	struct task *a = mk(1, 4);
	struct task *b = mk(2, 3);
	struct task *top = mk(3, 10);

	(void)state;
	assert_true(sched_mutex_lock(&s, &m1, owner));
	assert_true(sched_mutex_lock(&s, &m2, b));
	assert_false(sched_mutex_lock(&s, &m1, a));
	assert_false(sched_mutex_lock(&s, &m1, b));
	assert_ptr_equal(waitq_first(&m1.waiters), a);
	/* top waits for b's m2: b rises to 10 and overtakes a in m1's queue. */
	assert_false(sched_mutex_lock(&s, &m2, top));
	assert_int_equal(b->prio, 10);
	assert_ptr_equal(waitq_first(&m1.waiters), b);
	assert_int_equal(owner->prio, 10);
	assert_ptr_equal(sched_mutex_unlock(&s, &m1, owner), b);
	assert_int_equal(owner->prio, 1);
	/* b now holds m1 (a waits) and m2 (top waits). */
	assert_int_equal(b->prio, 10);
}

/* Errors: unlocking a mutex one does not hold changes nothing. */
static void test_mutex_errors(void **state)
{
	struct mutex m = { 0 };
	struct task *a = mk(0, 3);
	struct task *b = mk(1, 4);

	(void)state;
	assert_null(sched_mutex_unlock(&s, &m, a));
	assert_true(sched_mutex_lock(&s, &m, a));
	assert_null(sched_mutex_unlock(&s, &m, b));
	assert_ptr_equal(m.owner, a);
	assert_true(sched_mutex_lock(&s, &m, a)); /* already held: no block */
	assert_int_equal(a->state, TASK_READY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rq_priority_order, setup),
		cmocka_unit_test_setup(test_rq_round_robin, setup),
		cmocka_unit_test_setup(test_waitq_order, setup),
		cmocka_unit_test_setup(test_pi_chain_three_levels, setup),
		cmocka_unit_test_setup(test_pi_release_order, setup),
		cmocka_unit_test_setup(test_pi_waiter_reordered, setup),
		cmocka_unit_test_setup(test_mutex_errors, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
