/*
 * Host tests for the per-partition console share (core/log_limit.c, log.h):
 * the burst, the steady rate in counter time, the summary of what was
 * suppressed, and the corners (a counter read that goes backwards, a
 * counter slower than the rate, a count that would wrap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

#define HZ          62500000ull          /* QEMU virt's counter */
#define TOKEN       (HZ / LOG_LIMIT_PER_S)
#define T0          1000000000ull

/* spinlock.h's wait: never reached single-threaded. */
void arch_cpu_relax(void)
{
}

static struct log_limit l;

static int setup(void **state)
{
	(void)state;
	memset(&l, 0, sizeof(l));
	return 0;
}

static int take(uint64_t now, uint32_t *summary)
{
	return log_limit_take(&l, now, HZ, summary);
}

static void test_burst_then_nothing_at_one_instant(void **state)
{
	(void)state;
	uint32_t s = 99;
	for (unsigned int i = 0; i < LOG_LIMIT_BURST; i++) {
		assert_int_equal(take(T0, &s), 1);
		assert_int_equal(s, 0);
	}
	for (unsigned int i = 0; i < 1000u; i++) {
		assert_int_equal(take(T0, &s), 0);
		assert_int_equal(s, 0);
	}
	assert_int_equal(l.tokens, 0);
	assert_int_equal(l.suppressed, 1000);
	assert_int_equal(l.suppressed_total, 1000);
}

static void test_tokens_come_at_the_rate_remainder_kept(void **state)
{
	(void)state;
	uint32_t s;
	for (unsigned int i = 0; i < LOG_LIMIT_BURST; i++) {
		assert_int_equal(take(T0, &s), 1);
	}
	/* Just short of a token's period: nothing. */
	assert_int_equal(take(T0 + TOKEN - 1u, &s), 0);
	assert_int_equal(take(T0 + TOKEN, &s), 1);
	assert_int_equal(take(T0 + TOKEN, &s), 0);
	/* Asked often, in steps of 0.3 periods: still one a period (the
	 * remainder of a period is not lost at each refill). */
	unsigned int got = 0;
	uint64_t now = T0 + TOKEN;
	for (unsigned int i = 0; i < 100u; i++) {
		now += TOKEN * 3u / 10u;
		got += (unsigned int)take(now, &s);
	}
	assert_int_equal(got, 30);
}

static void test_a_full_bucket_banks_no_more_than_the_burst(void **state)
{
	(void)state;
	uint32_t s;
	assert_int_equal(take(T0, &s), 1);
	/* A hundred seconds quiet. */
	uint64_t now = T0 + 100u * HZ;
	unsigned int got = 0;
	for (unsigned int i = 0; i < 100u; i++) {
		got += (unsigned int)take(now, &s);
	}
	assert_int_equal(got, LOG_LIMIT_BURST);
}

static void test_summary_at_most_once_a_second_with_an_allowed_line(void **state)
{
	(void)state;
	uint32_t s;
	for (unsigned int i = 0; i < LOG_LIMIT_BURST + 5u; i++) {
		(void)take(T0, &s);
	}
	assert_int_equal(l.suppressed, 5);
	/* A token after a quarter second, but no summary within the second. */
	assert_int_equal(take(T0 + TOKEN, &s), 1);
	assert_int_equal(s, 0);
	assert_int_equal(take(T0 + TOKEN, &s), 0);
	/* A second after the first line: the next allowed line carries it. */
	assert_int_equal(take(T0 + HZ * LOG_LIMIT_SUMMARY_S, &s), 1);
	assert_int_equal(s, 6);
	assert_int_equal(l.suppressed, 0);
	assert_int_equal(l.suppressed_total, 6);
	/* Nothing suppressed since: no summary, however long after. */
	assert_int_equal(take(T0 + 5u * HZ, &s), 1);
	assert_int_equal(s, 0);
}

static void test_lines_a_second_stay_bounded_under_a_storm(void **state)
{
	(void)state;
	uint32_t s;
	unsigned int lines = 0;
	unsigned int summaries = 0;
	uint64_t suppressed = 0;
	/* Ten seconds of one line asked every 10 us: a million asks. */
	for (uint64_t now = T0; now < T0 + 10u * HZ; now += HZ / 100000u) {
		if (take(now, &s)) {
			lines++;
			summaries += s != 0;
			suppressed += s;
		}
	}
	assert_true(lines <= LOG_LIMIT_BURST + 10u * LOG_LIMIT_PER_S);
	assert_true(lines >= 10u * LOG_LIMIT_PER_S);
	assert_true(summaries <= 10u);
	/* Every ask is a line or counted; the summaries said all but the
	 * last second's. */
	assert_int_equal(lines + l.suppressed_total, 1000000u);
	assert_int_equal(suppressed + l.suppressed, l.suppressed_total);
}

static void test_counter_read_earlier_is_no_time(void **state)
{
	(void)state;
	uint32_t s;
	for (unsigned int i = 0; i < LOG_LIMIT_BURST; i++) {
		assert_int_equal(take(T0, &s), 1);
	}
	/* Another core's older counter value: not 2^64 ticks of refill. */
	assert_int_equal(take(T0 - 1u, &s), 0);
	assert_int_equal(take(T0 - HZ, &s), 0);
	assert_int_equal(l.tokens, 0);
}

static void test_slow_counter_and_zero_frequency(void **state)
{
	(void)state;
	uint32_t s;
	/* A counter slower than the rate: a token per tick. */
	for (unsigned int i = 0; i < LOG_LIMIT_BURST; i++) {
		assert_int_equal(log_limit_take(&l, 10, 2, &s), 1);
	}
	assert_int_equal(log_limit_take(&l, 10, 2, &s), 0);
	assert_int_equal(log_limit_take(&l, 11, 2, &s), 1);
	/* No frequency at all: still total, still a token per tick. */
	assert_int_equal(log_limit_take(&l, 11, 0, &s), 0);
	assert_int_equal(log_limit_take(&l, 12, 0, &s), 1);
}

static void test_counts_saturate(void **state)
{
	(void)state;
	uint32_t s;
	for (unsigned int i = 0; i < LOG_LIMIT_BURST; i++) {
		(void)take(T0, &s);
	}
	l.suppressed = UINT32_MAX - 1u;
	l.suppressed_total = UINT32_MAX - 1u;
	assert_int_equal(take(T0, &s), 0);
	assert_int_equal(take(T0, &s), 0);
	assert_int_equal(l.suppressed, UINT32_MAX);
	assert_int_equal(l.suppressed_total, UINT32_MAX);
}

static void test_flush_takes_what_was_not_said(void **state)
{
	(void)state;
	uint32_t s;
	assert_int_equal(log_limit_flush(&l, T0), 0);
	for (unsigned int i = 0; i < LOG_LIMIT_BURST + 3u; i++) {
		(void)take(T0, &s);
	}
	assert_int_equal(log_limit_flush(&l, T0 + 1u), 3);
	assert_int_equal(log_limit_flush(&l, T0 + 2u), 0);
	assert_int_equal(l.suppressed_total, 3);
	/* A flush counts as a summary: the next one waits its second. */
	(void)take(T0 + 2u, &s);
	assert_int_equal(take(T0 + HZ, &s), 1);
	assert_int_equal(s, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_burst_then_nothing_at_one_instant, setup),
		cmocka_unit_test_setup(test_tokens_come_at_the_rate_remainder_kept, setup),
		cmocka_unit_test_setup(test_a_full_bucket_banks_no_more_than_the_burst, setup),
		cmocka_unit_test_setup(test_summary_at_most_once_a_second_with_an_allowed_line, setup),
		cmocka_unit_test_setup(test_lines_a_second_stay_bounded_under_a_storm, setup),
		cmocka_unit_test_setup(test_counter_read_earlier_is_no_time, setup),
		cmocka_unit_test_setup(test_slow_counter_and_zero_frequency, setup),
		cmocka_unit_test_setup(test_counts_saturate, setup),
		cmocka_unit_test_setup(test_flush_takes_what_was_not_said, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
