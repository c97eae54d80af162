/*
 * The hot path of virtual interrupt delivery: a lower-EL IRQ whose INTID is
 * a PPI or SPI the running partition owns, with a free list register and
 * nothing waiting in its queue. Acknowledge, drop priority, write a list
 * register hardware-linked to the same INTID, return - in a few dozen
 * instructions and six saved registers. Everything else (SGIs, interrupts
 * it does not own, a full set of list registers, a non-empty queue) goes to
 * the C path, arch_guest_irq_acked(), with the INTID already acknowledged.
 *
 * Entered from the vector (exception.S) with a FRAME_SIZE frame pushed and
 * x0, x1 saved in it.
 */
#include "arch/asm.h"
#include "arch/frame.h"
#include "arch/irq_fast.h"

/* GIC system registers (Arm IHI 0069, 12.2 and 12.5). */
#define ICC_IAR1_EL1            S3_0_C12_C12_0
#define ICC_EOIR1_EL1           S3_0_C12_C12_1
#define ICH_ELRSR_EL2           S3_4_C12_C11_5

#define INTID_SPECIAL           1020    /* 1020-1023: nothing to take */
#define INTID_FIRST_PPI         16
#define INTID_FIRST_SPI         32
/* ICH_LR<n>_EL2: State = pending (62), HW (61), Group 1 (60). */
#define LR_PENDING_HW_G1_HI16   0x7000  /* bits 63:48 of the above */

	.text
	.balign 64
FUNC(irq_fast_path)
	stp	x2, x3, [sp, #FRAME_X(2)]
	stp	x4, x5, [sp, #FRAME_X(4)]
	mrs	x0, ICC_IAR1_EL1
	cmp	w0, #INTID_SPECIAL
	b.hs	irq_fast_out                    /* spurious */
	cmp	w0, #INTID_FIRST_PPI
	b.lo	irq_slow                        /* SGIs are not hardware-linked */
	mrs	x1, tpidr_el2
	adrp	x2, irq_fast_tab
	add	x2, x2, :lo12:irq_fast_tab
	add	x2, x2, x1, lsl #IRQF_SIZE_SHIFT
	cmp	w0, #INTID_FIRST_SPI
	b.hs	1f
	ldr	w3, [x2, #IRQF_PRIV_MASK]      /* a PPI: one of the vCPU's? */
	lsr	w3, w3, w0
	tbz	w3, #0, irq_slow
	ldr	x3, [x2, #IRQF_PRIV_PRIO]
	b	2f
1:	ldr	x3, [x2, #IRQF_OWNED]          /* an SPI: the partition's? */
	cbz	x3, irq_slow
	lsr	w4, w0, #5
	ldr	w4, [x3, w4, uxtw #2]
	lsr	w4, w4, w0                      /* shifts by INTID mod 32 */
	tbz	w4, #0, irq_slow
	ldr	x3, [x2, #IRQF_SPI_PRIO]
2:	ldrb	w3, [x3, w0, uxtw]              /* the guest's priority */
	ldr	x4, [x2, #IRQF_QUEUE_N]
	ldr	w4, [x4]
	cbnz	w4, irq_slow                    /* others wait: keep their order */
	mrs	x4, ICH_ELRSR_EL2
	cbz	x4, irq_slow                    /* no free list register */
	rbit	x4, x4
	clz	x4, x4                          /* the lowest free one */
	movz	x5, #LR_PENDING_HW_G1_HI16, lsl #48
	orr	x5, x5, x3, lsl #48
	orr	x5, x5, x0, lsl #32             /* pINTID */
	orr	x5, x5, x0                      /* vINTID */
	msr	ICC_EOIR1_EL1, x0               /* priority drop; the guest deactivates */
	adr	x3, lr_write
	add	x3, x3, x4, lsl #3
	br	x3
lr_write:
	msr	S3_4_C12_C12_0, x5
	b	3f
	msr	S3_4_C12_C12_1, x5
	b	3f
	msr	S3_4_C12_C12_2, x5
	b	3f
	msr	S3_4_C12_C12_3, x5
	b	3f
	msr	S3_4_C12_C12_4, x5
	b	3f
	msr	S3_4_C12_C12_5, x5
	b	3f
	msr	S3_4_C12_C12_6, x5
	b	3f
	msr	S3_4_C12_C12_7, x5
	b	3f
	msr	S3_4_C12_C13_0, x5
	b	3f
	msr	S3_4_C12_C13_1, x5
	b	3f
	msr	S3_4_C12_C13_2, x5
	b	3f
	msr	S3_4_C12_C13_3, x5
	b	3f
	msr	S3_4_C12_C13_4, x5
	b	3f
	msr	S3_4_C12_C13_5, x5
	b	3f
	msr	S3_4_C12_C13_6, x5
	b	3f
	msr	S3_4_C12_C13_7, x5
3:	ldr	x3, [x2, #IRQF_INJECTED]
	ldr	w4, [x3]
	add	w4, w4, #1
	str	w4, [x3]
	ldr	x3, [x2, #IRQF_TRAP_IRQ]
	ldr	w4, [x3]
	add	w4, w4, #1
	str	w4, [x3]
irq_fast_out:
	ldp	x0, x1, [sp, #FRAME_X(0)]
	ldp	x2, x3, [sp, #FRAME_X(2)]
	ldp	x4, x5, [sp, #FRAME_X(4)]
	add	sp, sp, #FRAME_SIZE
	eret

/* The C path, with x0-x5 saved and x0 = the acknowledged INTID. */
irq_slow:
	add	x1, x0, #VEC_IRQ_ACKED_BASE
	b	exception_save_rest
ENDFUNC(irq_fast_path)
