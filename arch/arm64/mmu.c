/*
 * EL2 stage-1 tables. The hypervisor maps only what it uses, each with the
 * least it needs:
 *   its text            read-only, executable
 *   its rodata          read-only, execute-never
 *   its data and BSS    read/write, execute-never
 *   each core's stack   read/write, execute-never, below it an unmapped guard of
 *                       the same size (arch/layout.h)
 *   its devices         Device-nGnRE, execute-never (plat_el2_mmio_ranges)
 *   the board DTB       read-only at EL2_DTB_VA, while the boot reads it
 *                       (arch_board_dtb_done unmaps it: a boot loader may
 *                       put it in a partition's RAM)
 *   partition RAM       read/write, execute-never, only while the loader
 *                       zeroes and fills it (arch_mmu_map_ram/unmap_ram):
 *                       nothing of a running partition is mapped at EL2
 * SCTLR_EL2.WXN is set too, so no writable page can ever be executed at EL2.
 */
#include "arch.h"
#include "arch/layout.h"
#include "arch/mmu.h"
#include "arch/pgtable.h"
#include "arch/sysreg.h"
#include "check.h"
#include "config.h"
#include "plat.h"
#include "spinlock.h"

#define EL2_PT_TABLES           32u

extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __stacks_start[];
extern char __bss_end[];

struct mmu_boot_regs mmu_boot_regs;

static uint64_t el2_tables[EL2_PT_TABLES][PT_ENTRIES]
	__attribute__((aligned(PT_GRANULE), section(".tables")));
static struct pt_pool el2_pool = { el2_tables, EL2_PT_TABLES, 0 };
static struct pt el2_pt;
/* The board DTB's window at EL2_DTB_VA, until arch_board_dtb_done(). */
static uint64_t dtb_window_size;

#define S1_NORMAL       (PTE_S1_ATTRIDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_S1_AP1_RES1)
#define S1_TEXT         (S1_NORMAL | PTE_S1_AP_RO)
#define S1_RODATA       (S1_NORMAL | PTE_S1_AP_RO | PTE_XN)
#define S1_DATA         (S1_NORMAL | PTE_XN)
#define S1_DEVICE       (PTE_S1_ATTRIDX(MT_DEVICE_nGnRE) | PTE_AF | PTE_S1_AP1_RES1 | PTE_XN)

static uint64_t page_down(uint64_t v)
{
	return v & ~(PT_GRANULE - 1);
}

static uint64_t page_up(uint64_t v)
{
	return (v + PT_GRANULE - 1) & ~(PT_GRANULE - 1);
}

static void map_or_panic(const char *what, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
	int err = pt_map(&el2_pt, va, pa, size, attrs);
	CHECK(err == PT_OK, "EL2 map of %s [0x%lx, +0x%lx): %s", what, va, size, pt_strerror(err));
}

static void map_identity(const char *what, const void *start, const void *end, uint64_t attrs)
{
	uint64_t s = (uint64_t)(uintptr_t)start;
	uint64_t e = (uint64_t)(uintptr_t)end;
	if (e > s) {
		map_or_panic(what, s, s, page_up(e) - s, attrs);
	}
}

/* TCR_EL2.PS takes ID_AA64MMFR0_EL1.PARange's encoding; 48 bits is the most
 * a 4 KiB granule without FEAT_LPA2 can output. */
static uint64_t tcr_ps(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;
	if (parange > 5) {
		parange = 5;
	}
	return parange << TCR_EL2_PS_SHIFT;
}

void mmu_setup(uint64_t dtb_pa, uint64_t dtb_size)
{
	int err = pt_init(&el2_pt, &el2_pool, 1, EL2_VA_BITS);
	CHECK(err == PT_OK, "EL2 page-table root: %s", pt_strerror(err));

	map_identity("text", __text_start, __text_end, S1_TEXT);
	map_identity("rodata", __rodata_start, __rodata_end, S1_RODATA);
	map_identity("data", __data_start, __data_end, S1_DATA);
	for (unsigned int core = 0; core < CONFIG_MAX_CORES; core++) {
		uint64_t slot = (uint64_t)(uintptr_t)__stacks_start + core * HYP_STACK_SLOT;
		map_or_panic("stack", slot + HYP_STACK_SIZE, slot + HYP_STACK_SIZE, HYP_STACK_SIZE,
			     S1_DATA);
	}

	unsigned int n = 0;
	const struct plat_mmio_range *mmio = plat_el2_mmio_ranges(&n);
	for (unsigned int i = 0; i < n; i++) {
		map_or_panic(mmio[i].name, mmio[i].base, mmio[i].base, mmio[i].size, S1_DEVICE);
	}

	uint64_t dtb_page = page_down(dtb_pa);
	dtb_window_size = page_up(dtb_pa + dtb_size) - dtb_page;
	map_or_panic("device tree", EL2_DTB_VA, dtb_page, dtb_window_size, S1_RODATA);

	mmu_boot_regs.mair = MAIR_EL2_VALUE;
	mmu_boot_regs.tcr = TCR_EL2_RES1 | ((64UL - EL2_VA_BITS) << TCR_EL2_T0SZ_SHIFT) |
			    TCR_EL2_IRGN0_WBWA | TCR_EL2_ORGN0_WBWA | TCR_EL2_SH0_INNER |
			    TCR_EL2_TG0_4K | tcr_ps();
	mmu_boot_regs.ttbr0 = (uint64_t)(uintptr_t)el2_pt.root;
	mmu_boot_regs.sctlr = SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C | SCTLR_EL2_I |
			      SCTLR_EL2_SA | SCTLR_EL2_WXN;
}

void mmu_inval_boot_writes(void)
{
	/* What the boot core wrote with the MMU off: the tables handed out so
	 * far, .data and BSS (the pool's state, the page-table root, the boot
	 * registers among them) and its own stack. The writes went to memory;
	 * a stale line of any of them in the cache would be read instead once
	 * the D-cache is on. Not the rest of the table pools and the emergency
	 * stacks up to __data_end (640 KiB, nothing written there yet): by
	 * line, invalidating them was a third of the boot time before the first
	 * partition starts. */
	arch_dcache_inval_range((uint64_t)(uintptr_t)el2_tables,
				(uint64_t)(uintptr_t)(el2_tables + el2_pool.used));
	arch_dcache_inval_range((uint64_t)(uintptr_t)__data_start, (uint64_t)(uintptr_t)__bss_end);
	arch_dcache_inval_range((uint64_t)(uintptr_t)__stacks_start,
				(uint64_t)(uintptr_t)__stacks_start + HYP_STACK_SLOT);
}

uint64_t mmu_dtb_va(uint64_t dtb_pa)
{
	return EL2_DTB_VA + (dtb_pa - page_down(dtb_pa));
}

/* Two partitions may be loaded at once, on different cores (one restarts
 * while another does); the EL2 tables are shared. */
static spinlock_t el2_pt_lock;

int arch_mmu_map_ram(uint64_t pa, uint64_t size)
{
	spin_lock(&el2_pt_lock);
	int err = pt_map(&el2_pt, pa, pa, size, S1_DATA);
	/* New entries replace invalid ones only, which no TLB holds: a barrier
	 * makes the table write visible to the walker, no TLBI is needed. */
	dsb_ishst();
	isb();
	spin_unlock(&el2_pt_lock);
	return err;
}

static int unmap(uint64_t va, uint64_t size)
{
	spin_lock(&el2_pt_lock);
	int err = pt_unmap(&el2_pt, va, size);
	/* The cleared entries reach the walker, then every core's TLB forgets
	 * every EL2 translation (a partition's RAM may be gigabytes: one
	 * TLBI ALLE2IS, not one per page), then this core's pipeline. */
	dsb_ishst();
	__asm__ volatile("tlbi alle2is" ::: "memory");
	dsb_ish();
	isb();
	spin_unlock(&el2_pt_lock);
	return err;
}

int arch_mmu_unmap_ram(uint64_t pa, uint64_t size)
{
	return unmap(pa, size);
}

void arch_board_dtb_done(void)
{
	if (dtb_window_size == 0) {
		return;
	}
	int err = unmap(EL2_DTB_VA, dtb_window_size);
	CHECK(err == PT_OK, "EL2 unmap of the device tree window: %s", pt_strerror(err));
	dtb_window_size = 0;
}
