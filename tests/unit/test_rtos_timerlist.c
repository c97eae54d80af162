/*
 * Host tests of the RTOS timer list (partitions/rtos/timerlist.c): ordered
 * insertion, the earliest deadline, removal, expiry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "timerlist.h"

static struct timerlist tl;
static struct timer t[6];

static int setup(void **state)
{
	(void)state;
	memset(&tl, 0, sizeof(tl));
	memset(t, 0, sizeof(t));
	return 0;
}

/* The list's deadlines, in order, into out; returns how many. */
static unsigned walk(uint64_t *out, unsigned max)
{
	unsigned n = 0;
	struct timer *p;

	for (p = tl.head; p != NULL && n < max; p = p->next) {
		if (p->next != NULL) {
			assert_ptr_equal(p->next->prev, p);
		}
		out[n++] = p->deadline;
	}
	return n;
}

static void test_ordered_insert(void **state)
{
	uint64_t d[6];

	(void)state;
	assert_null(tl_earliest(&tl));
	tl_insert(&tl, &t[0], 500);
	tl_insert(&tl, &t[1], 100);
	tl_insert(&tl, &t[2], 900);
	tl_insert(&tl, &t[3], 300);
	assert_int_equal(walk(d, 6), 4);
	assert_int_equal(d[0], 100);
	assert_int_equal(d[1], 300);
	assert_int_equal(d[2], 500);
	assert_int_equal(d[3], 900);
	assert_ptr_equal(tl_earliest(&tl), &t[1]);
	assert_null(t[1].prev);
}

static void test_equal_deadlines_fifo(void **state)
{
	(void)state;
	tl_insert(&tl, &t[0], 200);
	tl_insert(&tl, &t[1], 200);
	tl_insert(&tl, &t[2], 100);
	tl_insert(&tl, &t[3], 200);
	assert_ptr_equal(tl_pop_expired(&tl, 1000), &t[2]);
	assert_ptr_equal(tl_pop_expired(&tl, 1000), &t[0]);
	assert_ptr_equal(tl_pop_expired(&tl, 1000), &t[1]);
	assert_ptr_equal(tl_pop_expired(&tl, 1000), &t[3]);
	assert_null(tl_pop_expired(&tl, 1000));
}

static void test_remove(void **state)
{
	uint64_t d[6];

	(void)state;
	tl_insert(&tl, &t[0], 10);
	tl_insert(&tl, &t[1], 20);
	tl_insert(&tl, &t[2], 30);
	tl_insert(&tl, &t[3], 40);
	tl_remove(&tl, &t[2]);   /* middle */
	assert_false(t[2].armed);
	assert_int_equal(walk(d, 6), 3);
	assert_int_equal(d[2], 40);
	tl_remove(&tl, &t[0]);   /* head */
	assert_ptr_equal(tl_earliest(&tl), &t[1]);
	tl_remove(&tl, &t[3]);   /* tail */
	assert_int_equal(walk(d, 6), 1);
	tl_remove(&tl, &t[3]);   /* not armed: harmless */
	tl_remove(&tl, &t[1]);
	assert_null(tl_earliest(&tl));
}

static void test_rearm_moves(void **state)
{
	uint64_t d[6];

	(void)state;
	tl_insert(&tl, &t[0], 10);
	tl_insert(&tl, &t[1], 20);
	tl_insert(&tl, &t[0], 30);   /* armed: moved, not linked twice */
	assert_int_equal(walk(d, 6), 2);
	assert_int_equal(d[0], 20);
	assert_int_equal(d[1], 30);
	assert_ptr_equal(tl_earliest(&tl), &t[1]);
}

static void test_pop_expired(void **state)
{
	(void)state;
	tl_insert(&tl, &t[0], 100);
	tl_insert(&tl, &t[1], 200);
	assert_null(tl_pop_expired(&tl, 99));
	assert_ptr_equal(tl_pop_expired(&tl, 100), &t[0]);   /* deadline reached */
	assert_false(t[0].armed);
	assert_null(tl_pop_expired(&tl, 150));
	assert_ptr_equal(tl_earliest(&tl), &t[1]);
	assert_ptr_equal(tl_pop_expired(&tl, UINT64_MAX), &t[1]);
	assert_null(tl_earliest(&tl));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ordered_insert, setup),
		cmocka_unit_test_setup(test_equal_deadlines_fifo, setup),
		cmocka_unit_test_setup(test_remove, setup),
		cmocka_unit_test_setup(test_rearm_moves, setup),
		cmocka_unit_test_setup(test_pop_expired, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
