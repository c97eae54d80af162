/* PSCI as a partition sees it: scoped to its own cores and to itself. */
#ifndef BULKHEAD_VPSCI_H
#define BULKHEAD_VPSCI_H

#include <stdint.h>

#include "vcpu.h"

/* The PSCI version partitions are told (1.0, matching "arm,psci-1.0"). */
#define VPSCI_VERSION           0x00010000

/* Handles PSCI function fid with arguments x[1..3]. Returns 1 if fid is a
 * PSCI function (even one answered NOT_SUPPORTED), 0 if not PSCI at all.
 * CPU_OFF, SYSTEM_OFF and SYSTEM_RESET do not return. */
int vpsci_call(struct vcpu *v, uint32_t fid, const uint64_t *x, int64_t *ret);

#endif /* BULKHEAD_VPSCI_H */
