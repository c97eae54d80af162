/*
 * List-register allocation for the vCPU on this core. See vgic_inject.h.
 *
 * Invariants kept here, which the guest relies on:
 *  - one vINTID is in at most one list register (two would be UNPREDICTABLE,
 *    IHI 0069 4.9.4), and never both in a list register and in the queue;
 *  - everything queued is less urgent than, or as urgent as, every pending
 *    interrupt in a list register, so the guest takes interrupts in priority
 *    order even when there are more than list registers.
 */
#include "check.h"
#include "gic_hw.h"
#include "vgic_inject.h"

static int lr_valid(uint64_t lr)
{
	return (lr & VGIC_LR_STATE_MASK) != 0;
}

/* A free list register, or -1. */
static int free_lr(void)
{
	uint32_t empty = arch_lr_empty();
	if (empty == 0) {
		return -1;
	}
	return __builtin_ctz(empty);
}

int vgic_inject(struct vgic_queue *q, uint64_t lr)
{
	unsigned int nlr = arch_lr_count();
	uint32_t intid = vgic_lr_intid(lr);

	/* A software-only interrupt (an SGI) can come again while the guest
	 * still holds the last one: the architecture's answer is one pending
	 * state, possibly alongside active. Hardware-linked ones cannot: the
	 * physical interrupt stays active until the guest deactivates it. */
	if ((lr & VGIC_LR_HW) == 0) {
		for (unsigned int n = 0; n < nlr; n++) {
			uint64_t cur = arch_lr_read(n);
			if (lr_valid(cur) && vgic_lr_intid(cur) == intid) {
				if ((cur & VGIC_LR_PENDING) != 0) {
					return 0;
				}
				arch_lr_write(n, cur | VGIC_LR_PENDING);
				return 1;
			}
		}
		for (uint32_t i = 0; i < q->n; i++) {
			if (vgic_lr_intid(q->lr[i]) == intid) {
				return 0;
			}
		}
	}

	int n = free_lr();
	if (n >= 0 && q->n == 0) {
		arch_lr_write((unsigned int)n, lr);
		return 1;
	}
	if (n < 0) {
		/* Every list register is taken: the least urgent of those only
		 * pending makes room if lr is more urgent. */
		int victim = -1;
		uint32_t worst = vgic_lr_prio(lr);
		for (unsigned int k = 0; k < nlr; k++) {
			uint64_t cur = arch_lr_read(k);
			if ((cur & VGIC_LR_STATE_MASK) == VGIC_LR_PENDING && vgic_lr_prio(cur) > worst) {
				worst = vgic_lr_prio(cur);
				victim = (int)k;
			}
		}
		if (victim >= 0) {
			uint64_t out = arch_lr_read((unsigned int)victim);
			arch_lr_write((unsigned int)victim, lr);
			lr = out;
		}
	}
	/* Either no room at all, or others are queued already (lr then waits
	 * its turn there, so order holds). */
	enum vgic_queue_result r = vgic_queue_push(q, lr);
	CHECK(r != VGIC_QUEUE_FULL, "vGIC queue full (%u): INTID %u", q->n, vgic_lr_intid(lr));
	vgic_refill(q);
	return r == VGIC_QUEUED;
}

void vgic_refill(struct vgic_queue *q)
{
	for (unsigned int bound = 0; bound < VGIC_QUEUE_MAX && q->n > 0; bound++) {
		int n = free_lr();
		if (n < 0) {
			break;
		}
		arch_lr_write((unsigned int)n, vgic_queue_pop(q));
	}
	arch_lr_underflow_irq(q->n > 0);
}

void vgic_clear(struct vgic_queue *q)
{
	unsigned int nlr = arch_lr_count();
	for (unsigned int n = 0; n < nlr; n++) {
		arch_lr_write(n, 0);
	}
	vgic_queue_init(q);
	arch_lr_underflow_irq(0);
}
