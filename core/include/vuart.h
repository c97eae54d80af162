/*
 * An emulated PL011 per partition, complete enough for Linux's unmodified
 * amba-pl011 driver with interrupts: transmit, receive with FIFO levels, and
 * the interrupt mask/status/clear registers. What the partition writes reaches
 * the hypervisor console line by line, behind its partition's name, so several
 * partitions share the board's one UART without mixing characters; what the
 * person types reaches the partition with the console's focus
 * (core/console_mux.c). The interrupt line it computes is raised on a spare
 * SPI of the partition's own (console_mux.c drives it).
 *
 * Pure state: no locking, no hardware. The caller serialises (p->lock).
 */
#ifndef BULKHEAD_VUART_H
#define BULKHEAD_VUART_H

#include <stdint.h>

#define VUART_LINE_MAX 200u   /* Linux and RTOS lines up to this stay one line */
/* Input waiting for the partition. The driver sees a PL011's 32-entry FIFO
 * (FR.RXFF from 32 on); the rest is a backlog the emulation keeps instead of
 * dropping what arrives in one burst (a pasted line), since the real UART's
 * flow is not the partition's to stop. Beyond it input is dropped and
 * reported as an overrun, as a PL011 would. */
#define VUART_RX_MAX   256u
#define VUART_FIFO_DEPTH 32u

struct vuart {
	const char *name;
	uint64_t base_ipa;
	uint32_t intid;           /* the interrupt raised for it (a spare SPI), 0 if none */
	uint32_t cr;              /* registers a driver writes and reads back */
	uint32_t lcr_h;
	uint32_t ibrd;
	uint32_t fbrd;
	uint32_t imsc;
	uint32_t ifls;
	uint32_t ris_latched;     /* TX and overrun: set by an event, cleared by ICR */
	uint32_t rsr;             /* receive errors (overrun), cleared by a write to RSR/ECR */
	uint32_t rx_head;
	uint32_t rx_count;
	uint32_t rx_dropped;      /* bytes lost to a full backlog, since reset */
	uint8_t rx[VUART_RX_MAX];
	uint32_t len;
	uint32_t wrapped;         /* the last line was cut at VUART_LINE_MAX */
	uint32_t esc;             /* inside a terminal control sequence being dropped */
	uint32_t live;            /* has the console's focus: partial lines shown at once */
	uint32_t line_driven;     /* interrupt level last put on intid (console_mux.c) */
	char line[VUART_LINE_MAX + 1];
};

void vuart_init(struct vuart *u, const char *name, uint64_t base_ipa, uint32_t intid);
/* Back to the PL011's reset state, input discarded, output flushed (a
 * partition restart: nothing of the old run reaches the new one). */
void vuart_reset(struct vuart *u);
/* Returns 1 if ipa is inside this UART's page. */
int vuart_covers(const struct vuart *u, uint64_t ipa);
/* A load or store the partition made; *value in/out. Returns 1 if the UART
 * takes it: unknown offsets read as zero and ignore writes. Returns 0, having
 * read and written nothing, for an access no PL011 takes (not at a
 * register's first byte, or not 8, 16 or 32 bits wide): the caller answers
 * it as the bus would, with an external abort. Total over offsets and sizes. */
int vuart_access(struct vuart *u, uint64_t offset, int is_write, unsigned int size,
		 uint64_t *value);
/* A byte typed for this partition. Returns 1 if queued, 0 if the backlog
 * was full (dropped, counted, overrun raised). */
int vuart_receive(struct vuart *u, uint8_t c);
/* The level of the UART's interrupt output: a raw status bit that is
 * unmasked in UARTIMSC (PL011 TRM, UARTINTR). */
int vuart_irq_level(const struct vuart *u);
/* Emits what is buffered, if anything (on stop or restart). */
void vuart_flush(struct vuart *u);
/* Whether partial lines are shown as they are written (the console's focus). */
void vuart_set_live(struct vuart *u, int live);

#endif /* BULKHEAD_VUART_H */
