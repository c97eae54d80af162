/*
 * The kernel: tasks, the dispatcher, tickless time, and the blocking
 * primitives built on sched.c's pure logic.
 *
 * Concurrency model: one core. Kernel state changes with IRQs masked. A task
 * that made a higher (or equal: round robin) task ready, or blocked itself,
 * enters the kernel with SVC #0; an interrupt enters it through the IRQ
 * vector. Both save the task's registers in its TCB and leave through
 * dispatch(), which picks the highest ready task, starts or stops its time
 * slice and programs the virtual timer for the next deadline only (no
 * periodic tick). So an interrupt handler that wakes a task gets the
 * preemption on its way out, with no extra step.
 */
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "kernel.h"

/* A guard page below every stack: stacks are page-aligned slots of
 * [guard page][stack], in a section the loader does not zero. */
#define SLOT_SIZE (RTOS_PAGE_SIZE + RTOS_TASK_STACK_SIZE)
static uint8_t task_stacks[RTOS_MAX_TASKS][SLOT_SIZE]
	__attribute__((aligned(RTOS_PAGE_SIZE), section(".stacks")));
uint8_t rtos_kstack[RTOS_PAGE_SIZE + RTOS_KSTACK_SIZE]
	__attribute__((aligned(RTOS_PAGE_SIZE), section(".stacks")));

static struct task tasks[RTOS_MAX_TASKS];
static unsigned ntasks;
static struct sched sched;
static struct timerlist timers;
static struct task *current;
static bool started;
static bool in_trap;
static uint64_t slice_end;     /* 0: no time slice running */
static uint64_t slice_ticks;
static uint64_t freq;

/* ---- time ---------------------------------------------------------------- */

uint64_t rtos_now(void)
{
	return cntvct();
}

uint64_t rtos_freq(void)
{
	return freq;
}

uint64_t rtos_us_to_ticks(uint64_t us)
{
	return us * freq / 1000000u;
}

/* The virtual timer fires at the earliest of the next timer and the end of
 * the running task's time slice; with neither it is switched off. */
static void program_timer(void)
{
	struct timer *t = tl_earliest(&timers);
	uint64_t deadline = UINT64_MAX;

	if (t != NULL) {
		deadline = t->deadline;
	}
	if (slice_end != 0 && slice_end < deadline) {
		deadline = slice_end;
	}
	if (deadline == UINT64_MAX) {
		write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
		return;
	}
	write_sysreg(cntv_cval_el0, deadline);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

void kernel_timer_irq(uint32_t intid, void *arg)
{
	uint64_t now = rtos_now();
	struct timer *t;

	(void)intid;
	(void)arg;
	while ((t = tl_pop_expired(&timers, now)) != NULL) {
		t->fn(t);
	}
	if (slice_end != 0 && now >= slice_end) {
		/* Time slice over: the next task of the same priority runs. */
		rq_rotate(&sched, current->prio);
		slice_end = 0;
	}
	/* dispatch() re-arms or disables the timer, deasserting its level. */
	write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
}

/* ---- dispatching ------------------------------------------------------------ */

static void dispatch(void)
{
	struct task *next = rq_highest(&sched);

	if (next != current) {
		current = next;
		current->dispatches++;
		slice_end = 0;
		write_sysreg(tpidr_el1, (uint64_t)(uintptr_t)current->ctx);
	}
	if (rq_has_peer(&sched, current)) {
		if (slice_end == 0) {
			slice_end = rtos_now() + slice_ticks;
		}
	} else {
		slice_end = 0;
	}
	program_timer();
}

/* Called with IRQs masked after a change that may need another task to run.
 * In a trap the way out dispatches anyway; before the start nothing runs. */
static void resched(void)
{
	if (started && !in_trap) {
		__asm__ volatile("svc #0" : : : "memory");
	}
}

bool kernel_in_task(void)
{
	return started && !in_trap;
}

struct task *task_self(void)
{
	return current;
}

static void task_stop(struct task *t)
{
	rq_remove(&sched, t);
	waitq_remove(t);
	tl_remove(&timers, &t->timer);
	t->state = TASK_DEAD;
}

static bool in_page(uintptr_t a, uintptr_t page)
{
	return a >= page && a - page < RTOS_PAGE_SIZE;
}

static void task_fault(struct task *t, unsigned kind)
{
	uint64_t esr = read_sysreg(esr_el1);
	uint64_t far = read_sysreg(far_el1);
	unsigned ec = (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;

	if (kind == TRAP_SYNC && ec == ESR_EC_DABT_CUR && in_page(far, t->guard_lo)) {
		console_raw("rtos: stack overflow in task %s: fault at 0x%lx in guard page "
			    "0x%lx-0x%lx; task stopped\n", t->name, (unsigned long)far,
			    (unsigned long)t->guard_lo, (unsigned long)(t->guard_lo + RTOS_PAGE_SIZE));
	} else {
		console_raw("rtos: fault in task %s: kind %u ESR 0x%lx FAR 0x%lx ELR 0x%lx; "
			    "task stopped\n", t->name, kind, (unsigned long)esr, (unsigned long)far,
			    (unsigned long)t->ctx[CTX_ELR / 8]);
	}
	if (t->base_prio == 0) {
		console_raw("rtos: the idle task faulted; halted\n");
		rtos_halt();
	}
	task_stop(t);
}

/* Every exception from a task (start.S saved its registers in its TCB). */
void rtos_trap(unsigned kind)
{
	in_trap = true;
	if (kind == TRAP_IRQ) {
		gic_dispatch();
	} else if (kind == TRAP_SYNC &&
		   ((read_sysreg(esr_el1) >> ESR_EC_SHIFT) & ESR_EC_MASK) == ESR_EC_SVC64) {
		/* SVC #0: a task asks for a dispatch; nothing else to do. */
	} else {
		task_fault(current, kind);
	}
	dispatch();
	in_trap = false;
}

/* An exception taken while the kernel itself ran on SP_EL1: a bug. */
void rtos_kernel_fault(unsigned kind, uint64_t elr)
{
	console_raw("rtos: kernel fault: kind %u ESR 0x%lx FAR 0x%lx ELR 0x%lx; halted\n", kind,
		    (unsigned long)read_sysreg(esr_el1), (unsigned long)read_sysreg(far_el1),
		    (unsigned long)elr);
	rtos_halt();
}

/* ---- tasks ----------------------------------------------------------------------- */

bool kernel_is_guard_page(uintptr_t pa)
{
	uintptr_t base = (uintptr_t)task_stacks;
	uintptr_t kstack = (uintptr_t)rtos_kstack;

	if (pa == kstack) {
		return true;
	}
	if (pa < base || pa >= base + sizeof(task_stacks)) {
		return false;
	}
	return (pa - base) % SLOT_SIZE == 0;
}

/* Where a task's function returns to (its x30 at creation). */
static void task_return(void)
{
	(void)irq_save();
	task_stop(current);
	resched();
	for (;;) {
	}
}

static void wake_timer(struct timer *tm)
{
	struct task *t = tm->arg;

	if (t->state == TASK_SLEEPING) {
		sched_wake(&sched, t);
	}
}

struct task *task_create(const char *name, uint8_t prio, task_fn fn, void *arg)
{
	uint64_t f = irq_save();
	struct task *t;
	uintptr_t slot;

	if (ntasks == RTOS_MAX_TASKS || prio >= RTOS_NPRIO) {
		irq_restore(f);
		console_raw("rtos: cannot create task %s\n", name);
		return NULL;
	}
	t = &tasks[ntasks];
	slot = (uintptr_t)task_stacks[ntasks];
	ntasks++;
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->base_prio = prio;
	t->prio = prio;
	t->guard_lo = slot;
	t->stack_lo = slot + RTOS_PAGE_SIZE;
	t->stack_hi = slot + SLOT_SIZE;
	t->timer.fn = wake_timer;
	t->timer.arg = t;
	/* First entry: ERET to fn(arg) at EL1t, IRQs unmasked; fn returns to
	 * task_return. */
	t->ctx[CTX_X0 / 8] = (uint64_t)(uintptr_t)arg;
	t->ctx[CTX_X30 / 8] = (uint64_t)(uintptr_t)task_return;
	t->ctx[CTX_SP / 8] = t->stack_hi;
	t->ctx[CTX_ELR / 8] = (uint64_t)(uintptr_t)fn;
	t->ctx[CTX_SPSR / 8] = SPSR_M_EL1T;
	t->state = TASK_READY;
	rq_add_tail(&sched, t);
	resched();
	irq_restore(f);
	return t;
}

static void idle_fn(void *arg)
{
	(void)arg;
	for (;;) {
		wfi();
	}
}

void kernel_init(void)
{
	freq = read_sysreg(cntfrq_el0);
	slice_ticks = rtos_us_to_ticks(RTOS_SLICE_US);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
}

void kernel_start(void)
{
	(void)irq_save();
	(void)task_create("idle", 0, idle_fn, NULL);
	started = true;
	dispatch();
	rtos_start_first(current->ctx);
}

/* ---- sleeping and periods ---------------------------------------------------------- */

void task_sleep_until(uint64_t deadline)
{
	uint64_t f = irq_save();

	if (deadline > rtos_now()) {
		sched_block(&sched, current, NULL, TASK_SLEEPING);
		tl_insert(&timers, &current->timer, deadline);
		resched();
	}
	irq_restore(f);
}

void task_sleep_us(uint64_t us)
{
	task_sleep_until(rtos_now() + rtos_us_to_ticks(us));
}

void task_yield(void)
{
	uint64_t f = irq_save();

	rq_rotate(&sched, current->prio);
	resched();
	irq_restore(f);
}

void period_start(struct period *p, uint64_t period_ticks)
{
	p->period = period_ticks;
	p->next_release = rtos_now() + period_ticks;
}

uint64_t period_wait(struct period *p, uint32_t *missed)
{
	uint64_t now = rtos_now();
	uint64_t release;

	if (now >= p->next_release) {
		/* The job overran: the releases already passed are skipped. */
		uint64_t k = (now - p->next_release) / p->period + 1;
		*missed += (uint32_t)k;
		p->next_release += k * p->period;
	}
	release = p->next_release;
	task_sleep_until(release);
	p->next_release += p->period;
	return release;
}

void ktimer_start(struct timer *t, uint64_t deadline, timer_fn fn, void *arg)
{
	uint64_t f = irq_save();

	t->fn = fn;
	t->arg = arg;
	tl_insert(&timers, t, deadline);
	if (!in_trap) {
		program_timer();
	}
	irq_restore(f);
}

/* ---- semaphores ----------------------------------------------------------------- */

void sem_init(struct sem *s, uint32_t count)
{
	s->count = count;
	s->waiters.head = NULL;
}

void sem_take(struct sem *s)
{
	uint64_t f = irq_save();

	if (s->count > 0) {
		s->count--;
	} else {
		/* The giver hands its unit straight to us. */
		sched_block(&sched, current, &s->waiters, TASK_BLOCKED);
		resched();
	}
	irq_restore(f);
}

void sem_give(struct sem *s)
{
	uint64_t f = irq_save();
	struct task *w = waitq_first(&s->waiters);

	if (w != NULL) {
		sched_wake(&sched, w);
		resched();
	} else {
		s->count++;
	}
	irq_restore(f);
}

/* ---- mutexes ------------------------------------------------------------------------ */

void mutex_init(struct mutex *m)
{
	memset(m, 0, sizeof(*m));
}

int mutex_lock(struct mutex *m)
{
	uint64_t f = irq_save();

	if (m->owner == current) {
		irq_restore(f);
		return RTOS_ERR_STATE;
	}
	if (!sched_mutex_lock(&sched, m, current)) {
		/* Blocked; the unlocker hands the mutex over before waking us. */
		resched();
	}
	irq_restore(f);
	return RTOS_OK;
}

int mutex_unlock(struct mutex *m)
{
	uint64_t f = irq_save();

	if (m->owner != current) {
		irq_restore(f);
		return RTOS_ERR_STATE;
	}
	(void)sched_mutex_unlock(&sched, m, current);
	resched();
	irq_restore(f);
	return RTOS_OK;
}

/* ---- message queues ------------------------------------------------------------------- */

static uint8_t *q_slot(struct queue *q, size_t i)
{
	return q->buf + ((q->head + i) % q->capacity) * q->msg_size;
}

/* Returns false when the queue is full and nobody waits to receive. */
static bool q_put(struct queue *q, const void *msg)
{
	struct task *r = waitq_first(&q->receivers);

	if (r != NULL) {
		memcpy(r->wait_buf, msg, q->msg_size);
		sched_wake(&sched, r);
		return true;
	}
	if (q->count == q->capacity) {
		return false;
	}
	memcpy(q_slot(q, q->count), msg, q->msg_size);
	q->count++;
	return true;
}

void queue_send(struct queue *q, const void *msg)
{
	uint64_t f = irq_save();

	if (!q_put(q, msg)) {
		/* A receiver copies our message into the queue before waking us. */
		current->wait_buf = (void *)(uintptr_t)msg;
		sched_block(&sched, current, &q->senders, TASK_BLOCKED);
	}
	resched();
	irq_restore(f);
}

int queue_try_send(struct queue *q, const void *msg)
{
	uint64_t f = irq_save();
	bool ok = q_put(q, msg);

	irq_restore(f);
	return ok ? RTOS_OK : RTOS_ERR_FULL;
}

void queue_recv(struct queue *q, void *msg)
{
	uint64_t f = irq_save();

	if (q->count > 0) {
		struct task *s = waitq_first(&q->senders);
		memcpy(msg, q_slot(q, 0), q->msg_size);
		q->head = (q->head + 1) % q->capacity;
		q->count--;
		if (s != NULL) {
			/* Room again: the first blocked sender's message goes in. */
			memcpy(q_slot(q, q->count), s->wait_buf, q->msg_size);
			q->count++;
			sched_wake(&sched, s);
			resched();
		}
	} else {
		current->wait_buf = msg;
		sched_block(&sched, current, &q->receivers, TASK_BLOCKED);
		resched();
	}
	irq_restore(f);
}
