/*
 * PL011 UART driver and picolibc's stdout.
 *
 * Output is polled (the console is slow next to nothing else here); input
 * raises the receive and receive-timeout interrupts and the handler drains
 * the FIFO. Only 32-bit accesses to UARTDR, FR, IMSC and ICR: what every
 * PL011, real or emulated, takes.
 *
 * printf comes from picolibc. Its printf/snprintf are variadic functions
 * built with FP/SIMD (their prologues save q0-q7), which this kernel keeps
 * disabled, so tasks print through rtos_printf: our own variadic function,
 * built with -mgeneral-regs-only, hands a va_list to picolibc's vfprintf,
 * linked as its integer-only variant __i_vfprintf (no FP registers).
 */
#include <stdarg.h>
#include <stdio.h>

#include "arch.h"
#include "kernel.h"
#include "pl011.h"

#define UARTDR 0x000u
#define UARTFR 0x018u
#define UARTFR_RXFE (1u << 4)
#define UARTFR_TXFF (1u << 5)
#define UARTIMSC 0x038u
#define UARTIMSC_RXIM (1u << 4)
#define UARTIMSC_RTIM (1u << 6)
#define UARTICR 0x044u
#define UARTICR_RXIC (1u << 4)
#define UARTICR_RTIC (1u << 6)
#define UARTDR_DATA_MASK 0xffu

static uintptr_t uart;
static void (*rx_fn)(char c);
static struct mutex console_mutex;
static unsigned console_depth;   /* nesting of the owner's locks */

static void putc_raw(char c)
{
	if (uart == 0) {
		return;
	}
	while ((mmio_read32(uart + UARTFR) & UARTFR_TXFF) != 0) {
	}
	mmio_write32(uart + UARTDR, (uint8_t)c);
}

static int uart_put(char c, FILE *f)
{
	(void)f;
	if (c == '\n') {
		putc_raw('\r');
	}
	putc_raw(c);
	return (unsigned char)c;
}

static FILE uart_file = FDEV_SETUP_STREAM(uart_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &uart_file;

void pl011_init(uintptr_t base)
{
	uart = base;
}

void pl011_rx_enable(void (*fn)(char c))
{
	if (uart == 0) {
		return;
	}
	rx_fn = fn;
	mmio_write32(uart + UARTICR, UARTICR_RXIC | UARTICR_RTIC);
	mmio_write32(uart + UARTIMSC, mmio_read32(uart + UARTIMSC) | UARTIMSC_RXIM | UARTIMSC_RTIM);
}

void pl011_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	while ((mmio_read32(uart + UARTFR) & UARTFR_RXFE) == 0) {
		char c = (char)(mmio_read32(uart + UARTDR) & UARTDR_DATA_MASK);
		if (rx_fn != NULL) {
			rx_fn(c);
		}
	}
	/* Reading the FIFO empty clears the receive interrupt; the timeout
	 * one needs clearing by hand. */
	mmio_write32(uart + UARTICR, UARTICR_RXIC | UARTICR_RTIC);
}

void console_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vfprintf(stdout, fmt, ap);
	va_end(ap);
}

/* Only tasks take the mutex: traps and boot code print as they are. The
 * owner may nest (rtos_printf inside console_lock). */
void console_lock(void)
{
	if (!kernel_in_task()) {
		return;
	}
	if (console_mutex.owner != task_self()) {
		(void)mutex_lock(&console_mutex);
	}
	console_depth++;
}

void console_unlock(void)
{
	if (!kernel_in_task() || console_mutex.owner != task_self()) {
		return;
	}
	if (--console_depth == 0) {
		(void)mutex_unlock(&console_mutex);
	}
}

int rtos_vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int rtos_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	console_lock();
	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	console_unlock();
	return n;
}
