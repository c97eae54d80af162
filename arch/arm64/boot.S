/*
 * Entry points.
 *
 * The image starts with the arm64 Linux Image header (Documentation/arch/arm64/
 * booting.rst), so QEMU's -kernel and U-Boot's booti load it like a kernel:
 * at RAM base + text_offset, entered at EL2 on one core with x0 = the board DTB,
 * MMU and D-cache off. Other cores arrive later through PSCI CPU_ON at
 * secondary_entry with x0 = the context id Bulkhead passed (its core index).
 */
#include "arch/asm.h"
#include "arch/layout.h"
#include "arch/sysreg.h"
#include "generated/autoconf.h"

/* Image header flags: little-endian (bit 0 = 0), 4 KiB pages (bits 2:1 = 1),
 * placed near the base of DRAM (bit 3 = 0): Bulkhead is linked at a fixed
 * address, see bulkhead.ld.S. */
#define IMAGE_FLAGS             (1 << 1)
#define IMAGE_MAGIC             0x644d5241      /* "ARM\x64" */


	.section .text.head, "ax"
FUNC(_start)
	b	primary_entry                   /* code0 */
	.long	0                               /* code1 */
	.quad	HYP_TEXT_OFFSET                 /* text_offset */
	.quad	__image_size                    /* image_size, includes BSS and stacks */
	.quad	IMAGE_FLAGS
	.quad	0, 0, 0                         /* res2-res4 */
	.long	IMAGE_MAGIC
	.long	0                               /* res5: no PE/COFF header */
ENDFUNC(_start)

	.text
FUNC(primary_entry)
	/* Nothing may interrupt us before vectors exist: the boot loader's
	 * DAIF is not promised (booting.rst asks only for masked, but a loader
	 * may not comply). */
	msr	daifset, #0xf
	mov	x19, x0                         /* DTB physical address */

	/* A stack and a clear BSS come before the EL check, so a wrong-EL
	 * message can be printed from C whatever EL we were entered at.
	 * Both are written with the MMU (and so the D-cache) off: first drop
	 * any cache lines over them, which a boot loader may have left dirty
	 * (booting.rst only promises the image was cleaned, and BSS and stacks
	 * are beyond the image file) - evicted later, such a line would
	 * overwrite what we wrote. */
	ldr	x0, =__stacks_start
	ldr	x1, =HYP_STACK_SLOT
	add	x1, x0, x1
	bl	arch_dcache_inval_range
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
	bl	arch_dcache_inval_range

	ldr	x1, =__stacks_start
	ldr	x2, =HYP_STACK_SLOT
	add	x1, x1, x2
	mov	sp, x1

	/* Clear BSS with the MMU off, 64 bytes a turn (the linker script
	 * aligns both ends to 64). Its cache lines are dropped again once
	 * everything the MMU-off code writes is written
	 * (mmu_inval_boot_writes), so no line loaded meanwhile can hide
	 * these zeros once the D-cache is on. */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
0:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1]
	stp	xzr, xzr, [x1, #16]
	stp	xzr, xzr, [x1, #32]
	stp	xzr, xzr, [x1, #48]
	add	x1, x1, #64
	b	0b
2:

	mrs	x1, CurrentEL
	and	x1, x1, #(CURRENTEL_EL_MASK << CURRENTEL_EL_SHIFT)
	cmp	x1, #CURRENTEL_EL2
	b.ne	1f

	ldr	x1, =(SCTLR_EL2_RES1 | SCTLR_EL2_SA | SCTLR_EL2_I)
	msr	sctlr_el2, x1
	isb

	mov	x0, x19
	bl	arch_boot_primary               /* does not return */
	b	.

1:	lsr	x0, x1, #CURRENTEL_EL_SHIFT
	bl	arch_early_wrong_el             /* prints and halts */
	b	.
ENDFUNC(primary_entry)

/* x0 = core index, as passed to PSCI CPU_ON. MMU off. */
FUNC(secondary_entry)
	msr	daifset, #0xf                   /* as on the boot core */
	ldr	x1, =(SCTLR_EL2_RES1 | SCTLR_EL2_SA | SCTLR_EL2_I)
	msr	sctlr_el2, x1
	isb
	mov	x19, x0
	cmp	x19, #CONFIG_MAX_CORES
	b.hs	9f

	/* Stack top of slot x19 (slot 0 belongs to the boot core). */
	ldr	x1, =__stacks_start
	ldr	x2, =HYP_STACK_SLOT
	madd	x1, x19, x2, x1
	add	x1, x1, x2
	mov	sp, x1

	/* Turn on the MMU with the tables core 0 built; no memory is written
	 * before, so nothing can be left behind in memory under the caches. */
	ldr	x0, =mmu_boot_regs
	bl	arch_mmu_enable_from
	mov	x0, x19
	bl	arch_boot_secondary             /* does not return */
9:	wfi
	b	9b
ENDFUNC(secondary_entry)

/*
 * Load MAIR, TCR, TTBR0 from the struct at x0 (written by core 0 and cleaned
 * to the point of coherency) and enable the MMU with its SCTLR value.
 * Uses only x0-x3; no stack.
 */
FUNC(arch_mmu_enable_from)
	ldp	x1, x2, [x0, #0]                /* mair, tcr */
	msr	mair_el2, x1
	msr	tcr_el2, x2
	ldp	x1, x2, [x0, #16]               /* ttbr0, sctlr */
	msr	ttbr0_el2, x1
	isb
	tlbi	alle2
	dsb	ish
	isb
	msr	sctlr_el2, x2
	isb
	ret
ENDFUNC(arch_mmu_enable_from)

/*
 * dcache_by_line op: "dc \op" on every data cache line of [x0, x1), then a
 * DSB. Eight lines a turn while eight remain (2.5 instructions a line
 * instead of 4: the boot runs these over its tables, BSS and stack, and the
 * loader over every image it copies), then line by line. Uses x0-x5.
 */
.macro dcache_by_line op
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4                 /* CTR_EL0.DminLine: log2(words) */
	mov	x2, #4
	lsl	x2, x2, x3                      /* line size in bytes */
	sub	x3, x2, #1
	bic	x0, x0, x3
	lsl	x4, x2, #3                      /* eight lines */
0:	add	x5, x0, x4
	cmp	x5, x1
	b.hi	2f
	.rept	8
	dc	\op, x0
	add	x0, x0, x2
	.endr
	b	0b
2:	cmp	x0, x1
	b.hs	1f
	dc	\op, x0
	add	x0, x0, x2
	b	2b
1:	dsb	sy
	ret
.endm

/* Invalidate data cache lines [x0, x1) to the point of coherency. */
FUNC(arch_dcache_inval_range)
	dcache_by_line ivac
ENDFUNC(arch_dcache_inval_range)

/* Clean data cache lines [x0, x1) to the point of coherency. */
FUNC(arch_dcache_clean_range)
	dcache_by_line cvac
ENDFUNC(arch_dcache_clean_range)
