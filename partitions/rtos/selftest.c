/*
 * Start-up self-tests of the kernel's primitives, with real tasks. Each
 * prints `rtos: selftest NAME PASS: ...` or `... FAIL: ...`, then a summary.
 * The self-test task (PRIO_SELFTEST) drives; helpers are created around it
 * at priorities chosen so the scheduler, not luck, decides the order.
 */
#include <stdarg.h>

#include "app.h"
#include "board.h"
#include "rtos.h"

static unsigned passed;
static unsigned failed;

static void result(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
	} else {
		failed++;
	}
	if (ok && board.quiet) {
		return;
	}
	console_lock();
	rtos_printf("rtos: selftest %s %s: ", name, ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	(void)rtos_vprintf(fmt, ap);
	va_end(ap);
	rtos_printf("\n");
	console_unlock();
}

/* ---- semaphores: counting, and a give that preempts ------------------------- */

static struct sem st_sem;
static volatile unsigned order[4];
static volatile unsigned norder;

static void mark(unsigned step)
{
	if (norder < 4) {
		order[norder++] = step;
	}
}

static void sem_waiter(void *arg)
{
	(void)arg;
	mark(1);
	sem_take(&st_sem);
	mark(3);
}

static void test_sem(void)
{
	bool ok;

	sem_init(&st_sem, 0);
	sem_give(&st_sem);
	sem_give(&st_sem);
	sem_give(&st_sem);
	sem_take(&st_sem);
	sem_take(&st_sem);
	sem_take(&st_sem);
	ok = st_sem.count == 0;
	/* The waiter outranks us: it runs at once and blocks; our give makes
	 * it run again before we go on. */
	(void)task_create("st-sem", PRIO_SELFTEST + 1, sem_waiter, NULL);
	mark(2);
	sem_give(&st_sem);
	mark(4);
	ok = ok && norder == 4 && order[0] == 1 && order[1] == 2 && order[2] == 3 && order[3] == 4;
	result("semaphore", ok, "counts 3 gives and takes; a give wakes and yields to a higher waiter");
}

/* ---- mutex with priority inheritance ------------------------------------------ */

#define PI_LOW 8
#define PI_HIGH 12

static struct mutex pi_mutex;
static struct sem pi_locked;
static struct sem pi_go;
static struct sem pi_done;
static struct task *pi_low;
static volatile unsigned low_prio_holding;
static volatile unsigned low_prio_after;
static volatile bool high_got;

static void pi_low_fn(void *arg)
{
	(void)arg;
	(void)mutex_lock(&pi_mutex);
	sem_give(&pi_locked);
	sem_take(&pi_go);
	low_prio_holding = task_self()->prio;
	(void)mutex_unlock(&pi_mutex);
}

static void pi_high_fn(void *arg)
{
	(void)arg;
	(void)mutex_lock(&pi_mutex);
	high_got = true;
	low_prio_after = pi_low->prio;
	(void)mutex_unlock(&pi_mutex);
	sem_give(&pi_done);
}

static void test_mutex_pi(void)
{
	struct task *high;
	unsigned raised;
	bool ok;

	mutex_init(&pi_mutex);
	sem_init(&pi_locked, 0);
	sem_init(&pi_go, 0);
	sem_init(&pi_done, 0);
	pi_low = task_create("st-pi-low", PI_LOW, pi_low_fn, NULL);
	sem_take(&pi_locked);                  /* low holds the mutex */
	high = task_create("st-pi-high", PI_HIGH, pi_high_fn, NULL);
	task_sleep_us(2000);                   /* high blocks on it */
	raised = pi_low->prio;
	ok = raised == PI_HIGH && high->state == TASK_BLOCKED;
	sem_give(&pi_go);
	sem_take(&pi_done);
	ok = ok && high_got && low_prio_holding == PI_HIGH && low_prio_after == PI_LOW;
	result("mutex-pi", ok, "low task at priority %u while the high one waited, %u after unlock "
	       "(base %u, high %u)", raised, low_prio_after, PI_LOW, PI_HIGH);
}

/* ---- message queue: a fast producer blocks on a full queue ------------------------ */

#define QMSGS 16
#define QCAP 4

struct qmsg {
	uint32_t seq;
	uint32_t value;
};

QUEUE_DEFINE(st_queue, struct qmsg, QCAP);
static struct sem q_done;
static volatile bool q_in_order;

static void q_producer(void *arg)
{
	uint32_t i;

	(void)arg;
	for (i = 0; i < QMSGS; i++) {
		struct qmsg m = { .seq = i, .value = i * i };
		queue_send(&st_queue, &m);
	}
}

static void q_consumer(void *arg)
{
	uint32_t i;
	bool ok = true;

	(void)arg;
	for (i = 0; i < QMSGS; i++) {
		struct qmsg m;
		queue_recv(&st_queue, &m);
		if (m.seq != i || m.value != i * i) {
			ok = false;
		}
	}
	q_in_order = ok;
	sem_give(&q_done);
}

static void test_queue(void)
{
	sem_init(&q_done, 0);
	/* The producer outranks the consumer: it fills the queue and blocks. */
	(void)task_create("st-q-prod", PRIO_SELFTEST - 1, q_producer, NULL);
	(void)task_create("st-q-cons", PRIO_SELFTEST - 2, q_consumer, NULL);
	sem_take(&q_done);
	result("queue", q_in_order, "%u messages through a queue of %u, in order", QMSGS, QCAP);
}

/* ---- a semaphore given from interrupt context --------------------------------------- */

#define IRQ_TEST_US 2000

static struct sem irq_sem;
static struct timer irq_timer;

static void irq_timer_fn(struct timer *t)
{
	(void)t;
	sem_give(&irq_sem);   /* interrupt context: the switch happens on the way out */
}

static void test_irq_sem(void)
{
	uint64_t deadline = rtos_now() + rtos_us_to_ticks(IRQ_TEST_US);
	uint64_t woke;

	sem_init(&irq_sem, 0);
	ktimer_start(&irq_timer, deadline, irq_timer_fn, NULL);
	sem_take(&irq_sem);
	woke = rtos_now();
	result("irq-sem", woke >= deadline, "timer interrupt gave a semaphore, task woke %lu ticks "
	       "after the deadline", (unsigned long)(woke - deadline));
}

/* ---- round robin among equal priorities ------------------------------------------------ */

#define RR_RUN_US 40000

static volatile bool rr_stop;
static volatile uint64_t rr_count[2];
static struct sem rr_done;

static void rr_fn(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	while (!rr_stop) {
		rr_count[i]++;
	}
	sem_give(&rr_done);
}

static void test_round_robin(void)
{
	struct task *a;
	struct task *b;
	bool ok;

	sem_init(&rr_done, 0);
	a = task_create("st-rr-a", PRIO_SELFTEST - 1, rr_fn, (void *)0);
	b = task_create("st-rr-b", PRIO_SELFTEST - 1, rr_fn, (void *)1);
	task_sleep_us(RR_RUN_US);
	rr_stop = true;
	sem_take(&rr_done);
	sem_take(&rr_done);
	/* Two spinning tasks of one priority both ran, each switched in more
	 * than once: only the time slice can have done that. */
	ok = rr_count[0] > 0 && rr_count[1] > 0 && a->dispatches >= 2 && b->dispatches >= 2;
	result("round-robin", ok, "two spinning tasks of one priority, switched in %u and %u times "
	       "in %u ms (slice %u us)", (unsigned)a->dispatches, (unsigned)b->dispatches,
	       RR_RUN_US / 1000, RTOS_SLICE_US);
}

static void selftest_fn(void *arg)
{
	(void)arg;
	test_sem();
	test_mutex_pi();
	test_queue();
	test_irq_sem();
	test_round_robin();
	rtos_printf("rtos: selftest summary: %u passed, %u failed\n", passed, failed);
	demo_start();
}

void app_init(void)
{
	(void)task_create("selftest", PRIO_SELFTEST, selftest_fn, NULL);
}
