/*
 * The seam between generic code (core/) and the architecture (arch/arm64/).
 * core/ calls only these; arch/ implements them.
 */
#ifndef BULKHEAD_ARCH_H
#define BULKHEAD_ARCH_H

#include <stdint.h>

#include "config.h"

/* Index of the calling core (0 = boot core), from TPIDR_EL2. */
unsigned int arch_core_id(void);

/* This core's MPIDR affinity fields. */
uint64_t arch_mpidr(void);

/* Stop this core for good: interrupts masked, WFI forever. */
void arch_halt_core(void) __attribute__((noreturn));

/* Free-running system counter and its frequency in Hz. */
uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);

/* Starts another core through firmware PSCI CPU_ON; it enters the hypervisor's
 * secondary entry point with its core index. Returns the PSCI status. */
int64_t arch_start_core(uint64_t mpidr, unsigned int core);

/* Identity of the interrupt controller, read from the hardware. */
unsigned int arch_gic_version(uint64_t gicd_base);

/* Maps board RAM outside the hypervisor image read/write at EL2 (for loading
 * partitions). Returns 0 or a negative pgtable error. */
int arch_mmu_map_ram(uint64_t pa, uint64_t size);

#ifdef CONFIG_DEBUG_FAULT_TRIGGER
/* Makes this core take the named EL2 exception, to test the fault dump. */
void arch_debug_force_fault(const char *kind);
#endif

#endif /* BULKHEAD_ARCH_H */
