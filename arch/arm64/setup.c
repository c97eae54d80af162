/*
 * Per-core EL2 set-up, and the C side of the entry points in boot.S.
 */
#include "arch.h"
#include "arch/cpu_caps.h"
#include "arch/mmu.h"
#include "arch/sysreg.h"
#include "bulkhead.h"
#include "dtb_header.h"
#include "log.h"
#include "plat.h"
#include "smccc.h"

extern char el2_vectors[];

static void cpu_init(unsigned int core)
{
	write_sysreg(tpidr_el2, core);
	write_sysreg(vbar_el2, (uint64_t)(uintptr_t)el2_vectors);
	/* EL1 is AArch64. Nothing else is trapped or virtualised until a
	 * partition is started on this core. */
	write_sysreg(hcr_el2, HCR_EL2_RW);
	/* Every other EL2 control, from what this core implements: traps
	 * (CPTR, MDCR, HSTR, fine-grained, HCRX, MPAM), timers, vector lengths
	 * (el2_setup.c). FP/SIMD is not trapped: partitions use it, and EL2
	 * code is built -mgeneral-regs-only (libfdt, which does use it, runs
	 * only at boot). */
	el2_controls_init(core);
}

void arch_early_wrong_el(uint64_t el) __attribute__((noreturn));
void arch_early_wrong_el(uint64_t el)
{
	plat_console_init();
	log_raw("bulkhead: error: entered at EL%lu, but Bulkhead must be started at EL2.\n", el);
	log_raw("bulkhead: error: on QEMU use -M virt,virtualization=on; on a board, make the "
		"boot loader enter the image at EL2.\n");
	arch_halt_core();
}

void arch_boot_primary(uint64_t dtb_pa) __attribute__((noreturn));
void arch_boot_primary(uint64_t dtb_pa)
{
	cpu_init(0);
	plat_console_init();

	/* The DTB is read with the MMU off here, so only aligned word loads. */
	if (dtb_pa == 0 || (dtb_pa & 7) != 0) {
		log_raw("bulkhead: error: no device tree: x0 = 0x%lx at entry (must be the "
			"8-byte aligned address of the board DTB)\n", dtb_pa);
		arch_halt_core();
	}
	const volatile uint8_t *hdr = (const volatile uint8_t *)(uintptr_t)dtb_pa;
	uint32_t magic = dtb_hdr_magic(hdr);
	uint32_t size = dtb_hdr_totalsize(hdr);
	if (magic != DTB_MAGIC || size < DTB_HEADER_MIN_SIZE || size > DTB_MAX_SIZE) {
		log_raw("bulkhead: error: no valid device tree at 0x%lx (magic 0x%x, size %u)\n",
			dtb_pa, magic, size);
		arch_halt_core();
	}

	/* QEMU pads its DTB to 1 MiB; its blocks are a few KiB. Every page
	 * mapped is time before the first partition starts, and memory EL2
	 * can reach. */
	mmu_setup(dtb_pa, dtb_hdr_used_size(hdr, size));
	mmu_inval_boot_writes();
	arch_mmu_enable_from(&mmu_boot_regs);
	/* Secondaries read these with their MMU off. */
	arch_dcache_clean_range((uint64_t)(uintptr_t)&mmu_boot_regs,
				(uint64_t)(uintptr_t)(&mmu_boot_regs + 1));
	log_init();
	arch_smccc_workarounds_probe();
	bulkhead_main((const void *)(uintptr_t)mmu_dtb_va(dtb_pa), dtb_pa);
}

void arch_boot_secondary(uint64_t core) __attribute__((noreturn));
void arch_boot_secondary(uint64_t core)
{
	cpu_init((unsigned int)core);
	arch_spectre_core_init((unsigned int)core);
	bulkhead_secondary_main((unsigned int)core);
}
