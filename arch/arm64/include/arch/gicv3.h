/*
 * The physical GICv3 as the hypervisor itself uses it: software-generated
 * interrupts (SGIs) between cores at EL2, so one core can ask another to stop
 * or restart the partition it runs. Register layout: Arm IHI 0069 (GICv3/v4
 * architecture specification), chapters 12 (GICD/GICR) and 12.11 (ICC).
 */
#ifndef ARCH_GICV3_H
#define ARCH_GICV3_H

#include <stdint.h>

/* The SGI Bulkhead uses for cross-core requests. */
#define GIC_SGI_REQUEST         8u
/* INTIDs 1020-1023 are special: 1023 means "no pending interrupt". */
#define GIC_INTID_SPURIOUS      1023u

/* Distributor-wide set-up; boot core, once. */
void gicv3_init_dist(uint64_t gicd_base, uint64_t gicr_base);
/* This core's redistributor and CPU interface. Every core, at boot. */
void gicv3_init_cpu(unsigned int core);
/* Whether gicv3_init_cpu ran on this core. */
int gicv3_ready(void);
/* Sends GIC_SGI_REQUEST to the core with the given MPIDR affinity. */
void gicv3_send_sgi(uint64_t mpidr, unsigned int sgi);
/* Acknowledges the highest-priority pending Group 1 interrupt. */
uint32_t gicv3_ack(void);
/* Ends (and, with EOImode 0, deactivates) an acknowledged interrupt. */
void gicv3_eoi(uint32_t intid);

#endif /* ARCH_GICV3_H */
