/*
 * Register frame saved by the EL2 exception vectors (exception.S). The offsets
 * are used from assembly, so the layout is fixed and checked with
 * _Static_assert in fault.c.
 */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#define FRAME_X(n)      ((n) * 8)
#define FRAME_SP        (31 * 8)
#define FRAME_ELR       (32 * 8)
#define FRAME_SPSR      (33 * 8)
#define FRAME_ESR       (34 * 8)
#define FRAME_FAR       (35 * 8)
#define FRAME_SIZE      (36 * 8)

/* Which of the 16 vector entries was taken. */
#define VEC_CUR_SP0_SYNC        0
#define VEC_CUR_SP0_IRQ         1
#define VEC_CUR_SP0_FIQ         2
#define VEC_CUR_SP0_SERROR      3
#define VEC_CUR_SPX_SYNC        4
#define VEC_CUR_SPX_IRQ         5
#define VEC_CUR_SPX_FIQ         6
#define VEC_CUR_SPX_SERROR      7
#define VEC_LOW64_SYNC          8
#define VEC_LOW64_IRQ           9
#define VEC_LOW64_FIQ           10
#define VEC_LOW64_SERROR        11
#define VEC_LOW32_SYNC          12
#define VEC_LOW32_IRQ           13
#define VEC_LOW32_FIQ           14
#define VEC_LOW32_SERROR        15

#ifndef __ASSEMBLER__
#include <stdint.h>

struct frame {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};
#endif

#endif /* ARCH_FRAME_H */
