/*
 * This core's virtual CPU interface (arch/arm64/vgic_lr.c), as the rest of
 * arch/arm64 uses it.
 */
#ifndef ARCH_VGIC_LR_H
#define ARCH_VGIC_LR_H

#include <stdint.h>

/* Empties the list registers and active priorities and, in virtual mode,
 * turns the virtual CPU interface on: a fresh GIC for the vCPU about to
 * enter. Sets this core's EOImode for the mode. */
void arch_vgic_cpu_reset(int virtual_mode);

/* Turns the virtual CPU interface off and empties it (the core parks). */
void arch_vgic_cpu_off(void);

/* A physical IRQ taken from a partition: acknowledge, hand each of its
 * interrupts to it through a list register, end the others. */
void arch_guest_irq(void);
/* The same, for an IRQ whose INTID the fast path (irq_fast.S) already
 * acknowledged. */
void arch_guest_irq_acked(uint32_t intid);

/* Where this core's IRQ entry counter lives (arch/arm64/traps.c). */
uint32_t *arch_trap_irq_counter(unsigned int core);

/* A physical FIQ taken from a partition: the hypervisor's own Group 0
 * interrupts (request SGI, maintenance) - arch/arm64/irq.c. */
void arch_hyp_fiq(void);

#endif /* ARCH_VGIC_LR_H */
