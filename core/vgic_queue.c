/*
 * The per-vCPU overflow queue: interrupts acknowledged at EL2 while every
 * list register was taken by a more urgent one. See vgic_queue.h.
 */
#include "vgic_queue.h"

void vgic_queue_init(struct vgic_queue *q)
{
	q->n = 0;
}

enum vgic_queue_result vgic_queue_push(struct vgic_queue *q, uint64_t lr)
{
	uint32_t intid = vgic_lr_intid(lr);
	uint32_t prio = vgic_lr_prio(lr);
	uint32_t at = q->n;

	for (uint32_t i = 0; i < q->n; i++) {
		if (vgic_lr_intid(q->lr[i]) == intid) {
			return VGIC_ALREADY_QUEUED;
		}
	}
	if (q->n == VGIC_QUEUE_MAX) {
		return VGIC_QUEUE_FULL;
	}
	for (uint32_t i = 0; i < q->n; i++) {
		if (vgic_lr_prio(q->lr[i]) > prio) {
			at = i;
			break;
		}
	}
	for (uint32_t i = q->n; i > at; i--) {
		q->lr[i] = q->lr[i - 1u];
	}
	q->lr[at] = lr;
	q->n++;
	return VGIC_QUEUED;
}

uint32_t vgic_queue_top_prio(const struct vgic_queue *q)
{
	return q->n == 0 ? VGIC_LR_PRIO_NONE : vgic_lr_prio(q->lr[0]);
}

uint64_t vgic_queue_pop(struct vgic_queue *q)
{
	if (q->n == 0) {
		return 0;
	}
	uint64_t lr = q->lr[0];
	for (uint32_t i = 1; i < q->n; i++) {
		q->lr[i - 1u] = q->lr[i];
	}
	q->n--;
	return lr;
}
