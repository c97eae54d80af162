/*
 * Ticket lock: fair, so no core can starve another of the console.
 * Used only off the fast paths (boot, logging, fault reports).
 * Exclusives need the MMU and caches on (Normal memory): take no lock
 * before arch setup has enabled the EL2 MMU.
 */
#ifndef BULKHEAD_SPINLOCK_H
#define BULKHEAD_SPINLOCK_H

#include <stdint.h>

#include "arch.h"

typedef struct {
	uint16_t next;
	uint16_t owner;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
		arch_cpu_relax();
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

#endif /* BULKHEAD_SPINLOCK_H */
