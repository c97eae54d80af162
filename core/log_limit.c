/*
 * Rate limiting of the lines a partition can cause, see log.h. Kept apart
 * from log.c (the console itself) so host tests link it on its own.
 */
#include "log.h"

/* Counter ticks per token: at least one, whatever the counter's frequency. */
static uint64_t token_period(uint64_t freq)
{
	uint64_t period = freq / LOG_LIMIT_PER_S;
	return period == 0 ? 1 : period;
}

/* Ticks from then to now; 0 if now reads earlier. Cores read the counter at
 * slightly different moments, so a core that took the lock after another
 * may hold an older value: that is no time at all, never 2^64 - 1 ticks. */
static uint64_t since(uint64_t now, uint64_t then)
{
	return (int64_t)(now - then) > 0 ? now - then : 0;
}

static void refill(struct log_limit *l, uint64_t now, uint64_t freq)
{
	if (!l->started) {
		l->started = 1;
		l->tokens = LOG_LIMIT_BURST;
		l->refill_stamp = now;
		l->summary_stamp = now;
		return;
	}
	uint64_t period = token_period(freq);
	uint64_t add = since(now, l->refill_stamp) / period;
	if (add == 0) {
		return;
	}
	if (add >= LOG_LIMIT_BURST - l->tokens) {
		/* Full: time spent full earns nothing later. */
		l->tokens = LOG_LIMIT_BURST;
		l->refill_stamp = now;
	} else {
		/* Keep the remainder of a period: tokens come at a steady rate
		 * however often the bucket is asked. */
		l->tokens += (uint32_t)add;
		l->refill_stamp += add * period;
	}
}

int log_limit_take(struct log_limit *l, uint64_t now, uint64_t freq, uint32_t *summary)
{
	int ok = 0;

	*summary = 0;
	spin_lock(&l->lock);
	refill(l, now, freq);
	if (l->tokens > 0) {
		l->tokens--;
		ok = 1;
		uint64_t every = (freq == 0 ? 1 : freq) * LOG_LIMIT_SUMMARY_S;
		if (l->suppressed > 0 && since(now, l->summary_stamp) >= every) {
			*summary = l->suppressed;
			l->suppressed = 0;
			l->summary_stamp = now;
		}
	} else {
		/* Saturating: a partition looping for years does not wrap the
		 * count back to a small number. */
		if (l->suppressed < UINT32_MAX) {
			l->suppressed++;
		}
		if (l->suppressed_total < UINT32_MAX) {
			l->suppressed_total++;
		}
	}
	spin_unlock(&l->lock);
	return ok;
}

uint32_t log_limit_flush(struct log_limit *l, uint64_t now)
{
	spin_lock(&l->lock);
	uint32_t n = l->suppressed;
	l->suppressed = 0;
	if (n > 0) {
		l->summary_stamp = now;
	}
	spin_unlock(&l->lock);
	return n;
}
