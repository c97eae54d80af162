/*
 * Interrupts waiting for a list register: one queue per vCPU, touched only by
 * that vCPU's own core (no lock), kept in priority order.
 *
 * An entry is the list-register value the interrupt will be injected with
 * (core/include/vgic_lr.h), so moving between a list register and the queue
 * loses nothing. Pending is a state, not a count: an interrupt already queued
 * is not queued twice, which also bounds the queue by the number of
 * interrupts a partition can own on one vCPU.
 */
#ifndef BULKHEAD_VGIC_QUEUE_H
#define BULKHEAD_VGIC_QUEUE_H

#include <stdint.h>

#include "vgic_lr.h"

/* 16 SGIs + 16 PPIs + a partition's SPIs (BH_CFG_MAX_IRQS = 32). */
#define VGIC_QUEUE_MAX 64u

struct vgic_queue {
	uint32_t n;
	uint64_t lr[VGIC_QUEUE_MAX];   /* [0] is the most urgent */
};

void vgic_queue_init(struct vgic_queue *q);

enum vgic_queue_result {
	VGIC_QUEUED = 0,
	VGIC_ALREADY_QUEUED = 1,   /* same vINTID waiting already: merged */
	VGIC_QUEUE_FULL = 2,       /* impossible within the bound; the caller checks */
};

/* Inserts lr behind every entry of the same or higher priority (lower
 * value), so equal priorities keep their arrival order. */
enum vgic_queue_result vgic_queue_push(struct vgic_queue *q, uint64_t lr);

/* The most urgent entry's priority, or VGIC_LR_PRIO_NONE if empty. */
uint32_t vgic_queue_top_prio(const struct vgic_queue *q);

/* Removes and returns the most urgent entry; 0 if empty (0 is never a valid
 * pending list-register value). */
uint64_t vgic_queue_pop(struct vgic_queue *q);

#endif /* BULKHEAD_VGIC_QUEUE_H */
