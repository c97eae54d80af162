/*
 * Entering a partition on this core, and parking the core again.
 *
 * A vCPU owns its core for life, so its EL1 registers live in the hardware
 * and are never saved: entering only has to put them in the state the boot
 * protocol promises (MMU off, caches off, exceptions masked) and switch
 * stage 2 on. Each (re)start resets them (el1_reset.c, fp_reset.S), so
 * nothing of a previous run of the partition survives in registers.
 */
#include "arch.h"
#include "arch/cpu_caps.h"
#include "arch/gicv3.h"
#include "arch/layout.h"
#include "arch/mmu.h"
#include "arch/pgtable.h"
#include "arch/stage2.h"
#include "arch/sysreg.h"
#include "arch/vgic_lr.h"
#include "config.h"


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
 * and, per core, from what it implements (el2_hcr_guest(), el2_setup.c):
 *   TID3   ID registers emulated: what stays trapped is hidden
 *   TERR, TLOR  RAS error records and LORegions trap
 *   API, APK, EnSCXT  pointer authentication and SCXTNUM_ELx do not
 * Every other bit is 0: no WFI/WFE, cache, TLB or virtual-memory traps, no
 * default cacheability, no nested virtualization, no virtual interrupt
 * (VI, VF, VSE) until one is injected.
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

void arch_vcpu_reset(unsigned int id, uint64_t vmpidr, int direct)
{
	write_sysreg(vtcr_el2, stage2_vtcr());
	write_sysreg(vttbr_el2, stage2_vttbr(id));
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vmpidr_el2, MPIDR_RES1 | vmpidr);
	write_sysreg(hcr_el2, HCR_GUEST | el2_hcr_guest() | (direct ? 0UL : HCR_GUEST_VIRTUAL_IRQ));
	isb();
	el1_reset();
	arch_vgic_cpu_reset(!direct);
	/* Stage-1 and stage-2 entries for this VMID that an earlier run of the
	 * partition left in this core's TLB must not serve the new run. */
	__asm__ volatile("tlbi vmalls12e1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\tisb" ::: "memory");
}

void arch_vcpu_enter(uint64_t entry, uint64_t arg)
{
	const struct cpu_caps *c = arch_cpu_caps();

	/* Last: nothing at EL2 touches FP/SIMD between this and the ERET. */
	arch_fp_reset((c->sve ? FP_RESET_SVE : 0UL) | (c->sme ? FP_RESET_SME : 0UL));
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
