/*
 * Entering a partition on this core, and parking the core again.
 *
 * A vCPU owns its core for life, so its EL1 registers live in the hardware
 * and are never saved: entering only has to put them in the state the boot
 * protocol promises (MMU off, caches off, exceptions masked) and switch
 * stage 2 on. Each (re)start resets them, so nothing of a previous run of the
 * partition survives in system registers.
 */
#include "arch.h"
#include "arch/gicv3.h"
#include "arch/layout.h"
#include "arch/mmu.h"
#include "arch/pgtable.h"
#include "arch/stage2.h"
#include "arch/sysreg.h"
#include "arch/vgic_lr.h"
#include "config.h"


/* SCTLR_EL1 RES1 bits in ARMv8.0 (11, 20, 22, 23, 28, 29): MMU, caches and
 * alignment checks off, little-endian - the state Linux's booting.rst asks for. */
#define SCTLR_EL1_RESET         0x30d00800UL

/* VMPIDR_EL2 bit 31 is RES1 in MPIDR. */
#define MPIDR_RES1              (1UL << 31)

/*
 * What a running partition may not do to others, and how EL2 sees to it:
 *   VM     stage-2 translation: its memory and devices only
 *   SWIO   set/way invalidate acts as clean+invalidate (no other data lost)
 *   FMO/IMO/AMO  physical FIQ/IRQ/SError come to EL2, whatever EL1 masks
 *   FB, BSU inner  its TLB and cache maintenance reaches all its cores
 *   TSC    SMC traps: no partition talks to firmware
 *   TSW    set/way cache maintenance traps (it reaches shared caches)
 *   TIDCP  IMPLEMENTATION DEFINED system registers trap (UNDEFINED to it)
 *   TACR   ACTLR_EL1 (core-wide implementation controls) traps
 *   RW     EL1 is AArch64
 */
#define HCR_GUEST (HCR_EL2_VM | HCR_EL2_SWIO | HCR_EL2_FMO | HCR_EL2_AMO | \
		   HCR_EL2_FB | HCR_EL2_BSU_INNER | HCR_EL2_TSC | HCR_EL2_TSW |           \
		   HCR_EL2_TIDCP | HCR_EL2_TACR | HCR_EL2_RW)
/* IMO, virtual delivery only: the partition's (Group 1) interrupts come to
 * EL2 to be injected. Direct delivery leaves them to EL1; the hypervisor's
 * own are Group 0, taken through FMO in both modes. */
#define HCR_GUEST_VIRTUAL_IRQ   HCR_EL2_IMO

void arch_guest_eret(uint64_t entry, uint64_t x0, uint64_t spsr) __attribute__((noreturn));
void arch_reset_stack_and_call(uint64_t stack_top, void (*fn)(void)) __attribute__((noreturn));

extern char __stacks_start[];

static void reset_el1(void)
{
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(vbar_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(tcr_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(amair_el1, 0);
	write_sysreg(cpacr_el1, 0);
	write_sysreg(contextidr_el1, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(afsr0_el1, 0);
	write_sysreg(afsr1_el1, 0);
	write_sysreg(par_el1, 0);
	write_sysreg(mdscr_el1, 0);
	write_sysreg(cntkctl_el1, 0);
	/* A timer left running by the previous run must not fire into this one. */
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
}

void arch_vcpu_run(unsigned int id, uint64_t vmpidr, uint64_t entry, uint64_t arg, int direct)
{
	write_sysreg(vtcr_el2, stage2_vtcr());
	write_sysreg(vttbr_el2, stage2_vttbr(id));
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vmpidr_el2, MPIDR_RES1 | vmpidr);
	write_sysreg(hcr_el2, HCR_GUEST | (direct ? 0UL : HCR_GUEST_VIRTUAL_IRQ));
	isb();
	reset_el1();
	arch_vgic_cpu_reset(!direct);
	/* Stage-1 and stage-2 entries for this VMID that an earlier run of the
	 * partition left in this core's TLB must not serve the new run. */
	__asm__ volatile("tlbi vmalls12e1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\tisb" ::: "memory");
	arch_guest_eret(entry, arg, SPSR_M_EL1h | SPSR_D | SPSR_A | SPSR_I | SPSR_F);
}

void arch_park(void (*fn)(void))
{
	unsigned int core = arch_core_id();
	uint64_t top = (uint64_t)(uintptr_t)__stacks_start + (uint64_t)(core + 1u) * HYP_STACK_SLOT;

	/* Back to the hypervisor's own configuration: no stage 2, no traps. */
	write_sysreg(hcr_el2, HCR_EL2_RW);
	isb();
	if (gicv3_ready()) {
		arch_vgic_cpu_off();
	}
	arch_reset_stack_and_call(top, fn);
}

void arch_sync_loaded_image(uint64_t pa, uint64_t size)
{
	arch_dcache_clean_range(pa, pa + size);
	__asm__ volatile("ic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}

