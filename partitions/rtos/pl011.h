/*
 * PL011 console: polled output, interrupt-driven input.
 */
#ifndef RTOS_PL011_H
#define RTOS_PL011_H

#include <stdint.h>

void pl011_init(uintptr_t base);
/* Enables the receive interrupts; each character received goes to fn
 * (interrupt context). */
void pl011_rx_enable(void (*fn)(char c));
void pl011_irq(uint32_t intid, void *arg);

#endif
