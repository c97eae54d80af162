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

/* Waiting for another core, boundedly: a spin-loop hint; sleep until an
 * event (or a spurious wake-up); make this core's earlier stores visible and
 * wake every core waiting for an event. */
void arch_cpu_relax(void);
void arch_wait_event(void);
void arch_send_event(void);
/* Sleep until an interrupt is pending (masked or not), or a spurious
 * wake-up. */
void arch_wait_interrupt(void);

/* Stop this core for good: interrupts masked, WFI forever. */
void arch_halt_core(void) __attribute__((noreturn));

/* Free-running system counter and its frequency in Hz. */
uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);

/* Starts another core through firmware PSCI CPU_ON; it enters the hypervisor's
 * secondary entry point with its core index. Returns the PSCI status. */
int64_t arch_start_core(uint64_t mpidr, unsigned int core);

/* Powers the whole board off through firmware PSCI SYSTEM_OFF. Halts this
 * core if the firmware returns (it must not). */
void arch_system_off(void) __attribute__((noreturn));

/* Identity of the interrupt controller, read from the hardware. */
unsigned int arch_gic_version(uint64_t gicd_base);

/* The board DTB passed at boot is not read after this: EL2 unmaps its window
 * onto it. A boot loader may put the DTB in a partition's RAM (QEMU does:
 * 0x48000000), and nothing of a running partition stays mapped at EL2. */
void arch_board_dtb_done(void);

/* Maps board RAM outside the hypervisor image read/write at EL2 (for loading
 * partitions). Returns 0 or a negative pgtable error. */
int arch_mmu_map_ram(uint64_t pa, uint64_t size);
/* Takes such a mapping away again, every core's TLB included. Returns 0 or a
 * negative pgtable error. */
int arch_mmu_unmap_ram(uint64_t pa, uint64_t size);

/* ---- partitions ------------------------------------------------------------ */
struct bh_region;

/* Builds partition `id`'s stage-2 tables from its regions (arch/arm64/stage2.c).
 * Returns 0, or a negative error with *bad = the failing region's index. */
int arch_stage2_build(unsigned int id, const struct bh_region *regions, unsigned int n,
		      unsigned int *bad);
const char *arch_pt_strerror(int err);

/* Entering partition `id` at EL1 on this core, in two steps.
 * arch_vcpu_reset: fresh EL1 state, stage 2 on, MPIDR as the partition sees
 * it = vmpidr, the virtual CPU interface emptied. direct: the partition takes
 * its interrupts from the physical CPU interface (irq-delivery = "direct"),
 * else through EL2. arch_vcpu_enter: PC = entry, x0 = arg, all other
 * registers zero, and the partition runs. Between the two, nothing is left
 * to do at EL2: core marks the vCPU on there (core/vcpu.c). */
void arch_vcpu_reset(unsigned int id, uint64_t vmpidr, int direct);
void arch_vcpu_enter(uint64_t entry, uint64_t arg) __attribute__((noreturn));

/* Exceptions taken to EL2 from a partition on `core` since boot, by kind:
 * what "the hypervisor ran on this core" means, counted where it happens. */
struct arch_trap_counts {
	uint32_t sync;     /* traps: calls, emulated accesses, faults */
	uint32_t irq;      /* the partition's interrupts (virtual delivery) */
	uint32_t fiq;      /* the hypervisor's own interrupts */
	uint32_t serror;
};
void arch_trap_counts(unsigned int core, struct arch_trap_counts *out);

/* Drops this core's EL2 stack and continues in fn (which never returns). */
void arch_park(void (*fn)(void)) __attribute__((noreturn));

/* Makes freshly written partition memory visible to a core that fetches or
 * reads it with its MMU off: clean to the point of coherency, then
 * invalidate the instruction caches. */
void arch_sync_loaded_image(uint64_t pa, uint64_t size);

/* Zeroes partition memory [pa, pa + size) (mapped at EL2) and cleans it to
 * the point of coherency, so a partition reading it with its MMU off sees
 * the zeroes and nothing that was there before. */
void arch_zero_ram(uint64_t pa, uint64_t size);

/* Interrupt controller, for the hypervisor's own cross-core requests. */
void arch_irq_init_boot(uint64_t gicd_base, uint64_t gicr_base);
void arch_irq_init_core(unsigned int core);
void arch_send_request(uint64_t mpidr);
/* The console's input interrupt (an SPI, core/console_mux.c): the
 * hypervisor's from now on, taken by the core with this MPIDR; whichever
 * core takes it calls console_mux_input_irq(). arch_irq_route_console
 * moves it to another core (the console's focus moved). */
void arch_irq_claim_console(uint32_t intid, uint64_t mpidr);
void arch_irq_route_console(uint64_t mpidr);
/* Acknowledges and ends every pending interrupt; returns how many were the
 * hypervisor's request SGI, and counts the rest (which nobody was waiting
 * for: they arrived while the core was at EL2) in *others. */
unsigned int arch_irq_drain(unsigned int *others);

/* This core's EL2 physical timer (CNTHP, PPI 26, one of the hypervisor's
 * Group 0 interrupts): a FIQ once the system counter reaches cval, which the
 * architecture hands to vwdt_timer_fired() (vwdt.h), whether the core runs
 * its partition or waits at EL2. Stop quiets it. */
void arch_hyp_timer_arm(uint64_t cval);
void arch_hyp_timer_stop(void);

#ifdef CONFIG_DEBUG_FAULT_TRIGGER
/* Makes this core take the named EL2 exception, to test the fault dump. */
void arch_debug_force_fault(const char *kind);
/* Raises interrupts while the hypervisor initialises (arch/arm64/debug_irq.c),
 * to test the path they take. */
void arch_debug_raise_irqs(const uint64_t *mpidr, unsigned int ncores);
#endif

#endif /* BULKHEAD_ARCH_H */
