/* The EL2 stage-1 translation regime: Bulkhead's own view of memory. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdint.h>

/* Register values a core loads to turn its MMU on (boot.S reads them with the
 * MMU off, so core 0 cleans this struct to the point of coherency). */
struct mmu_boot_regs {
	uint64_t mair;
	uint64_t tcr;
	uint64_t ttbr0;
	uint64_t sctlr;
};

extern struct mmu_boot_regs mmu_boot_regs;

/* EL2 virtual address at which the board DTB is mapped read-only. Outside
 * every identity-mapped range, so partition RAM can be mapped over the DTB's
 * physical pages later without a clash. */
#define EL2_DTB_VA              0x7f00000000UL
#define EL2_VA_BITS             39u
#define DTB_MAX_SIZE            (2UL << 20)    /* booting.rst: at most 2 MiB */

/* Builds the EL2 tables on core 0 (MMU off) and fills mmu_boot_regs. */
void mmu_setup(uint64_t dtb_pa, uint64_t dtb_size);
/* Drops the cache lines over everything the boot core wrote with the MMU
 * off (tables, .data, its stack), right before it turns the MMU on. */
void mmu_inval_boot_writes(void);

/* Where the DTB at physical dtb_pa is visible once the MMU is on. */
uint64_t mmu_dtb_va(uint64_t dtb_pa);

void arch_mmu_enable_from(const struct mmu_boot_regs *regs);
void arch_dcache_inval_range(uint64_t start, uint64_t end);
void arch_dcache_clean_range(uint64_t start, uint64_t end);

#endif /* ARCH_MMU_H */
