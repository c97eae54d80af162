/*
 * Host tests of list-register allocation and the overflow queue
 * (core/vgic_inject.c, core/vgic_queue.c) over four fake list registers and
 * a model of a guest that takes its most urgent pending interrupt, as the
 * GIC's virtual CPU interface would. Properties: priority order kept,
 * nothing lost, nothing delivered twice, one vINTID in one place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gic_hw.h"
#include "vgic_inject.h"

#define NLR 4u

static uint64_t lrs[NLR];
static int uie;

unsigned int arch_lr_count(void)
{
	return NLR;
}

uint64_t arch_lr_read(unsigned int n)
{
	assert_true(n < NLR);
	return lrs[n];
}

void arch_lr_write(unsigned int n, uint64_t v)
{
	assert_true(n < NLR);
	lrs[n] = v;
}

uint32_t arch_lr_empty(void)
{
	uint32_t m = 0;
	for (unsigned int n = 0; n < NLR; n++) {
		if ((lrs[n] & VGIC_LR_STATE_MASK) == 0) {
			m |= 1u << n;
		}
	}
	return m;
}

void arch_lr_underflow_irq(int on)
{
	uie = on;
}

/* core/check.h's CHECK ends in panic(); here it fails the test. */
void panic_at(const char *file, int line, const char *fmt, ...)
{
	(void)file;
	(void)line;
	(void)fmt;
	fail_msg("CHECK failed");
	abort();
}

static struct vgic_queue q;

static int setup(void **state)
{
	(void)state;
	memset(lrs, 0, sizeof(lrs));
	uie = 0;
	vgic_queue_init(&q);
	return 0;
}

static unsigned int valid_lrs(void)
{
	unsigned int v = 0;
	for (unsigned int n = 0; n < NLR; n++) {
		v += (lrs[n] & VGIC_LR_STATE_MASK) != 0;
	}
	return v;
}

/* The guest takes its most urgent pending interrupt and, at once, ends it.
 * Returns its INTID, or -1 if nothing is pending. Then the hardware raises
 * the underflow maintenance interrupt if it is on and due. */
static int guest_take(void)
{
	int best = -1;
	for (unsigned int n = 0; n < NLR; n++) {
		if ((lrs[n] & VGIC_LR_STATE_MASK) == VGIC_LR_PENDING &&
		    (best < 0 || vgic_lr_prio(lrs[n]) < vgic_lr_prio(lrs[best]))) {
			best = (int)n;
		}
	}
	if (best < 0) {
		return -1;
	}
	int intid = (int)vgic_lr_intid(lrs[best]);
	lrs[best] = 0;
	if (uie && valid_lrs() <= 1) {
		vgic_refill(&q);
	}
	return intid;
}

/* No vINTID twice among list registers and queue. */
static void assert_unique(void)
{
	uint32_t seen[64];
	unsigned int k = 0;
	for (unsigned int n = 0; n < NLR; n++) {
		if ((lrs[n] & VGIC_LR_STATE_MASK) != 0) {
			seen[k++] = vgic_lr_intid(lrs[n]);
		}
	}
	for (uint32_t i = 0; i < q.n; i++) {
		seen[k++] = vgic_lr_intid(q.lr[i]);
	}
	for (unsigned int i = 0; i < k; i++) {
		for (unsigned int j = i + 1; j < k; j++) {
			assert_int_not_equal(seen[i], seen[j]);
		}
	}
}

/* ---- the queue alone ------------------------------------------------------ */

static void test_queue_order_and_merge(void **state)
{
	(void)state;
	assert_int_equal(vgic_queue_top_prio(&q), VGIC_LR_PRIO_NONE);
	assert_int_equal(vgic_queue_pop(&q), 0);
	assert_int_equal(vgic_queue_push(&q, vgic_lr_make(40, 0xa0, 1)), VGIC_QUEUED);
	assert_int_equal(vgic_queue_push(&q, vgic_lr_make(41, 0x20, 1)), VGIC_QUEUED);
	assert_int_equal(vgic_queue_push(&q, vgic_lr_make(42, 0xa0, 1)), VGIC_QUEUED);
	assert_int_equal(vgic_queue_push(&q, vgic_lr_make(3, 0x00, 0)), VGIC_QUEUED);
	assert_int_equal(vgic_queue_push(&q, vgic_lr_make(41, 0x20, 1)), VGIC_ALREADY_QUEUED);
	assert_int_equal(vgic_queue_top_prio(&q), 0x00);
	assert_int_equal(vgic_lr_intid(vgic_queue_pop(&q)), 3);
	assert_int_equal(vgic_lr_intid(vgic_queue_pop(&q)), 41);
	assert_int_equal(vgic_lr_intid(vgic_queue_pop(&q)), 40);   /* equal: arrival order */
	assert_int_equal(vgic_lr_intid(vgic_queue_pop(&q)), 42);
	assert_int_equal(q.n, 0);
}

static void test_queue_bound(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < VGIC_QUEUE_MAX; i++) {
		assert_int_equal(vgic_queue_push(&q, vgic_lr_make(32 + i, (uint8_t)i, 1)), VGIC_QUEUED);
	}
	assert_int_equal(vgic_queue_push(&q, vgic_lr_make(1000, 0, 1)), VGIC_QUEUE_FULL);
	assert_int_equal(q.n, VGIC_QUEUE_MAX);
}

/* ---- list registers ------------------------------------------------------------ */

static void test_free_lr_first(void **state)
{
	(void)state;
	assert_int_equal(vgic_inject(&q, vgic_lr_make(27, 0x80, 1)), 1);
	assert_int_equal(lrs[0], vgic_lr_make(27, 0x80, 1));
	assert_int_equal(lrs[0] >> 61 & 1, 1);                        /* HW */
	assert_int_equal((lrs[0] >> 32) & 0x1fff, 27);                /* pINTID */
	assert_int_equal(q.n, 0);
	assert_false(uie);
}

static void test_overflow_keeps_priority_order(void **state)
{
	(void)state;
	/* Eight interrupts arrive while the guest has interrupts masked, least
	 * urgent first; it must still take them most urgent first. */
	for (uint32_t i = 0; i < 8; i++) {
		assert_int_equal(vgic_inject(&q, vgic_lr_make(32 + i, (uint8_t)(0xf0 - 0x10 * i), 1)), 1);
		assert_unique();
	}
	assert_int_equal(valid_lrs(), NLR);
	assert_int_equal(q.n, 4);
	assert_true(uie);
	for (int expect = 39; expect >= 32; expect--) {
		assert_int_equal(guest_take(), expect);
		assert_unique();
	}
	assert_int_equal(guest_take(), -1);
	assert_int_equal(q.n, 0);
	assert_false(uie);
}

static void test_active_lrs_are_never_evicted(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < NLR; i++) {
		lrs[i] = (vgic_lr_make(32 + i, 0xf0, 1) & ~VGIC_LR_STATE_MASK) | VGIC_LR_ACTIVE;
	}
	assert_int_equal(vgic_inject(&q, vgic_lr_make(50, 0x00, 1)), 1);
	for (uint32_t i = 0; i < NLR; i++) {
		assert_int_equal(vgic_lr_intid(lrs[i]), 32 + i);             /* untouched */
	}
	assert_int_equal(q.n, 1);
	assert_true(uie);
}

static void test_sgi_again_merges(void **state)
{
	(void)state;
	uint64_t sgi = vgic_lr_make(3, 0x40, 0);
	assert_int_equal(vgic_inject(&q, sgi), 1);
	assert_int_equal(vgic_inject(&q, sgi), 0);                     /* still pending */
	assert_int_equal(valid_lrs(), 1);
	lrs[0] = (lrs[0] & ~VGIC_LR_STATE_MASK) | VGIC_LR_ACTIVE;     /* guest took it */
	assert_int_equal(vgic_inject(&q, sgi), 1);
	assert_int_equal(lrs[0] & VGIC_LR_STATE_MASK, VGIC_LR_ACTIVE | VGIC_LR_PENDING);
	assert_int_equal(valid_lrs(), 1);
	/* Queued already: merged there too. */
	for (uint32_t i = 1; i < NLR; i++) {
		assert_int_equal(vgic_inject(&q, vgic_lr_make(32 + i, 0x10, 1)), 1);
	}
	assert_int_equal(vgic_inject(&q, vgic_lr_make(5, 0x90, 0)), 1);
	assert_int_equal(q.n, 1);
	assert_int_equal(vgic_inject(&q, vgic_lr_make(5, 0x90, 0)), 0);
	assert_int_equal(q.n, 1);
	assert_unique();
}

/* Random arrivals and guest activity: every interrupt injected is taken
 * exactly once, and each take is the most urgent of those pending then. */
static void test_random_nothing_lost_nothing_twice(void **state)
{
	(void)state;
	srand(12345);
	for (int round = 0; round < 200; round++) {
		setup(NULL);
		int pending[64] = { 0 };
		uint8_t prio[64];
		int taken = 0, injected = 0;
		for (int step = 0; step < 300; step++) {
			if (rand() % 3 != 0) {
				int id = rand() % 40;
				uint32_t intid = (uint32_t)(id < 16 ? id : id + 16);   /* SGIs, SPIs 32.. */
				if (pending[id]) {
					continue;   /* a HW interrupt stays active until taken */
				}
				prio[id] = (uint8_t)((rand() % 16) << 4);
				assert_int_equal(vgic_inject(&q, vgic_lr_make(intid, prio[id], id >= 16)), 1);
				pending[id] = 1;
				injected++;
			} else {
				int best = 0x100;
				for (int i = 0; i < 40; i++) {
					if (pending[i] && prio[i] < best) {
						best = prio[i];
					}
				}
				int got = guest_take();
				if (got < 0) {
					/* Nothing in a list register: the queue must
					 * be empty too, or underflow would refill. */
					assert_int_equal(q.n, 0);
					assert_int_equal(best, 0x100);
					continue;
				}
				int id = got < 16 ? got : got - 16;
				assert_true(pending[id]);
				assert_int_equal(prio[id], best);
				pending[id] = 0;
				taken++;
			}
			assert_unique();
		}
		while (guest_take() >= 0) {
			taken++;
		}
		assert_int_equal(taken, injected);
		assert_int_equal(q.n, 0);
	}
}

static void test_clear(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 6; i++) {
		vgic_inject(&q, vgic_lr_make(32 + i, 0x10, 1));
	}
	vgic_clear(&q);
	assert_int_equal(valid_lrs(), 0);
	assert_int_equal(q.n, 0);
	assert_false(uie);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_queue_order_and_merge, setup),
		cmocka_unit_test_setup(test_queue_bound, setup),
		cmocka_unit_test_setup(test_free_lr_first, setup),
		cmocka_unit_test_setup(test_overflow_keeps_priority_order, setup),
		cmocka_unit_test_setup(test_active_lrs_are_never_evicted, setup),
		cmocka_unit_test_setup(test_sgi_again_merges, setup),
		cmocka_unit_test_setup(test_random_nothing_lost_nothing_twice, setup),
		cmocka_unit_test_setup(test_clear, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
