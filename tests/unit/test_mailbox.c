/*
 * Host tests of the cross-core mailbox (core/mailbox.c): a START's payload is
 * taken whole or not at all, a STOP is never overwritten, and a post that
 * interleaves with the taker (launch() on one core while another is in its
 * idle loop) never makes the taker enter at a stale or mixed entry point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mailbox.h"

static struct mailbox m;

static int setup(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	mailbox_race_hook = NULL;
	return 0;
}

/* Field by field: the struct's padding is nobody's business. */
static void assert_same(const struct mailbox_start *a, const struct mailbox_start *b)
{
	assert_int_equal(a->entry, b->entry);
	assert_int_equal(a->arg, b->arg);
	assert_int_equal(a->epoch, b->epoch);
}

static const struct mailbox_start run1 = { 0x40080000u, 0x48000000u, 1 };
static const struct mailbox_start run2 = { 0x50080000u, 0x58000000u, 2 };

static void test_post_and_take(void **state)
{
	(void)state;
	struct mailbox_start s;
	assert_int_equal(mailbox_peek(&m), MAILBOX_NONE);
	assert_int_equal(mailbox_take_start(&m, &s), 0);
	assert_int_equal(mailbox_post_start(&m, &run1), 1);
	assert_int_equal(mailbox_peek(&m), MAILBOX_START);
	assert_int_equal(mailbox_take_stop(&m), 0);
	assert_int_equal(mailbox_take_start(&m, &s), 1);
	assert_same(&s, &run1);
	assert_int_equal(mailbox_peek(&m), MAILBOX_NONE);
	assert_int_equal(mailbox_take_start(&m, &s), 0);
}

static void test_later_start_replaces_earlier(void **state)
{
	(void)state;
	struct mailbox_start s;
	assert_int_equal(mailbox_post_start(&m, &run1), 1);
	assert_int_equal(mailbox_post_start(&m, &run2), 1);
	assert_int_equal(mailbox_take_start(&m, &s), 1);
	assert_same(&s, &run2);
	assert_int_equal(mailbox_take_start(&m, &s), 0);
}

static void test_stop_is_never_overwritten(void **state)
{
	(void)state;
	struct mailbox_start s;
	assert_int_equal(mailbox_post_start(&m, &run1), 1);
	mailbox_post_stop(&m);                          /* replaces the START */
	assert_int_equal(mailbox_post_start(&m, &run2), 0);
	assert_int_equal(mailbox_peek(&m), MAILBOX_STOP);
	assert_int_equal(mailbox_take_start(&m, &s), 0);
	assert_int_equal(mailbox_take_stop(&m), 1);
	assert_int_equal(mailbox_peek(&m), MAILBOX_NONE);
}

/* The other core posts run 2 at `post_at`, while this core takes run 1. */
static int post_at;
static void post_run2(int step)
{
	if (step == post_at) {
		assert_int_equal(mailbox_post_start(&m, &run2), 1);
	}
}

static void test_post_interleaved_at_every_step(void **state)
{
	(void)state;
	for (post_at = 1; post_at <= 3; post_at++) {
		setup(NULL);
		struct mailbox_start s;
		memset(&s, 0xee, sizeof(s));
		assert_int_equal(mailbox_post_start(&m, &run1), 1);
		mailbox_race_hook = post_run2;
		int took = mailbox_take_start(&m, &s);
		mailbox_race_hook = NULL;
		/* Either run 1 whole, or nothing: never run 2's entry with run
		 * 1's argument, never a half-written payload. */
		if (took) {
			assert_same(&s, &run1);
		}
		/* Run 2 is still pending, whole, for the next round. */
		assert_int_equal(mailbox_peek(&m), MAILBOX_START);
		assert_int_equal(mailbox_take_start(&m, &s), 1);
		assert_same(&s, &run2);
	}
}

/* A post half-way through writing its payload (the taker runs between the
 * poster's steps): the taker drops it, the completed post is taken later. */
static void test_payload_being_written_is_dropped(void **state)
{
	(void)state;
	struct mailbox_start s;
	assert_int_equal(mailbox_post_start(&m, &run1), 1);
	/* What a poster of run 2 leaves after its first step. */
	m.payload_seq = 0;
	m.payload.entry = run2.entry;
	assert_int_equal(mailbox_take_start(&m, &s), 0);
	assert_int_equal(mailbox_peek(&m), MAILBOX_NONE);
}

static void test_sequence_wraps(void **state)
{
	(void)state;
	struct mailbox_start s;
	m.seq = (1u << 30) - 2u;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(mailbox_post_start(&m, i % 2 ? &run2 : &run1), 1);
		assert_int_equal(mailbox_take_start(&m, &s), 1);
		assert_same(&s, i % 2 ? &run2 : &run1);
		assert_int_not_equal(m.seq, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_post_and_take, setup),
		cmocka_unit_test_setup(test_later_start_replaces_earlier, setup),
		cmocka_unit_test_setup(test_stop_is_never_overwritten, setup),
		cmocka_unit_test_setup(test_post_interleaved_at_every_step, setup),
		cmocka_unit_test_setup(test_payload_being_written_is_dropped, setup),
		cmocka_unit_test_setup(test_sequence_wraps, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
