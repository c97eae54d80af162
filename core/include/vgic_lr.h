/*
 * The GICv3 list-register format (ICH_LR<n>_EL2, Arm IHI 0069, 12.5.x),
 * shared by the injection path (arch/arm64/vgic_lr.c) and the overflow queue
 * (core/vgic_queue.c): an interrupt travels as the value it will be written
 * with.
 */
#ifndef BULKHEAD_VGIC_LR_H
#define BULKHEAD_VGIC_LR_H

#include <stdint.h>

#define VGIC_LR_VINTID_MASK     0xffffffffull
#define VGIC_LR_PINTID_SHIFT    32
#define VGIC_LR_PINTID_MASK     (0x1fffull << VGIC_LR_PINTID_SHIFT)
#define VGIC_LR_PRIO_SHIFT      48
#define VGIC_LR_PRIO_MASK       (0xffull << VGIC_LR_PRIO_SHIFT)
#define VGIC_LR_GROUP1          (1ull << 60)
#define VGIC_LR_HW              (1ull << 61)  /* guest's deactivation deactivates pINTID */
#define VGIC_LR_STATE_SHIFT     62
#define VGIC_LR_STATE_MASK      (3ull << VGIC_LR_STATE_SHIFT)
#define VGIC_LR_PENDING         (1ull << VGIC_LR_STATE_SHIFT)
#define VGIC_LR_ACTIVE          (2ull << VGIC_LR_STATE_SHIFT)

#define VGIC_LR_PRIO_NONE       0x100u        /* lower than any 8-bit priority */

/* A pending Group 1 interrupt with the guest's priority; hardware-linked to
 * the same physical INTID when hw (SPIs and PPIs: the guest's EOI then
 * deactivates the physical interrupt, with no trap). */
static inline uint64_t vgic_lr_make(uint32_t intid, uint8_t prio, int hw)
{
	uint64_t lr = VGIC_LR_PENDING | VGIC_LR_GROUP1 | ((uint64_t)prio << VGIC_LR_PRIO_SHIFT) |
		      intid;
	if (hw) {
		lr |= VGIC_LR_HW | ((uint64_t)intid << VGIC_LR_PINTID_SHIFT);
	}
	return lr;
}

static inline uint32_t vgic_lr_intid(uint64_t lr)
{
	return (uint32_t)(lr & VGIC_LR_VINTID_MASK);
}

static inline uint32_t vgic_lr_prio(uint64_t lr)
{
	return (uint32_t)((lr & VGIC_LR_PRIO_MASK) >> VGIC_LR_PRIO_SHIFT);
}

#endif /* BULKHEAD_VGIC_LR_H */
