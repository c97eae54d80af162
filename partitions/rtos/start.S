/*
 * Entry of the RTOS image: the arm64 Image header (so QEMU's -kernel and the
 * hypervisor's loader pass the DTB in x0), self-relocation, the exception
 * vectors and the context save/restore of tasks.
 *
 * Linked at 0 as a static PIE and loaded at any 2 MiB aligned base +
 * text_offset: only PC-relative addresses (adrp/add) until the relocations
 * are applied.
 */
#include "ctx.h"
#include "../common/pie_start.inc"

#define IMAGE_TEXT_OFFSET 0x0
/* flags: little-endian, 4 KiB pages, may be placed anywhere in RAM */
#define IMAGE_FLAGS ((1 << 1) | (1 << 3))

/* SCTLR_EL1 at entry: the RES1 bits of Armv8.0 (29, 28, 23, 22, 20, 11),
 * SA (stack alignment check), MMU, caches and alignment checks off. */
#define SCTLR_EL1_BOOT 0x30d00808
#define VECTOR_ENTRY_SIZE 0x80
#define VECTOR_TABLE_ALIGN 2048
#define DAIF_ALL_IMM 0xf

    .section .text.head, "ax"
    .global _start
_start:
    b       rtos_entry              /* code0 */
    .long   0                       /* code1 */
    .quad   IMAGE_TEXT_OFFSET       /* text_offset */
    .quad   _end - _start           /* image_size, including BSS and stacks */
    .quad   IMAGE_FLAGS
    .quad   0                       /* res2 */
    .quad   0                       /* res3 */
    .quad   0                       /* res4 */
    .byte   'A', 'R', 'M', 0x64     /* magic */
    .long   0                       /* res5 */

    .text
rtos_entry:
    mrs     x21, cntvct_el0         /* entry time, printed in the first line */
    mov     x19, x0                 /* DTB */
    msr     daifset, #DAIF_ALL_IMM
    ldr     x1, =SCTLR_EL1_BOOT
    msr     sctlr_el1, x1
    /* FP/SIMD traps (CPACR_EL1.FPEN = 0): nothing here uses it (the build
     * checks), so a stray instruction is reported instead of corrupting
     * another task's registers. */
    msr     cpacr_el1, xzr
    msr     spsel, #1
    isb
    /* The loader just wrote the image: no stale instructions. */
    ic      iallu
    dsb     nsh
    isb

    pie_relocate_and_clear_bss x20, rtos_halt
    adrp    x1, __tls_tp            /* picolibc's errno lives in TLS */
    add     x1, x1, :lo12:__tls_tp
    msr     tpidr_el0, x1
    adrp    x1, rtos_kstack
    add     x1, x1, :lo12:rtos_kstack
    add     x1, x1, #(RTOS_PAGE_SIZE + RTOS_KSTACK_SIZE)
    mov     sp, x1
    adrp    x1, rtos_vectors
    add     x1, x1, :lo12:rtos_vectors
    msr     vbar_el1, x1
    isb
    mov     x0, x19
    mov     x1, x21
    bl      rtos_main
    /* fall through */

    .global rtos_halt
rtos_halt:
    msr     daifset, #DAIF_ALL_IMM
1:  wfi
    b       1b

    .ltorg

/*
 * rtos_start_first(ctx): run the task whose context is at x0, on a fresh
 * exception stack.
 */
    .global rtos_start_first
rtos_start_first:
    msr     tpidr_el1, x0
    adrp    x1, rtos_kstack
    add     x1, x1, :lo12:rtos_kstack
    add     x1, x1, #(RTOS_PAGE_SIZE + RTOS_KSTACK_SIZE)
    mov     sp, x1
    b       ctx_restore

/*
 * Vectors. Tasks run at EL1 on SP_EL0 ("EL1t"), so their exceptions arrive
 * in the "current EL with SP0" group, on SP_EL1, the exception stack. The
 * "current EL with SPx" group is the kernel itself faulting (it runs on
 * SP_EL1 with IRQs masked): a bug, reported and halted. Lower ELs do not
 * exist here.
 */
.macro task_vector kind
    .balign VECTOR_ENTRY_SIZE
    stp     x0, x1, [sp, #-16]!
    mrs     x0, tpidr_el1           /* the current task's context */
    mov     x1, #\kind
    b       task_trap
.endm

.macro kernel_vector kind
    .balign VECTOR_ENTRY_SIZE
    mov     x0, #\kind
    mrs     x1, elr_el1
    b       rtos_kernel_fault
.endm

    .balign VECTOR_TABLE_ALIGN
rtos_vectors:
    task_vector TRAP_SYNC
    task_vector TRAP_IRQ
    task_vector TRAP_FIQ
    task_vector TRAP_SERROR
    kernel_vector TRAP_SYNC
    kernel_vector TRAP_IRQ
    kernel_vector TRAP_FIQ
    kernel_vector TRAP_SERROR
    kernel_vector TRAP_SYNC
    kernel_vector TRAP_IRQ
    kernel_vector TRAP_FIQ
    kernel_vector TRAP_SERROR
    kernel_vector TRAP_SYNC
    kernel_vector TRAP_IRQ
    kernel_vector TRAP_FIQ
    kernel_vector TRAP_SERROR

/* x0 = context, x1 = kind, the task's x0/x1 on the exception stack. */
task_trap:
    stp     x2, x3, [x0, #16]
    stp     x4, x5, [x0, #32]
    stp     x6, x7, [x0, #48]
    stp     x8, x9, [x0, #64]
    stp     x10, x11, [x0, #80]
    stp     x12, x13, [x0, #96]
    stp     x14, x15, [x0, #112]
    stp     x16, x17, [x0, #128]
    stp     x18, x19, [x0, #144]
    stp     x20, x21, [x0, #160]
    stp     x22, x23, [x0, #176]
    stp     x24, x25, [x0, #192]
    stp     x26, x27, [x0, #208]
    stp     x28, x29, [x0, #224]
    str     x30, [x0, #CTX_X30]
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #CTX_X0]
    mrs     x2, sp_el0
    str     x2, [x0, #CTX_SP]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [x0, #CTX_ELR]
    mov     x0, x1
    bl      rtos_trap               /* may switch TPIDR_EL1 to another task */

/* Resume the task whose context TPIDR_EL1 points at. */
ctx_restore:
    mrs     x0, tpidr_el1
    ldr     x2, [x0, #CTX_SP]
    msr     sp_el0, x2
    ldp     x2, x3, [x0, #CTX_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #CTX_X30]
    ldp     x0, x1, [x0, #CTX_X0]
    eret
