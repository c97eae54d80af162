/*
 * EL2 exception vectors (VBAR_EL2). Each entry saves the general registers
 * and the syndrome into a struct frame on the current stack and calls
 * arch_exception(frame, vector index) in C; if that returns, the frame is
 * restored and the exception returns.
 */
#include "arch/asm.h"
#include "arch/frame.h"
#include "arch/layout.h"

/* SMCCC_ARCH_WORKAROUND_1 and _3 (core/include/smccc.h, whose U suffixes
 * the assembler does not take). */
#define FID_ARCH_WORKAROUND_1   0x80008000
#define FID_ARCH_WORKAROUND_3   0x80003fff

/*
 * Before storing anything, check the new stack pointer still has bit
 * HYP_STACK_SHIFT set (arch/layout.h). SP cannot be tested directly, so x0
 * and SP are exchanged arithmetically, without memory, as in:
 *   sp = sp + x0; x0 = sp - x0 (the new SP); test; x0 = sp - x0; sp = sp - x0.
 *
 * harden (lower-EL entries of the hardened tables below only) names what
 * runs once x0 and x1 are saved and before the branch to the handler, so
 * before any indirect branch and with only x0-x3 used, all saved first:
 *   loop     the branch-history-clearing loop (Spectre-BHB), k iterations
 *            from el2_bhb_loop_k[core], as Arm's Spectre-BHB whitepaper
 *            gives k per core;
 *   clrbhb   FEAT_CLRBHB's CLRBHB instruction;
 *   wa3      firmware's SMCCC_ARCH_WORKAROUND_3 (variant 2 and BHB);
 *   none     nothing.
 * fw_wa1 = 1 first calls firmware's SMCCC_ARCH_WORKAROUND_1 (variant 2) on
 * cores whose firmware implements it. arch/arm64/spectre.c chooses the
 * table per core; unaffected cores keep el2_vectors, which has none of it.
 * An entry must fit its 0x80 bytes: .org stops the build if it does not.
 */
.macro vector_entry idx, target=exception_common, harden=none, fw_wa1=0
	.balign 0x80
.Lvec_start\@:
	sub	sp, sp, #FRAME_SIZE
	add	sp, sp, x0
	sub	x0, sp, x0
	tbz	x0, #HYP_STACK_SHIFT, 1f
	sub	x0, sp, x0
	sub	sp, sp, x0
	stp	x0, x1, [sp, #FRAME_X(0)]
	.if \fw_wa1
	fw_workaround FID_ARCH_WORKAROUND_1
	.endif
	.ifc \harden, loop
	bhb_loop
	.endif
	.ifc \harden, clrbhb
	/* CLRBHB is HINT #22 (assemblers without FEAT_CLRBHB know the hint);
	 * the ISB makes later instructions see the cleared history. */
	hint	#22
	isb
	.endif
	.ifc \harden, wa3
	fw_workaround FID_ARCH_WORKAROUND_3
	.endif
	mov	x1, #\idx
	b	\target
1:	sub	x0, sp, x0
	sub	sp, sp, x0
	b	stack_overflow
	.org	.Lvec_start\@ + 0x80
.endm

/*
 * k taken branches overwrite the branch history a lower EL left behind, so
 * none of it steers EL2's first indirect branches; k is the core's (Arm's
 * Spectre-BHB whitepaper). The barriers keep the handler from being
 * speculated before the loop has run. x0 and x1 are saved already.
 */
.macro bhb_loop
	mrs	x0, tpidr_el2                   /* core index */
	adrp	x1, el2_bhb_loop_k
	add	x1, x1, :lo12:el2_bhb_loop_k
	ldrb	w0, [x1, x0]
	b	. + 4
	subs	w0, w0, #1
	b.ne	. - 8
	dsb	nsh
	isb
.endm

/*
 * A firmware workaround call (SMCCC 1.1: results in x0-x3 only, x4-x17
 * preserved). x0 and x1 are saved already; x2 and x3 are saved here and
 * restored, since the handler saves them again from the registers.
 */
.macro fw_workaround fid
	stp	x2, x3, [sp, #FRAME_X(2)]
	movz	w0, #((\fid) >> 16), lsl #16
	movk	w0, #((\fid) & 0xffff)
	smc	#0
	ldp	x2, x3, [sp, #FRAME_X(2)]
.endm

/* A VBAR_EL2 table whose lower-EL entries are hardened; entries from EL2
 * itself come after a lower-EL entry ran the mitigation, and are plain. */
.macro hardened_vectors name, harden, fw_wa1
	.balign 0x800
FUNC(\name)
	vector_entry VEC_CUR_SP0_SYNC
	vector_entry VEC_CUR_SP0_IRQ
	vector_entry VEC_CUR_SP0_FIQ
	vector_entry VEC_CUR_SP0_SERROR
	vector_entry VEC_CUR_SPX_SYNC
	vector_entry VEC_CUR_SPX_IRQ
	vector_entry VEC_CUR_SPX_FIQ
	vector_entry VEC_CUR_SPX_SERROR
	vector_entry VEC_LOW64_SYNC, exception_common, \harden, \fw_wa1
	vector_entry VEC_LOW64_IRQ, irq_fast_path, \harden, \fw_wa1
	vector_entry VEC_LOW64_FIQ, exception_common, \harden, \fw_wa1
	vector_entry VEC_LOW64_SERROR, exception_common, \harden, \fw_wa1
	vector_entry VEC_LOW32_SYNC, exception_common, \harden, \fw_wa1
	vector_entry VEC_LOW32_IRQ, exception_common, \harden, \fw_wa1
	vector_entry VEC_LOW32_FIQ, exception_common, \harden, \fw_wa1
	vector_entry VEC_LOW32_SERROR, exception_common, \harden, \fw_wa1
ENDFUNC(\name)
.endm

	.text
	.balign 0x800
FUNC(el2_vectors)
	vector_entry VEC_CUR_SP0_SYNC
	vector_entry VEC_CUR_SP0_IRQ
	vector_entry VEC_CUR_SP0_FIQ
	vector_entry VEC_CUR_SP0_SERROR
	vector_entry VEC_CUR_SPX_SYNC
	vector_entry VEC_CUR_SPX_IRQ
	vector_entry VEC_CUR_SPX_FIQ
	vector_entry VEC_CUR_SPX_SERROR
	vector_entry VEC_LOW64_SYNC
	vector_entry VEC_LOW64_IRQ, irq_fast_path     /* irq_fast.S */
	vector_entry VEC_LOW64_FIQ
	vector_entry VEC_LOW64_SERROR
	vector_entry VEC_LOW32_SYNC
	vector_entry VEC_LOW32_IRQ
	vector_entry VEC_LOW32_FIQ
	vector_entry VEC_LOW32_SERROR
ENDFUNC(el2_vectors)

/* The hardened tables (arch/arm64/spectre.c, docs/isolation.md section 4). */
	hardened_vectors el2_vectors_bhb_loop, loop, 0
	hardened_vectors el2_vectors_bhb_clrbhb, clrbhb, 0
	hardened_vectors el2_vectors_fw_wa3, wa3, 0
	hardened_vectors el2_vectors_fw_wa1, none, 1
	hardened_vectors el2_vectors_fw_wa1_bhb_loop, loop, 1
	hardened_vectors el2_vectors_fw_wa1_bhb_clrbhb, clrbhb, 1

/*
 * This core's EL2 stack is exhausted. x0 and x1 are sacrificed to move to
 * the core's emergency stack, where C reports the overflow and halts.
 */
stack_overflow:
	mrs	x0, tpidr_el2                   /* core index */
	ldr	x1, =HYP_EMERGENCY_STACK
	madd	x0, x0, x1, x1                  /* (core + 1) * size */
	ldr	x1, =hyp_emergency_stacks
	add	x0, x0, x1
	mov	sp, x0
	mrs	x0, elr_el2
	mrs	x1, far_el2
	bl	arch_stack_overflow             /* does not return */
	b	.

exception_common:
	stp	x2, x3, [sp, #FRAME_X(2)]
	stp	x4, x5, [sp, #FRAME_X(4)]
/* x0-x5 saved; x1 = the vector index (or VEC_IRQ_ACKED_BASE + INTID, from
 * irq_fast.S). */
	.global exception_save_rest
exception_save_rest:
	stp	x6, x7, [sp, #FRAME_X(6)]
	stp	x8, x9, [sp, #FRAME_X(8)]
	stp	x10, x11, [sp, #FRAME_X(10)]
	stp	x12, x13, [sp, #FRAME_X(12)]
	stp	x14, x15, [sp, #FRAME_X(14)]
	stp	x16, x17, [sp, #FRAME_X(16)]
	stp	x18, x19, [sp, #FRAME_X(18)]
	stp	x20, x21, [sp, #FRAME_X(20)]
	stp	x22, x23, [sp, #FRAME_X(22)]
	stp	x24, x25, [sp, #FRAME_X(24)]
	stp	x26, x27, [sp, #FRAME_X(26)]
	stp	x28, x29, [sp, #FRAME_X(28)]
	/* The interrupted SP: for an exception from EL2 it is ours before the
	 * frame was pushed; from a lower EL it is that EL's SP_EL1/SP_EL0, which
	 * the C handler reads itself. */
	add	x2, sp, #FRAME_SIZE
	stp	x30, x2, [sp, #FRAME_X(30)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #FRAME_ELR]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #FRAME_ESR]

	mov	x0, sp
	bl	arch_exception

	ldp	x2, x3, [sp, #FRAME_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x0, x1, [sp, #FRAME_X(0)]
	ldp	x2, x3, [sp, #FRAME_X(2)]
	ldp	x4, x5, [sp, #FRAME_X(4)]
	ldp	x6, x7, [sp, #FRAME_X(6)]
	ldp	x8, x9, [sp, #FRAME_X(8)]
	ldp	x10, x11, [sp, #FRAME_X(10)]
	ldp	x12, x13, [sp, #FRAME_X(12)]
	ldp	x14, x15, [sp, #FRAME_X(14)]
	ldp	x16, x17, [sp, #FRAME_X(16)]
	ldp	x18, x19, [sp, #FRAME_X(18)]
	ldp	x20, x21, [sp, #FRAME_X(20)]
	ldp	x22, x23, [sp, #FRAME_X(22)]
	ldp	x24, x25, [sp, #FRAME_X(24)]
	ldp	x26, x27, [sp, #FRAME_X(26)]
	ldp	x28, x29, [sp, #FRAME_X(28)]
	ldr	x30, [sp, #FRAME_X(30)]
	add	sp, sp, #FRAME_SIZE
	eret
