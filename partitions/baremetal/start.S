/*
 * Entry points of the baremetal guest: arm64 Image header, boot CPU entry
 * (self-relocation, BSS, stack, vectors), secondary entry for PSCI CPU_ON,
 * the EL1 exception vectors and SMCCC conduit helpers.
 *
 * The image is linked at 0 as a static PIE and may be loaded at any 2 MiB
 * aligned base + text_offset, so nothing here uses an absolute address:
 * all addresses come from adrp/add, which are PC-relative.
 */
#include "bm_config.h"
#include "harden.h"
#include "sysreg.h"
#include "../common/pie_start.inc"

    .section .text.head, "ax"
    .global _start
_start:
    b       bm_entry                /* code0 */
    .long   0                       /* code1 */
    .quad   IMAGE_TEXT_OFFSET       /* text_offset */
    .quad   _end - _start           /* image_size incl. BSS: PC-relative, so no dynamic reloc */
    .quad   IMAGE_FLAGS             /* flags */
    .quad   0                       /* res2 */
    .quad   0                       /* res3 */
    .quad   0                       /* res4 */
    .byte   'A', 'R', 'M', 0x64     /* magic, at offset 0x38 */
    .long   0                       /* res5: no PE/COFF header */

    .text

/*
 * Bring EL1 into a known state: everything masked until vectors exist, MMU and
 * data cache off (the loader or a previous run may have left anything), and
 * SP_EL1 selected so exceptions and normal code share one stack.
 * Clobbers x1.
 */
.macro el1_known_state
    msr     daifset, #DAIF_ALL_IMM
    ldr     x1, =SCTLR_EL1_BOOT
    msr     sctlr_el1, x1
    isb
    /* The image was just written by a loader: drop any stale instructions. */
    ic      iallu
    dsb     nsh
    isb
    msr     spsel, #1
.endm

/* One system register into the entry snapshot at x30, which moves on. */
.macro snap reg
    mrs     x1, \reg
    str     x1, [x30], #8
.endm

/* Install our vector table. Clobbers x1. */
.macro set_vectors
    adrp    x1, bm_vectors
    add     x1, x1, :lo12:bm_vectors
    msr     vbar_el1, x1
    isb
.endm

bm_entry:
    /*
     * Before anything changes them: the registers we arrive with, for the
     * "canary" action (harden.h gives the layout). x30 becomes the
     * snapshot's address, so only whether it was zero is kept: the flags
     * hold that until x1 is free again (adrp, add, stp leave them alone).
     */
    cmp     x30, #0
    adrp    x30, bm_entry_snap
    add     x30, x30, :lo12:bm_entry_snap
    stp     x0, x1, [x30, #0]
    stp     x2, x3, [x30, #16]
    stp     x4, x5, [x30, #32]
    stp     x6, x7, [x30, #48]
    stp     x8, x9, [x30, #64]
    stp     x10, x11, [x30, #80]
    stp     x12, x13, [x30, #96]
    stp     x14, x15, [x30, #112]
    stp     x16, x17, [x30, #128]
    stp     x18, x19, [x30, #144]
    stp     x20, x21, [x30, #160]
    mrs     x21, cntvct_el0         /* entry time, for the boot benchmark ("ts") */
    stp     x22, x23, [x30, #176]
    stp     x24, x25, [x30, #192]
    stp     x26, x27, [x30, #208]
    stp     x28, x29, [x30, #224]
    cset    x1, ne
    str     x1, [x30, #(BM_SNAP_X30_NONZERO * 8)]
    mov     x1, sp
    str     x1, [x30, #(BM_SNAP_SP * 8)]
    add     x30, x30, #(BM_SNAP_SYS * 8)
    snap    sp_el0
    snap    tpidr_el1
    snap    tpidr_el0
    snap    tpidrro_el0
    snap    contextidr_el1
    snap    vbar_el1
    snap    elr_el1
    snap    spsr_el1
    snap    esr_el1
    snap    far_el1
    snap    par_el1
    snap    ttbr0_el1
    snap    ttbr1_el1
    snap    tcr_el1
    snap    mair_el1
    snap    amair_el1
    snap    mdscr_el1
    snap    cntkctl_el1
    snap    cntv_ctl_el0
    snap    cntv_cval_el0
    snap    cntp_ctl_el0
    snap    cntp_cval_el0
    snap    csselr_el1
    snap    cpacr_el1
    snap    sctlr_el1
    snap    afsr0_el1
    snap    afsr1_el1
    snap    dbgbvr0_el1
    snap    dbgwvr0_el1
    mov     x30, xzr
    mov     x19, x0                 /* DTB address, kept in a callee-saved reg */
    el1_known_state

    /* Relocations and BSS, before any C code reads a pointer in data. */
    pie_relocate_and_clear_bss x20, bm_park
    msr     tpidr_el1, xzr          /* console lock slot until the DTB is read */
    adrp    x1, bm_boot_stack
    add     x1, x1, :lo12:bm_boot_stack
    mov     x2, #BM_STACK_SIZE
    add     sp, x1, x2
    set_vectors
    msr     daifclr, #DAIF_A_IMM    /* take SErrors: a test may inject one */
    mov     x0, x19
    mov     x1, x21
    bl      bm_main
    b       bm_park

/*
 * PSCI CPU_ON entry: x0 = context = stack/lock slot index.
 */
    .global bm_secondary_entry
bm_secondary_entry:
    mov     x19, x0
    el1_known_state
    cmp     x19, #BM_NUM_SLOTS
    b.hs    bm_park                 /* never run on a stack we do not own */
    msr     tpidr_el1, x19
    adrp    x1, bm_stacks
    add     x1, x1, :lo12:bm_stacks
    add     x2, x19, #1
    mov     x3, #BM_STACK_SIZE
    madd    x1, x2, x3, x1          /* top of bm_stacks[slot] */
    mov     sp, x1
    set_vectors
    msr     daifclr, #DAIF_A_IMM
    mov     x0, x19
    bl      bm_secondary_main
    /* fall through */

    .global bm_park
bm_park:
    wfi
    b       bm_park

    .ltorg

/* The entry snapshot lives in .data: BSS is cleared after it is taken. */
    .pushsection .data
    .balign 16
    .global bm_entry_snap
bm_entry_snap:
    .space  BM_SNAP_WORDS * 8
    .popsection

/*
 * SMCCC calls: x0 = function id, x1..x3 arguments, result in x0.
 * SMCCC may corrupt x4-x17, which AAPCS64 already treats as caller-saved.
 */
    .global bm_hvc_call
bm_hvc_call:
    hvc     #0
    ret

    .global bm_smc_call
bm_smc_call:
    smc     #0
    ret

/*
 * Exception vectors. Each entry saves x0/x1, puts its index (group * 4 + kind)
 * in x1 and joins the common path, which builds a full frame so the C handler
 * can move ELR past a faulting instruction.
 */
.macro ventry index
    .balign VECTOR_ENTRY_SIZE
    sub     sp, sp, #BM_FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\index
    b       bm_exc_common
.endm

/* An IRQ entry also notes the virtual counter as early as it can, in the
 * frame's spare slot: the latency mode measures deadline to handler entry. */
.macro ventry_irq index
    .balign VECTOR_ENTRY_SIZE
    sub     sp, sp, #BM_FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mrs     x0, cntvct_el0
    str     x0, [sp, #BM_FRAME_PAD]
    mov     x1, #\index
    b       bm_exc_common
.endm

    .balign VECTOR_TABLE_ALIGN
    .global bm_vectors
bm_vectors:
    ventry  (VEC_GROUP_CUR_SP0 * 4 + VEC_KIND_SYNC)
    ventry_irq (VEC_GROUP_CUR_SP0 * 4 + VEC_KIND_IRQ)
    ventry  (VEC_GROUP_CUR_SP0 * 4 + VEC_KIND_FIQ)
    ventry  (VEC_GROUP_CUR_SP0 * 4 + VEC_KIND_SERROR)
    ventry  (VEC_GROUP_CUR_SPX * 4 + VEC_KIND_SYNC)
    ventry_irq (VEC_GROUP_CUR_SPX * 4 + VEC_KIND_IRQ)
    ventry  (VEC_GROUP_CUR_SPX * 4 + VEC_KIND_FIQ)
    ventry  (VEC_GROUP_CUR_SPX * 4 + VEC_KIND_SERROR)
    ventry  (VEC_GROUP_LOW_A64 * 4 + VEC_KIND_SYNC)
    ventry_irq (VEC_GROUP_LOW_A64 * 4 + VEC_KIND_IRQ)
    ventry  (VEC_GROUP_LOW_A64 * 4 + VEC_KIND_FIQ)
    ventry  (VEC_GROUP_LOW_A64 * 4 + VEC_KIND_SERROR)
    ventry  (VEC_GROUP_LOW_A32 * 4 + VEC_KIND_SYNC)
    ventry_irq (VEC_GROUP_LOW_A32 * 4 + VEC_KIND_IRQ)
    ventry  (VEC_GROUP_LOW_A32 * 4 + VEC_KIND_FIQ)
    ventry  (VEC_GROUP_LOW_A32 * 4 + VEC_KIND_SERROR)

bm_exc_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #BM_FRAME_ELR]
    mov     x0, sp
    bl      bm_exception            /* (frame, index); returns only to resume */
    ldp     x2, x3, [sp, #BM_FRAME_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #BM_FRAME_SIZE
    eret
