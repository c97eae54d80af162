/*
 * Stage-2 translation: the IPA space of one partition. Built once at boot from
 * the configuration's regions and never changed afterwards, so no TLB
 * maintenance for stage 2 is ever needed at run time.
 */
#ifndef ARCH_STAGE2_H
#define ARCH_STAGE2_H

#include <stdint.h>

#include "config_tables.h"

/* arch_stage2_build: builds partition `id`'s tables (VMID id + 1). Returns 0 or a pgtable error
 * and fills *bad with the index of the region that failed. */
int arch_stage2_build(unsigned int id, const struct bh_region *regions, unsigned int n,
		 unsigned int *bad);

/* VTTBR_EL2 value for partition `id` (VMID in bits [55:48]). */
uint64_t stage2_vttbr(unsigned int id);

/* VTCR_EL2 value, shared by all partitions. */
uint64_t stage2_vtcr(void);

/* Size of the IPA space in bits (from ID_AA64MMFR0_EL1.PARange, at most 39). */
unsigned int stage2_ipa_bits(void);

#endif /* ARCH_STAGE2_H */
