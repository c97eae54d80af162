/*
 * The demo application (issue 15, item 2):
 * - control: periodic (bootargs period=US, default 1000), measures its
 *   release jitter (wake time minus intended release, counter ticks) and
 *   counts missed releases; once per second of counter time it hands the
 *   window's figures to the reporter without ever blocking;
 * - report: prints the status line (the control task never touches the
 *   console);
 * - heartbeat: a line per second;
 * - background: the lowest priority, checksumming a buffer round after round;
 * - rx: echoes what the UART receives (its interrupt handler sends each
 *   character into a queue);
 * - overflow (bootargs overflow=1): recurses until its guard page stops it.
 */
#include "app.h"
#include "board.h"
#include "kernel.h"
#include "pl011.h"
#include "rtos.h"

struct status {
	uint32_t releases;
	uint32_t missed;
	uint64_t jitter_min;
	uint64_t jitter_max;
	uint64_t jitter_sum;
};

QUEUE_DEFINE(report_q, struct status, 4);
QUEUE_DEFINE(rx_q, char, 64);

static volatile uint64_t background_rounds;
static volatile uint32_t background_sum;
static volatile uint32_t reports_dropped;

static void control_fn(void *arg)
{
	struct period p;
	struct status st = { .jitter_min = UINT64_MAX };
	uint64_t window_end;
	uint32_t state = 1;

	(void)arg;
	period_start(&p, rtos_us_to_ticks(board.period_us));
	window_end = p.next_release + rtos_freq();
	for (;;) {
		uint64_t release = period_wait(&p, &st.missed);
		uint64_t jitter = rtos_now() - release;

		st.releases++;
		st.jitter_sum += jitter;
		if (jitter < st.jitter_min) {
			st.jitter_min = jitter;
		}
		if (jitter > st.jitter_max) {
			st.jitter_max = jitter;
		}
		/* The "control law": a little integer work per release. */
		state = state * 1103515245u + 12345u;
		if (release >= window_end) {
			if (queue_try_send(&report_q, &st) != RTOS_OK) {
				reports_dropped++;
			}
			st = (struct status){ .jitter_min = UINT64_MAX };
			window_end += rtos_freq();
			if (window_end <= release) {
				window_end = release + rtos_freq();
			}
		}
	}
}

/* Bulkhead's vendor hypercall that prints the calling partition's counters
 * on the hypervisor's console (docs/hypercalls.md): SMCCC fast call,
 * 64-bit, vendor-specific hypervisor service, function 2. Only with
 * counters=S in the bootargs: natively there is no EL2 to answer an HVC. */
#define BH_HYP_PRINT_COUNTERS 0x86000002ul

static long hyp_print_counters(void)
{
	register unsigned long x0 __asm__("x0") = BH_HYP_PRINT_COUNTERS;
	__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	return (long)x0;
}

static void report_fn(void *arg)
{
	unsigned long seconds = 0;

	(void)arg;
	for (;;) {
		struct status st;
		queue_recv(&report_q, &st);
		rtos_printf("rtos: control period %u us: releases %u, missed %u, jitter min %lu avg %lu "
			    "max %lu ticks (%lu Hz), background %lu\n", (unsigned)board.period_us,
			    (unsigned)st.releases, (unsigned)st.missed,
			    (unsigned long)(st.releases != 0 ? st.jitter_min : 0),
			    (unsigned long)(st.releases != 0 ? st.jitter_sum / st.releases : 0),
			    (unsigned long)st.jitter_max, (unsigned long)rtos_freq(),
			    (unsigned long)background_rounds);
		seconds++;
		if (board.counters_s != 0 && seconds % board.counters_s == 0) {
			long r = hyp_print_counters();
			rtos_printf("rtos: counters asked of the hypervisor after %lu s: %ld\n", seconds, r);
		}
	}
}

static void heartbeat_fn(void *arg)
{
	struct period p;
	uint32_t missed = 0;
	unsigned long n = 0;

	(void)arg;
	period_start(&p, rtos_freq());
	for (;;) {
		(void)period_wait(&p, &missed);
		n++;
		rtos_printf("rtos: %s heartbeat %lu\n", board.name, n);
	}
}

#define BG_WORDS 1024

static uint32_t bg_buf[BG_WORDS];

static void background_fn(void *arg)
{
	uint32_t i;

	(void)arg;
	for (i = 0; i < BG_WORDS; i++) {
		bg_buf[i] = i * 2654435761u;
	}
	for (;;) {
		/* Fletcher-style checksum of the buffer: one round per pass. */
		uint32_t a = 1;
		uint32_t b = 0;
		for (i = 0; i < BG_WORDS; i++) {
			a = (a + bg_buf[i]) % 65521u;
			b = (b + a) % 65521u;
		}
		background_sum = (b << 16) | a;
		bg_buf[background_rounds % BG_WORDS] ^= background_sum;
		background_rounds++;
	}
}

static void rx_char(char c)
{
	/* Interrupt context: never blocks; a full queue drops the character. */
	(void)queue_try_send(&rx_q, &c);
}

static void rx_fn(void *arg)
{
	(void)arg;
	for (;;) {
		char c;
		queue_recv(&rx_q, &c);
		if (c >= 0x20 && c < 0x7f && c != '\'') {
			rtos_printf("rtos: rx '%c'\n", c);
		} else {
			rtos_printf("rtos: rx 0x%02x\n", (unsigned)(unsigned char)c);
		}
	}
}

/* Far beyond any stack: only the guard page ends the recursion. */
static volatile unsigned recurse_limit = 1000000u;

static unsigned recurse(unsigned depth)
{
	volatile uint8_t frame[256];

	frame[0] = (uint8_t)depth;
	if (depth >= recurse_limit) {
		return 0;
	}
	/* Not a tail call: the result is used after the call returns. */
	return recurse(depth + 1) + frame[0];
}

static void overflow_fn(void *arg)
{
	(void)arg;
	rtos_printf("rtos: overflow: task overflow recursing until its stack runs out\n");
	(void)recurse(0);
	rtos_printf("rtos: overflow: recursion returned (no guard?)\n");
}

void demo_start(void)
{
	(void)task_create("control", PRIO_CONTROL, control_fn, NULL);
	(void)task_create("report", PRIO_REPORT, report_fn, NULL);
	(void)task_create("rx", PRIO_RX, rx_fn, NULL);
	if (!board.quiet) {
		(void)task_create("heartbeat", PRIO_HEARTBEAT, heartbeat_fn, NULL);
	}
	(void)task_create("background", PRIO_BACKGROUND, background_fn, NULL);
	if (board.overflow) {
		(void)task_create("overflow", PRIO_OVERFLOW, overflow_fn, NULL);
	}
	if (board.uart_intid != 0) {
		pl011_rx_enable(rx_char);
		(void)irq_register(board.uart_intid, pl011_irq, NULL);
	}
}
