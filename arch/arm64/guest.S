/* Switching between EL2 and a partition's EL1. */
#include "arch/asm.h"

	.text
/*
 * void arch_guest_eret(uint64_t entry, uint64_t x0, uint64_t spsr)
 * Enters EL1 at `entry` with x0 as given and every other general register
 * zero, so nothing of the hypervisor's leaks into a partition. Never returns:
 * the next time this core is in EL2 is through the vectors.
 */
FUNC(arch_guest_eret)
	msr	elr_el2, x0
	msr	spsr_el2, x2
	mov	x0, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	mov	x8, xzr
	mov	x9, xzr
	mov	x10, xzr
	mov	x11, xzr
	mov	x12, xzr
	mov	x13, xzr
	mov	x14, xzr
	mov	x15, xzr
	mov	x16, xzr
	mov	x17, xzr
	mov	x18, xzr
	mov	x19, xzr
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr
	mov	x30, xzr
	eret
ENDFUNC(arch_guest_eret)

/*
 * void arch_reset_stack_and_call(uint64_t stack_top, void (*fn)(void))
 * Drops whatever this core's EL2 stack holds (an exception frame of a
 * partition being stopped) and continues in fn, which must not return.
 */
FUNC(arch_reset_stack_and_call)
	mov	sp, x0
	mov	x29, xzr
	mov	x30, xzr
	br	x1
ENDFUNC(arch_reset_stack_and_call)
