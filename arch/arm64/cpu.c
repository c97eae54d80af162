/*
 * Leaf services of this core for core/ (core/include/arch.h): its id and
 * MPIDR, the system counter, waiting and waking, halting, and powering the
 * board off or a core on through firmware's PSCI. Nothing here calls back
 * into core/: the boot path (setup.c) calls core, core calls these.
 */
#include "arch.h"
#include "arch/sysreg.h"
#include "psci.h"
#include "smccc.h"

/* The secondary cores' first instruction (boot.S). */
extern char secondary_entry[];

unsigned int arch_core_id(void)
{
	return (unsigned int)read_sysreg(tpidr_el2);
}

uint64_t arch_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFFINITY_MASK;
}

uint64_t arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

void arch_wait_event(void)
{
	wfe();
}

void arch_wait_interrupt(void)
{
	dsb_sy();
	wfi();
}

void arch_send_event(void)
{
	dsb_ish();
	sev();
}

void arch_halt_core(void)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	for (;;) {
		wfi();
	}
}

void arch_system_off(void)
{
	(void)arch_smc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	arch_halt_core();
}

int64_t arch_start_core(uint64_t mpidr, unsigned int core)
{
	return arch_smc_call(PSCI_CPU_ON_64, mpidr, (uint64_t)(uintptr_t)secondary_entry, core);
}
