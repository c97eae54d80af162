/*
 * The physical GICv3 as the hypervisor itself uses it: software-generated
 * interrupts (SGIs) between cores at EL2, so one core can ask another to stop
 * or restart the partition it runs. Register layout: Arm IHI 0069 (GICv3/v4
 * architecture specification), chapters 12 (GICD/GICR) and 12.11 (ICC).
 */
#ifndef ARCH_GICV3_H
#define ARCH_GICV3_H

#include <stdint.h>

/* The SGI Bulkhead uses for cross-core requests. Linux uses SGIs 0-7 for
 * its IPIs and leaves 8-15 alone, so a Linux partition never asks for it; a
 * partition that does is refused (core/vgic_sgi.c). */
#define GIC_SGI_REQUEST         8u
/* The GIC's maintenance interrupt (a PPI), how QEMU virt and most boards wire
 * it (DESIGN.md, board facts). */
#define GIC_PPI_MAINTENANCE     25u
/* The EL2 physical timer's PPI (Arm BSA; QEMU virt wires it so), the
 * hypervisor's own: deadlines of the emulated watchdogs (hyp_timer.c). */
#define GIC_PPI_HYP_TIMER       26u
/* The partition's own private interrupts: its SGIs and the EL1 timers'
 * PPIs (virtual 27, physical 30). The EL2 timer (26), the maintenance
 * interrupt (25) and the request SGI stay the hypervisor's. */
#define GIC_PPI_VTIMER          27u
#define GIC_PPI_PTIMER          30u
#define GIC_GUEST_PRIVATE_MASK  ((0xffffu & ~(1u << GIC_SGI_REQUEST)) | \
				 (1u << GIC_PPI_VTIMER) | (1u << GIC_PPI_PTIMER))

/* GIC system registers by encoding (Arm IHI 0069, 12.2 and 12.5). */
#define ICC_IAR1_EL1            S3_0_C12_C12_0
#define ICC_EOIR1_EL1           S3_0_C12_C12_1
#define ICC_DIR_EL1             S3_0_C12_C11_1
#define ICC_CTLR_EL1            S3_0_C12_C12_4
#define ICC_CTLR_EOIMODE        (1UL << 1)   /* EOIR drops priority, DIR deactivates */
#define ICC_SGI1R_EL1           S3_0_C12_C11_5
#define ICC_SGI0R_EL1           S3_0_C12_C11_7
#define ICC_IAR0_EL1            S3_0_C12_C8_0
#define ICC_EOIR0_EL1           S3_0_C12_C8_1
#define ICC_IGRPEN0_EL1         S3_0_C12_C12_6
#define ICH_AP0R0_EL2           S3_4_C12_C8_0
#define ICH_AP1R0_EL2           S3_4_C12_C9_0
#define ICH_HCR_EL2             S3_4_C12_C11_0
#define ICH_HCR_EN              (1UL << 0)   /* the virtual CPU interface works */
#define ICH_HCR_UIE             (1UL << 1)   /* maintenance on underflow */
#define ICH_VTR_EL2             S3_4_C12_C11_1
#define ICH_VTR_LISTREGS_MASK   0x1fUL       /* number of list registers - 1 */
#define ICH_MISR_EL2            S3_4_C12_C11_2
#define ICH_ELRSR_EL2           S3_4_C12_C11_5
#define ICH_VMCR_EL2            S3_4_C12_C11_7
/* INTIDs 1020-1023 are special: 1023 means "no pending interrupt". */
#define GIC_INTID_SPURIOUS      1023u

/* Distributor-wide set-up; boot core, once. */
void gicv3_init_dist(uint64_t gicd_base, uint64_t gicr_base);
/* This core's redistributor and CPU interface. Every core, at boot. */
void gicv3_init_cpu(unsigned int core);
/* Whether gicv3_init_cpu ran on this core. */
int gicv3_ready(void);
/* Sends Group 1 SGI sgi (a partition's) to the core with that MPIDR. */
void gicv3_send_sgi(uint64_t mpidr, unsigned int sgi);
/* Sends the hypervisor's request SGI (Group 0) to the core with that MPIDR. */
void gicv3_send_request(uint64_t mpidr);
/* Acknowledges the highest-priority pending Group 1 / Group 0 interrupt. */
uint32_t gicv3_ack(void);
uint32_t gicv3_ack0(void);
/* Ends and deactivates an interrupt acknowledged by gicv3_ack / ack0,
 * whichever EOImode the core is in. */
void gicv3_eoi(uint32_t intid);
void gicv3_eoi0(uint32_t intid);
/* This core's EOImode: 1 (split: EOI drops priority, DIR deactivates) where
 * a virtual-mode partition runs, so hardware-linked list registers work; 0
 * where a direct-mode partition runs, whose EOIR1 must deactivate (its
 * writes to ICC_CTLR_EL1 go to the virtual interface, FMO = 1). */
void gicv3_set_eoimode(int split);
/* An SPI of the hypervisor's own (the console UART's receive): Group 0,
 * highest priority, level-sensitive, routed to the core with this MPIDR,
 * enabled. gicv3_route_spi moves it to another core. */
void gicv3_claim_spi(uint32_t intid, uint64_t mpidr);
void gicv3_route_spi(uint32_t intid, uint64_t mpidr);

#endif /* ARCH_GICV3_H */
