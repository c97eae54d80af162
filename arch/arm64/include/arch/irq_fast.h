/*
 * What the lower-EL IRQ fast path (arch/arm64/irq_fast.S) knows about the
 * vCPU on its core: one 64-byte entry per core, filled when a virtual-mode
 * vCPU enters (arch_vgic_cpu_reset), read with fixed offsets from assembly
 * (checked against the C layout in vgic_lr.c).
 */
#ifndef ARCH_IRQ_FAST_H
#define ARCH_IRQ_FAST_H

#define IRQF_OWNED       0    /* const uint32_t *: the partition's SPI bitmap */
#define IRQF_SPI_PRIO    8    /* const uint8_t *: guest priority by INTID */
#define IRQF_PRIV_PRIO   16   /* const uint8_t *: this vCPU's SGI/PPI priorities */
#define IRQF_QUEUE_N     24   /* const uint32_t *: interrupts waiting in its queue */
#define IRQF_INJECTED    32   /* uint32_t *: its injected-interrupt counter */
#define IRQF_TRAP_IRQ    40   /* uint32_t *: this core's IRQ entry counter */
#define IRQF_PRIV_MASK   48   /* uint32_t: the private INTIDs it owns */
#define IRQF_SIZE_SHIFT  6

/* The slow path's pseudo vector numbers: an IRQ whose INTID the fast path
 * already acknowledged arrives in arch_exception as this base + INTID. */
#define VEC_IRQ_ACKED_BASE 16

#ifndef __ASSEMBLER__
#include <stdint.h>

struct irq_fast {
	const uint32_t *owned;
	const uint8_t *spi_prio;
	const uint8_t *priv_prio;
	const uint32_t *queue_n;
	uint32_t *injected;
	uint32_t *trap_irq;
	uint32_t priv_mask;
	uint32_t reserved[3];
};

/* Indexed by core (TPIDR_EL2). */
extern struct irq_fast irq_fast_tab[];

#endif /* __ASSEMBLER__ */

#endif /* ARCH_IRQ_FAST_H */
