/*
 * Memory handed to a partition, as EL2 prepares it for a (re)load: zeroed
 * and cleaned to the point of coherency, and loaded images made visible to
 * instruction fetch. A partition starts with its MMU and caches off, so it
 * reads memory, not EL2's cache.
 */
#include "arch.h"
#include "arch/mmu.h"
#include "arch/sysreg.h"

void arch_sync_loaded_image(uint64_t pa, uint64_t size)
{
	arch_dcache_clean_range(pa, pa + size);
	__asm__ volatile("ic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}


/* DCZID_EL0: BS [3:0] is log2 of the block DC ZVA zeroes, in words; DZP
 * (bit 4) says DC ZVA is prohibited. CTR_EL0.DminLine [19:16]: log2 of the
 * smallest data cache line, in words. */
#define DCZID_BS_MASK           0xfUL
#define DCZID_DZP               BIT(4)
#define CTR_DMINLINE_SHIFT      16
#define CTR_DMINLINE_MASK       0xfUL
#define ZERO_UNROLL             8u   /* the .rept below */

/* Zeroes the 8-byte-aligned [a, b) by doublewords, the ends by bytes. */
static void zero_slow(uint64_t a, uint64_t b)
{
	while (a < b && (a & 7UL) != 0) {
		*(volatile uint8_t *)(uintptr_t)a = 0;
		a++;
	}
	while (a + 8u <= b) {
		*(volatile uint64_t *)(uintptr_t)a = 0;
		a += 8u;
	}
	while (a < b) {
		*(volatile uint8_t *)(uintptr_t)a = 0;
		a++;
	}
}

void arch_zero_ram(uint64_t pa, uint64_t size)
{
	uint64_t end = pa + size;
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t block = 4UL << (dczid & DCZID_BS_MASK);
	uint64_t line = 4UL << ((read_sysreg(ctr_el0) >> CTR_DMINLINE_SHIFT) & CTR_DMINLINE_MASK);

	/* A partition starts with its MMU off and reads memory, not our
	 * cache: every zero is cleaned to the point of coherency. */
	if ((dczid & DCZID_DZP) != 0 || size < 2u * block) {
		zero_slow(pa, end);
		arch_dcache_clean_range(pa, end);
		return;
	}
	uint64_t first = (pa + block - 1u) & ~(block - 1u);
	uint64_t last = end & ~(block - 1u);

	/* The loader calls this for every 64 KiB piece, block-aligned: the
	 * ragged ends are usually empty, and an empty clean still costs a
	 * DSB, so they are skipped then. */
	if (first != pa) {
		zero_slow(pa, first);
		arch_dcache_clean_range(pa, first);
	}
	/* Whole blocks with DC ZVA, the hardware's own zeroing (it also takes
	 * the lines from any other core's cache), each cleaned at once. */
	uint64_t a = first;
	uint64_t run = ZERO_UNROLL * block;
	if (block == line && last - first >= run) {
		/* ZERO_UNROLL blocks a turn: 3 instructions a block, 2 a turn. */
		uint64_t stop = first + (last - first) / run * run;
		__asm__ volatile("1:\n\t"
				 ".rept 8\n\t"
				 "dc zva, %0\n\tdc cvac, %0\n\tadd %0, %0, %2\n\t"
				 ".endr\n\t"
				 "cmp %0, %1\n\tb.lo 1b"
				 : "+r"(a) : "r"(stop), "r"(block) : "memory", "cc");
	}
	for (; a < last; a += block) {
		if (block == line) {
			__asm__ volatile("dc zva, %0\n\tdc cvac, %0" : : "r"(a) : "memory");
		} else {
			__asm__ volatile("dc zva, %0" : : "r"(a) : "memory");
			arch_dcache_clean_range(a, a + block);
		}
	}
	if (last != end) {
		zero_slow(last, end);
		arch_dcache_clean_range(last, end);
	}
	/* Every clean complete before the RAM is handed to a partition. */
	dsb_sy();
}
