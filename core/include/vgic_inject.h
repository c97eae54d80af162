/*
 * Putting an interrupt in front of the vCPU that runs on this core: into a
 * free list register when there is one, else in place of a less urgent one
 * that is only pending (which goes to the queue), else into the queue, from
 * which the underflow maintenance interrupt refills the list registers.
 * Runs on the vCPU's own core only.
 */
#ifndef BULKHEAD_VGIC_INJECT_H
#define BULKHEAD_VGIC_INJECT_H

#include <stdint.h>

#include "vgic_queue.h"

/* Returns 1 if lr went into a list register or the queue, 0 if the
 * interrupt was already pending there (merged: pending is a state). */
int vgic_inject(struct vgic_queue *q, uint64_t lr);

/* Moves queued interrupts into free list registers, most urgent first, and
 * keeps the underflow interrupt on while anything is left queued. */
void vgic_refill(struct vgic_queue *q);

/* Forgets every list register and queued interrupt (the vCPU stops). */
void vgic_clear(struct vgic_queue *q);

#endif /* BULKHEAD_VGIC_INJECT_H */
