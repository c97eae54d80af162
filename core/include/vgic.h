/*
 * A partition's view of the GICv3 distributor and redistributors.
 *
 * The emulation is a filter in front of the physical GIC, not a second GIC:
 * a partition owns its SPIs (from the configuration) and some private
 * interrupts of its own cores (its SGIs, its timer PPIs); an access to an
 * owned interrupt's bit, byte or field is applied to the physical register,
 * an access to anything else reads as zero and is ignored (and counted). So
 * the hardware holds the one true state, a partition can never change
 * another's interrupts or the hypervisor's, and there is nothing to keep in
 * step. What the guest must see differently from the hardware is translated:
 *  - affinity: GICD_IROUTER and GICR_TYPER speak virtual MPIDRs (vCPU i is
 *    0.0.0.i); the physical route is vCPU i's core;
 *  - priority: the guest's 8-bit priority p is programmed as
 *    VGIC_PRIO_GUEST_BASE | p >> 1, so every partition interrupt stays below
 *    the hypervisor's own (0x00) whatever the guest writes; reads return p
 *    from a shadow, which is also what a list register carries;
 *  - security view: the partition sees the Non-secure view of a GIC with two
 *    Security states (GICD_CTLR.DS = 0): groups, group modifiers and NSACR
 *    read as "Group 1 Non-secure" and ignore writes; no LPIs, no message
 *    SPIs, no 1-of-N routing (GICD_TYPER.No1N = 1).
 * Layout and reset values: Arm IHI 0069 (GICv3/v4), chapter 12.
 *
 * Every access is total: any offset, size or alignment is answered. Reserved
 * offsets read as zero and ignore writes; a size or alignment the register
 * does not allow answers VGIC_BUS_ERROR, which the caller turns into an
 * external abort, as the interconnect would.
 */
#ifndef BULKHEAD_VGIC_H
#define BULKHEAD_VGIC_H

#include <stdint.h>

#include "config.h"
#include "config_tables.h"
#include "spinlock.h"

#define VGIC_NR_PRIVATE       32u     /* SGIs 0-15, PPIs 16-31 */
#define VGIC_NR_INTIDS        1020u   /* INTIDs 0..1019; 1020-1023 are special */
#define VGIC_WORDS            ((VGIC_NR_INTIDS + 31u) / 32u)

#define VGIC_GICD_SIZE        0x10000u
#define VGIC_GICR_FRAME_SIZE  0x20000u  /* RD_base + SGI_base */
#define VGIC_GICR_SGI_BASE    0x10000u

/* Partition priorities live in the lower half of the priority range. */
#define VGIC_PRIO_GUEST_BASE  0x80u

enum vgic_result {
	VGIC_OK = 0,
	VGIC_BUS_ERROR = -1,
};

struct vgic_stats {
	uint32_t foreign_writes;   /* writes that touched no owned interrupt bit */
};

struct vgic_cpu {
	uint8_t prio[VGIC_NR_PRIVATE];   /* the guest's priorities (shadow) */
	uint32_t waker;                  /* GICR_WAKER.ProcessorSleep as written */
};

struct vgic {
	uint32_t ncpus;
	uint32_t cores[CONFIG_MAX_CORES];  /* physical core of vCPU i */
	uint64_t mpidr[CONFIG_MAX_CORES];  /* its physical MPIDR affinity */
	uint32_t owned[VGIC_WORDS];        /* SPIs of the partition, by INTID */
	uint32_t private_mask;             /* SGIs/PPIs the partition may touch */
	uint32_t ctlr;                     /* virtual GICD_CTLR.EnableGrp1NS */
	uint8_t prio[VGIC_NR_INTIDS];      /* the guest's SPI priorities (shadow),
					    * by INTID: one load on the fast path */
	uint32_t nspis;                    /* its SPIs, in configuration order: */
	uint16_t spi[BH_CFG_MAX_IRQS];     /*   INTID */
	uint32_t route[BH_CFG_MAX_IRQS];   /*   GICD_IROUTER as the guest wrote it,
					    *   Aff3.Aff2.Aff1.Aff0, one byte each */
	struct vgic_cpu cpu[CONFIG_MAX_CORES];
	struct vgic_stats stats;
};

/*
 * Sets up g for a partition: its cores (vCPU i on cores[i], with physical
 * MPIDR mpidr[i]), its SPIs (irqs, INTIDs 32..1019; others are ignored) and
 * the private interrupts it may touch (private_mask, bit n = INTID n). The
 * partition's SPIs are disabled, routed to vCPU 0 and given the lowest
 * priority on the physical GIC, so nothing of a previous run survives.
 */
void vgic_init(struct vgic *g, uint32_t ncpus, const uint32_t *cores, const uint64_t *mpidr,
	       const uint32_t *irqs, uint32_t nirqs, uint32_t private_mask);

/* Whether the partition owns INTID (SPI, or private of its cores). */
int vgic_owns(const struct vgic *g, uint32_t intid);

/* The priority the guest gave an owned interrupt, for its list register. */
static inline uint8_t vgic_guest_prio(const struct vgic *g, uint32_t vcpu, uint32_t intid)
{
	return intid < VGIC_NR_PRIVATE ? g->cpu[vcpu].prio[intid] : g->prio[intid];
}

/* Puts the partition's interrupts back to reset on the hardware (SPIs
 * disabled, not pending, not active, routed to vCPU 0): at every (re)start
 * and stop, so nothing of one run reaches the next. */
void vgic_reset_spis(struct vgic *g);
/* The output line of a device the hypervisor emulates for the partition
 * (its PL011), wired to one of the partition's own SPIs: up sets the SPI
 * pending in the physical distributor, down clears it, whatever the
 * delivery mode. An INTID the partition does not own is ignored. */
void vgic_spi_set_level(const struct vgic *g, uint32_t intid, int level);

/* The same for the private interrupts of vCPU vcpu on its core's
 * redistributor; also forgets the guest's priorities and WAKER state. */
void vgic_reset_private(struct vgic *g, uint32_t vcpu);

/* A guest SGI write (ICC_SGI1R_EL1 layout) from vCPU self: for each vCPU it
 * targets, sends the SGI to that vCPU's core. Returns how many were sent; 0
 * with *refused set when it named the hypervisor's SGI or no vCPU of its
 * own. */
unsigned int vgic_send_sgi(const struct vgic *g, uint32_t self, uint64_t sgi1r, int *refused);

/* The vCPU an SPI is routed to, or g->ncpus when its route names none of
 * the partition's vCPUs (the interrupt is then held back). */
uint32_t vgic_route_vcpu(struct vgic *g, uint32_t intid);

/* An access to the partition's GICD frame at `off` (0..VGIC_GICD_SIZE-1);
 * *val in/out. */
enum vgic_result vgic_dist_access(struct vgic *g, uint32_t off, int is_write, unsigned int size,
				  uint64_t *val);

/* An access to the partition's redistributor region at `off` (frame i for
 * vCPU i, VGIC_GICR_FRAME_SIZE each); *val in/out. */
enum vgic_result vgic_redist_access(struct vgic *g, uint64_t off, int is_write,
				    unsigned int size, uint64_t *val);

#endif /* BULKHEAD_VGIC_H */
