/*
 * The seam between the generic vGIC (core/vgic_*.c) and the physical GICv3
 * (arch/arm64/gicv3.c): raw register access to the distributor and to one
 * core's redistributor, nothing more. The vGIC decides what a partition may
 * touch; these only reach the hardware. Offsets: Arm IHI 0069, chapter 12;
 * `off` in a redistributor counts from its RD_base (SGI_base is +0x10000).
 */
#ifndef BULKHEAD_GIC_HW_H
#define BULKHEAD_GIC_HW_H

#include <stdint.h>

uint32_t arch_gicd_read32(uint32_t off);
void arch_gicd_write32(uint32_t off, uint32_t v);
void arch_gicd_write8(uint32_t off, uint8_t v);
void arch_gicd_write64(uint32_t off, uint64_t v);

uint32_t arch_gicr_read32(unsigned int core, uint32_t off);
void arch_gicr_write32(unsigned int core, uint32_t off, uint32_t v);
void arch_gicr_write8(unsigned int core, uint32_t off, uint8_t v);

/* The private interrupts (bit n = INTID n) a partition may own on its cores:
 * its SGIs and its timers' PPIs, not the hypervisor's. */
uint32_t arch_gic_guest_private_mask(void);

/* Sends SGI intid to the core with physical MPIDR affinity mpidr. */
void arch_gic_send_sgi(uint64_t mpidr, uint32_t intid);

/* This core's virtual CPU interface (ICH_*_EL2, IHI 0069 12.5): how many
 * list registers it has, one read or written, which are empty
 * (ICH_ELRSR_EL2), and the underflow maintenance interrupt (ICH_HCR_EL2.UIE:
 * raised while at most one list register holds an interrupt). */
unsigned int arch_lr_count(void);
uint64_t arch_lr_read(unsigned int n);
void arch_lr_write(unsigned int n, uint64_t v);
uint32_t arch_lr_empty(void);
void arch_lr_underflow_irq(int on);

#endif /* BULKHEAD_GIC_HW_H */
