/*
 * void arch_fp_reset(uint64_t flags)
 *
 * The FP/SIMD, SVE and SME state a partition can see, back to reset right
 * before it is entered (arch_vcpu_enter()): out of streaming mode with ZA off,
 * every vector and predicate register, FFR, FPCR and FPSR zero.
 *
 * This is the one place EL2 executes FP/SIMD (and SVE, SME) instructions
 * after boot: the rest of the hypervisor is built -mgeneral-regs-only, and
 * nothing runs at EL2 between this and the ERET into the partition, so the
 * registers it clears are the partition's alone. docs/design-notes.md (k)
 * says why zeroing on entry was chosen over trapping the first use.
 * CPTR_EL2 leaves FP/SIMD, SVE and SME untrapped (el2_setup.c); ZCR_EL2 and
 * SMCR_EL2 ask for the longest vectors, so every implemented bit is cleared
 * whatever length the partition later picks.
 *
 * flags: FP_RESET_SVE (bit 0), FP_RESET_SME (bit 1), as cpu_caps.h.
 */
#include "arch/asm.h"

	.arch	armv8.2-a
	.arch_extension sve
	.arch_extension sme

	.text
FUNC(arch_fp_reset)
	/* SMSTOP: PSTATE.SM and PSTATE.ZA to 0. Leaving streaming mode sets
	 * the Z, P and FFR registers to zero; ZA (and ZT0) cannot be read
	 * again until ZA is enabled, which sets them to zero. */
	tbz	x0, #1, 1f
	smstop
1:	tbz	x0, #0, 2f
	/* SVE: the Z registers at the full vector length (their low 128 bits
	 * are the V registers), the predicates and the first-fault register. */
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	mov	z\i\().d, #0
	.endr
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	pfalse	p\i\().b
	.endr
	wrffr	p0.b
	b	3f
2:	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	movi	v\i\().2d, #0
	.endr
3:	msr	fpcr, xzr
	msr	fpsr, xzr
	ret
ENDFUNC(arch_fp_reset)
