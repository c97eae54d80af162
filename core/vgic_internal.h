/*
 * Shared by the vGIC's files only: the filter operations that apply a
 * partition's access to the owned bits of a physical register, and the
 * register-shape helpers (sizes, alignment). Not an interface of the module.
 */
#ifndef BULKHEAD_VGIC_INTERNAL_H
#define BULKHEAD_VGIC_INTERNAL_H

#include "vgic.h"

/* The physical GIC's registers are shared by every partition and the
 * hypervisor; read-modify-write of a shared word (ICFGR) happens under it. */
extern spinlock_t vgic_hw_lock;

/* Where a filtered register lives: the distributor, or core `core`'s
 * redistributor (SGI_base offsets are given from RD_base). */
struct vgic_target {
	int redist;
	unsigned int core;
};

uint32_t vgic_hw_read32(const struct vgic_target *t, uint32_t off);
void vgic_hw_write32(const struct vgic_target *t, uint32_t off, uint32_t v);
void vgic_hw_write8(const struct vgic_target *t, uint32_t off, uint8_t v);

/* 32 interrupts' owned bits starting at `first` (a multiple of 32). */
uint32_t vgic_owned_word(const struct vgic *g, uint32_t first);

/* One of the bit-per-interrupt set/clear registers (ISENABLER ... ICACTIVER)
 * for interrupts first..first+31: reads show the owned bits of the physical
 * register, writes pass only owned bits on. */
void vgic_bits_access(struct vgic *g, const struct vgic_target *t, uint32_t hw_off,
		      uint32_t mask, int is_write, uint64_t *val);

/* IPRIORITYR bytes for interrupts intid..intid+size-1, with shadow[] holding
 * the guest's values for those interrupts. */
void vgic_prio_access(struct vgic *g, const struct vgic_target *t, uint32_t hw_off,
		      uint32_t intid, uint8_t *shadow, unsigned int size, int is_write,
		      uint64_t *val);

/* ICFGR for interrupts first..first+15 (two bits each). */
void vgic_cfg_access(struct vgic *g, const struct vgic_target *t, uint32_t hw_off,
		     uint32_t first, int is_write, uint64_t *val);

/* Whether an access of `size` bytes at `off` is naturally aligned and of a
 * size the register allows (sizes: bit mask, bit n = 2^n bytes allowed). */
int vgic_size_ok(uint32_t off, unsigned int size, unsigned int sizes);

#define VGIC_SZ8   (1u << 0)
#define VGIC_SZ32  (1u << 2)
#define VGIC_SZ64  (1u << 3)

/* Physical priority for a guest priority: below every hypervisor priority. */
static inline uint8_t vgic_hw_prio(uint8_t guest)
{
	return (uint8_t)(VGIC_PRIO_GUEST_BASE | (guest >> 1));
}



/* Where the guest's GICD_IROUTER value of an owned SPI is kept; NULL for
 * an INTID the partition does not own. */
uint32_t *vgic_spi_route(struct vgic *g, uint32_t intid);

/* The physical GICD_IROUTER value that sends an SPI to vCPU vcpu's core
 * (vCPU 0's for a vCPU the partition does not have). */
uint64_t vgic_phys_irouter(const struct vgic *g, uint32_t vcpu);

#endif /* BULKHEAD_VGIC_INTERNAL_H */
