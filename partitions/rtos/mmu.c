/*
 * EL1 stage 1 translation, identity mapped: 4 KiB granule, 39-bit VA
 * (T0SZ 25: translation starts at level 1, 1 GiB per entry). RAM is mapped
 * in 2 MiB blocks except the 2 MiB chunks holding the image, mapped in 4 KiB
 * pages so that each stack's guard page can stay invalid: a task running off
 * the bottom of its stack takes a data abort (reported with its name by the
 * kernel) instead of overwriting its neighbour.
 */
#include <string.h>

#include "arch.h"
#include "board.h"
#include "kernel.h"
#include "mmu.h"

#define PAGE_SHIFT 12
#define BLOCK_SHIFT 21            /* level 2 block: 2 MiB */
#define L1_SHIFT 30               /* level 1 entry: 1 GiB */
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define BLOCK_SIZE (1ull << BLOCK_SHIFT)
#define ENTRIES 512u
#define IDX_MASK (ENTRIES - 1u)
#define VA_BITS 39u

/* Descriptor fields */
#define PTE_VALID (1ull << 0)
#define PTE_TABLE (1ull << 1)     /* table at levels 1-2, page at level 3 */
#define PTE_ATTRINDX(i) ((uint64_t)(i) << 2)
#define PTE_AP_EL1_RW (0ull << 6)
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF (1ull << 10)
#define PTE_PXN (1ull << 53)
#define PTE_UXN (1ull << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000ull

/* MAIR_EL1 attribute slots */
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_DEVICE_NGNRE 0x04ull
#define MAIR_NORMAL_WB 0xffull    /* inner/outer write-back, read/write-allocate */
#define MAIR_VALUE ((MAIR_DEVICE_NGNRE << (8 * MAIR_IDX_DEVICE)) | (MAIR_NORMAL_WB << (8 * MAIR_IDX_NORMAL)))

#define ATTR_NORMAL (PTE_ATTRINDX(MAIR_IDX_NORMAL) | PTE_AP_EL1_RW | PTE_SH_INNER | PTE_AF | PTE_UXN)
#define ATTR_DEVICE (PTE_ATTRINDX(MAIR_IDX_DEVICE) | PTE_AP_EL1_RW | PTE_AF | PTE_PXN | PTE_UXN)

/* TCR_EL1 */
#define TCR_T0SZ(bits) (64ull - (bits))
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_TG0_4K (0ull << 14)
#define TCR_EPD1 (1ull << 23)     /* no TTBR1 walks: nothing lives in the upper half */
#define TCR_IPS_SHIFT 32
#define ID_AA64MMFR0_PARANGE_MASK 0xfull
#define PARANGE_48BIT 5ull

#define L2_TABLES 8
#define L3_TABLES 8

struct table {
	uint64_t e[ENTRIES];
};

/* Not in BSS (the loader does not zero it): cleared here, after the first line. */
static struct table l1 __attribute__((aligned(PAGE_SIZE), section(".pgtables")));
static struct table l2[L2_TABLES] __attribute__((aligned(PAGE_SIZE), section(".pgtables")));
static struct table l3[L3_TABLES] __attribute__((aligned(PAGE_SIZE), section(".pgtables")));
static unsigned l2_used;
static unsigned l3_used;

extern char _start_of_image[];
extern char _end[];

static struct table *next_level(uint64_t *entry, struct table *pool, unsigned *used, unsigned max)
{
	struct table *t;

	if ((*entry & PTE_VALID) != 0) {
		return (*entry & PTE_TABLE) != 0 ? (struct table *)(uintptr_t)(*entry & PTE_ADDR_MASK) : NULL;
	}
	if (*used == max) {
		return NULL;
	}
	t = &pool[(*used)++];
	*entry = (uint64_t)(uintptr_t)t | PTE_TABLE | PTE_VALID;
	return t;
}

static uint64_t *l2_entry(uint64_t va)
{
	struct table *t = next_level(&l1.e[(va >> L1_SHIFT) & IDX_MASK], l2, &l2_used, L2_TABLES);

	return t != NULL ? &t->e[(va >> BLOCK_SHIFT) & IDX_MASK] : NULL;
}

static bool map_page(uint64_t va, uint64_t attr)
{
	uint64_t *e2 = l2_entry(va);
	struct table *t;

	if (e2 == NULL || (t = next_level(e2, l3, &l3_used, L3_TABLES)) == NULL) {
		return false;
	}
	t->e[(va >> PAGE_SHIFT) & IDX_MASK] = va | attr | PTE_TABLE | PTE_VALID;
	return true;
}

/* Blocks for [base, base + size), rounded out to 2 MiB; chunks already
 * mapped (in pages, or as another block) are left as they are. */
static bool map_blocks(uint64_t base, uint64_t size, uint64_t attr)
{
	uint64_t va;

	for (va = base & ~(BLOCK_SIZE - 1); va < base + size; va += BLOCK_SIZE) {
		uint64_t *e2 = l2_entry(va);
		if (e2 == NULL) {
			return false;
		}
		if ((*e2 & PTE_VALID) == 0) {
			*e2 = va | attr | PTE_VALID;
		}
	}
	return true;
}

static bool in_ram(uint64_t pa)
{
	unsigned i;

	for (i = 0; i < board.nmem; i++) {
		if (pa >= board.mem[i].base && pa - board.mem[i].base < board.mem[i].size) {
			return true;
		}
	}
	return false;
}

bool mmu_init(void)
{
	uint64_t lo = (uintptr_t)_start_of_image & ~(BLOCK_SIZE - 1);
	uint64_t hi = ((uintptr_t)_end + BLOCK_SIZE - 1) & ~(BLOCK_SIZE - 1);
	uint64_t pa;
	uint64_t parange;
	unsigned i;
	bool ok = true;

	memset(&l1, 0, sizeof(l1));
	memset(l2, 0, sizeof(l2));
	memset(l3, 0, sizeof(l3));

	/* The image's chunks first, in pages, so the blocks below skip them. */
	for (pa = lo; pa < hi && ok; pa += PAGE_SIZE) {
		if (in_ram(pa) && !kernel_is_guard_page(pa)) {
			ok = map_page(pa, ATTR_NORMAL);
		}
	}
	for (i = 0; i < board.nmem && ok; i++) {
		ok = map_blocks(board.mem[i].base, board.mem[i].size, ATTR_NORMAL);
	}
	if (ok && board.uart != 0) {
		ok = map_blocks(board.uart, PAGE_SIZE, ATTR_DEVICE);
	}
	if (ok) {
		ok = map_blocks(board.gicd, BLOCK_SIZE, ATTR_DEVICE) &&
		     map_blocks(board.gicr, board.gicr_size, ATTR_DEVICE);
	}
	if (!ok || (uintptr_t)_end >= (1ull << VA_BITS)) {
		console_raw("rtos: memory map does not fit the page tables; halted\n");
		return false;
	}

	parange = read_sysreg(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;
	if (parange > PARANGE_48BIT) {
		parange = PARANGE_48BIT;
	}
	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
				     TCR_TG0_4K | TCR_EPD1 | (parange << TCR_IPS_SHIFT));
	write_sysreg(ttbr0_el1, (uintptr_t)&l1);
	/* The tables were written with the MMU (and so the data cache) off. */
	for (pa = (uintptr_t)&l1; pa < (uintptr_t)&l1 + sizeof(l1); pa += 64) {
		__asm__ volatile("dc civac, %0" : : "r"(pa) : "memory");
	}
	for (pa = (uintptr_t)l2; pa < (uintptr_t)l2 + sizeof(l2); pa += 64) {
		__asm__ volatile("dc civac, %0" : : "r"(pa) : "memory");
	}
	for (pa = (uintptr_t)l3; pa < (uintptr_t)l3 + sizeof(l3); pa += 64) {
		__asm__ volatile("dc civac, %0" : : "r"(pa) : "memory");
	}
	dsb(sy);
	__asm__ volatile("tlbi vmalle1" : : : "memory");
	dsb(nsh);
	isb();
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
	isb();
	return true;
}
