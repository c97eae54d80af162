/*
 * The board's one console shared by the partitions (DESIGN.md, "Console").
 * Output: each partition's emulated PL011 (vuart.c) puts out whole lines
 * behind its label; the partition with the focus shows its partial line at
 * once, so a shell's prompt and what the person types appear as they come.
 * Input: the real UART's receive interrupt is the hypervisor's; the bytes go
 * to the emulated PL011 of the partition with the focus, and that UART's
 * interrupt line is raised on the partition's own SPI (bhcfg gave it one).
 * The interrupt is routed to the focused partition's first core, so typing
 * disturbs no other partition's cores.
 *
 * Focus starts at the partition with console-focus (else the first with an
 * emulated console, in configuration order) and moves to
 * the next one, in configuration order, with Ctrl-\ (0x1c), which no
 * partition receives.
 */
#ifndef BULKHEAD_CONSOLE_MUX_H
#define BULKHEAD_CONSOLE_MUX_H

#include <stdint.h>

/* Key that moves the focus (Ctrl-\, ASCII FS). */
#define CONSOLE_FOCUS_KEY       0x1cu

struct partition;

/* Boot core, once, after partitions_init(): picks the focus and claims the
 * UART's receive interrupt. */
void console_mux_init(void);
/* The UART's receive interrupt fired on this core (arch/arm64/irq.c). */
void console_mux_input_irq(void);
/* A load or store to p's emulated PL011, under p->lock: the access and the
 * interrupt line it leaves, in one step. Returns vuart_access()'s answer. */
int console_mux_uart_access(struct partition *p, uint64_t offset, int is_write,
			    unsigned int size, uint64_t *value);
/* p starts again (under p->lock or with its cores stopped): its UART back
 * to reset, input waiting for the old run discarded, its line down. */
void console_mux_reset(struct partition *p);

#endif /* BULKHEAD_CONSOLE_MUX_H */
