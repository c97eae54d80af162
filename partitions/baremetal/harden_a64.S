/*
 * Instructions of the optional architecture features, for the hardening
 * actions (harden.c, canary.c). Each probe executes what a guest using the feature
 * would, and returns something it computed; harden.c runs it with any
 * synchronous exception caught (exception.c skips the instruction), so an
 * UNDEFINED one shows as a caught exception, not a crash.
 *
 * The C code is built -mgeneral-regs-only; FP/SIMD, SVE and SME registers
 * are touched only here. Encodings of registers older assemblers do not know
 * by name are written S<op0>_<op1>_C<n>_C<m>_<op2>.
 */
#include "sysreg.h"

    .arch   armv8.6-a
    .arch_extension sve
    .arch_extension sme
    .arch_extension memtag
    .arch_extension rng
    .arch_extension ssbs

/* SCTLR_EL1.EnIA, bit 31: pointer authentication with the APIA key. */
#define SCTLR_EL1_ENIA      (1 << 31)
/* PSTATE for the return from the PSTATE handlers: EL1h, D, A, I, F masked. */
#define SPSR_EL1H_MASKED    0x3c5

    .text

.macro probe name
    .global \name
    .type   \name, %function
\name:
.endm

probe bm_probe_fp
    fmov    d0, #1.0
    fadd    d0, d0, d0
    fmov    x0, d0
    ret

probe bm_probe_asimd
    movi    v1.16b, #1
    addv    b1, v1.16b
    umov    w0, v1.b[0]
    ret

/* The vector length in bytes, checked against a predicate count. */
probe bm_probe_sve
    rdvl    x0, #1
    ptrue   p0.b
    cntp    x1, p0, p0.b
    cmp     x0, x1
    csel    x0, x0, xzr, eq
    ret

/* The streaming vector length; in and out of streaming mode and ZA; the
 * SME thread register. */
probe bm_probe_sme
    rdsvl   x0, #1
    smstart
    smstop
    mrs     x1, tpidr2_el0
    ret

/* 1 if PACIA changed the pointer and AUTIA gave it back. */
probe bm_probe_pauth_addr
    mrs     x9, sctlr_el1
    orr     x10, x9, #SCTLR_EL1_ENIA
    mov     x11, #0x1234
    msr     apiakeylo_el1, x11
    msr     apiakeyhi_el1, x11
    msr     sctlr_el1, x10
    isb
    mov     x1, #0x42
    mov     x12, x0
    pacia   x0, x1
    mov     x13, x0
    autia   x0, x1
    msr     sctlr_el1, x9
    isb
    cmp     x13, x12
    cset    x14, ne
    cmp     x0, x12
    cset    x15, eq
    and     x0, x14, x15
    ret

probe bm_probe_pauth_generic
    msr     apgakeylo_el1, x0
    msr     apgakeyhi_el1, x1
    pacga   x0, x0, x1
    ret

probe bm_probe_bti
    bti     c
    mov     x0, #1
    ret

/* MSR/MRS SSBS exist from ID_AA64PFR1_EL1.SSBS = 2. */
probe bm_probe_ssbs
    msr     ssbs, #1
    mrs     x0, ssbs
    msr     ssbs, #0
    ret

probe bm_probe_rndr
    mrs     x0, rndr
    ret

/* FEAT_MTE: the EL0 instructions, which need no tag storage. */
probe bm_probe_mte
    mov     x1, #0x1000
    irg     x0, x1
    ret

/* FEAT_MTE2: tag control registers. */
probe bm_probe_mte2
    mrs     x0, gcr_el1
    msr     gcr_el1, x0
    mrs     x1, rgsr_el1
    ret

/* RAS: error synchronization, the number of error records, and the first
 * one's status where there is one. */
probe bm_probe_ras
    esb
    mrs     x0, erridr_el1
    ands    x1, x0, #0xffff
    b.eq    1f
    msr     errselr_el1, xzr
    isb
    mrs     x1, erxstatus_el1
1:  ret

probe bm_probe_lor
    mrs     x0, lorid_el1
    ret

probe bm_probe_scxtnum
    mrs     x0, scxtnum_el1
    msr     scxtnum_el1, x0
    mrs     x1, scxtnum_el0
    ret

probe bm_probe_pmu
    mrs     x0, pmcr_el0
    mrs     x1, pmceid0_el0
    ret

/* AMCFGR_EL0 */
probe bm_probe_amu
    mrs     x0, S3_3_C13_C2_1
    ret

/* PMSIDR_EL1 */
probe bm_probe_spe
    mrs     x0, S3_0_C9_C9_7
    ret

/* TRBIDR_EL1 */
probe bm_probe_trbe
    mrs     x0, S3_0_C9_C11_7
    ret

/* TRCIDR0, through the trace unit's System register interface. */
probe bm_probe_trace
    mrs     x0, S2_1_C0_C8_7
    ret

/* TRFCR_EL1 */
probe bm_probe_trf
    mrs     x0, S3_0_C1_C2_1
    ret

/* MPAMIDR_EL1, MPAM1_EL1 */
probe bm_probe_mpam
    mrs     x0, S3_0_C10_C4_4
    mrs     x1, S3_0_C10_C5_0
    ret

probe bm_probe_dit
    msr     dit, #1
    mrs     x0, dit
    msr     dit, #0
    ret

probe bm_probe_pan
    mrs     x1, pan
    msr     pan, #1
    mrs     x0, pan
    msr     pan, #0
    ret

probe bm_probe_crc32
    mov     w0, #0xffffffff
    mov     x1, #0x1234
    crc32x  w0, w0, x1
    ret

probe bm_probe_ecv
    mrs     x0, cntvctss_el0
    ret

/* ---- PSTATE on exception entry --------------------------------------- */

/*
 * void bm_pstate_run(const void *table, uint64_t *out)
 * See harden.h. The handlers store into [x13] and resume at x15; nothing
 * here touches the stack, so EL1t's SP_EL0 is simply the current SP.
 */
probe bm_pstate_run
    mrs     x9, vbar_el1
    mrs     x11, daif
    msr     vbar_el1, x0
    isb
    mov     x13, x1
    adr     x15, 3f
    mov     x10, sp
    msr     sp_el0, x10
    msr     spsel, #0
    msr     nzcv, xzr
    mov     x0, xzr                 /* no PSCI function id */
    adr     x16, 1f
    br      x16
1:  smc     #1                      /* UNDEFINED natively (no EL3) and in a partition (not SMCCC) */
2:  b       2b                      /* never reached: the handler resumes at 3f */
3:  msr     vbar_el1, x9
    msr     daif, x11
    isb
    ret

/* Store SPSR_EL1 and ESR_EL1, then return to x15 at EL1h, all masked. */
.macro pstate_store_and_resume
    mrs     x16, spsr_el1
    mrs     x17, esr_el1
    stp     x16, x17, [x13]
    msr     elr_el1, x15
    mov     x16, #SPSR_EL1H_MASKED
    msr     spsr_el1, x16
    eret
.endm

.macro pstate_park_entry
    .balign VECTOR_ENTRY_SIZE
    b       bm_park
.endm

/* Taken from EL1t, the exception enters at "current EL with SP0"; its first
 * instruction is an SVC, which enters at "current EL with SPx" and records
 * PSTATE as the first exception left it. */
    .balign VECTOR_TABLE_ALIGN
    .global bm_pstate_new
bm_pstate_new:
    .balign VECTOR_ENTRY_SIZE
    svc     #0
    b       bm_park
    pstate_park_entry
    pstate_park_entry
    pstate_park_entry
    .balign VECTOR_ENTRY_SIZE
    pstate_store_and_resume
    .rept 11
    pstate_park_entry
    .endr

    .balign VECTOR_TABLE_ALIGN
    .global bm_pstate_saved
bm_pstate_saved:
    .balign VECTOR_ENTRY_SIZE
    pstate_store_and_resume
    .rept 15
    pstate_park_entry
    .endr

/* ---- FP/SIMD, SVE, SME state ----------------------------------------- */

/* FPCR: FZ, DN and round towards zero; FPSR: QC and IOC. */
#define FPCR_CANARY         0x03c00000
#define FPSR_CANARY         0x08000001

probe bm_fp_canary_set
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    movi    v\i\().16b, #0xa5
    .endr
    mov     x0, #FPCR_CANARY
    msr     fpcr, x0
    movz    x0, #(FPSR_CANARY >> 16), lsl #16
    movk    x0, #(FPSR_CANARY & 0xffff)
    msr     fpsr, x0
    ret

probe bm_fp_nonzero
    mov     x0, xzr
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fmov    x1, d\i
    mov     x2, v\i\().d[1]
    orr     x1, x1, x2
    cmp     x1, #0
    cset    x1, ne
    orr     x0, x0, x1, lsl #\i
    .endr
    mrs     x1, fpcr
    cmp     x1, #0
    cset    x1, ne
    orr     x0, x0, x1, lsl #32
    mrs     x1, fpsr
    cmp     x1, #0
    cset    x1, ne
    orr     x0, x0, x1, lsl #33
    ret

probe bm_sve_canary_set
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    dup     z\i\().b, #0x5a
    .endr
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    ptrue   p\i\().b
    .endr
    setffr
    ret

/* Predicates first (counting a predicate's own true elements changes
 * nothing), then FFR through p0, then each Z register compared with zero
 * under an all-true p7. */
probe bm_sve_nonzero
    mov     x0, xzr
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    cntp    x1, p\i, p\i\().b
    cmp     x1, #0
    cset    x1, ne
    orr     x0, x0, x1, lsl #(32 + \i)
    .endr
    rdffr   p0.b
    cntp    x1, p0, p0.b
    cmp     x1, #0
    cset    x1, ne
    orr     x0, x0, x1, lsl #48
    ptrue   p7.b
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    cmpne   p1.b, p7/z, z\i\().b, #0
    cntp    x1, p7, p1.b
    cmp     x1, #0
    cset    x1, ne
    orr     x0, x0, x1, lsl #\i
    .endr
    ret

/* Leaves the core in streaming mode with ZA on, and TPIDR2_EL0 = x0. */
probe bm_sme_canary_set
    msr     tpidr2_el0, x0
    smstart
    ret

probe bm_sme_svcr
    mrs     x0, svcr
    ret

probe bm_sme_tpidr2
    mrs     x0, tpidr2_el0
    ret

/* ---- pointer authentication keys ------------------------------------- */

probe bm_pac_keys_write
    ldp     x1, x2, [x0, #0]
    msr     apiakeylo_el1, x1
    msr     apiakeyhi_el1, x2
    ldp     x1, x2, [x0, #16]
    msr     apibkeylo_el1, x1
    msr     apibkeyhi_el1, x2
    ldp     x1, x2, [x0, #32]
    msr     apdakeylo_el1, x1
    msr     apdakeyhi_el1, x2
    ldp     x1, x2, [x0, #48]
    msr     apdbkeylo_el1, x1
    msr     apdbkeyhi_el1, x2
    ldp     x1, x2, [x0, #64]
    msr     apgakeylo_el1, x1
    msr     apgakeyhi_el1, x2
    ret

probe bm_pac_keys_read
    mrs     x1, apiakeylo_el1
    mrs     x2, apiakeyhi_el1
    stp     x1, x2, [x0, #0]
    mrs     x1, apibkeylo_el1
    mrs     x2, apibkeyhi_el1
    stp     x1, x2, [x0, #16]
    mrs     x1, apdakeylo_el1
    mrs     x2, apdakeyhi_el1
    stp     x1, x2, [x0, #32]
    mrs     x1, apdbkeylo_el1
    mrs     x2, apdbkeyhi_el1
    stp     x1, x2, [x0, #48]
    mrs     x1, apgakeylo_el1
    mrs     x2, apgakeyhi_el1
    stp     x1, x2, [x0, #64]
    ret

/* ---- PSTATE fields, register forms (the value at the field's bit) ----- */

probe bm_set_pan
    msr     pan, x0
    ret

probe bm_set_uao
    msr     uao, x0
    ret

probe bm_set_ssbs
    msr     ssbs, x0
    ret

probe bm_set_dit
    msr     dit, x0
    ret

probe bm_set_tco
    msr     tco, x0
    ret

/* ---- canaries -------------------------------------------------------- */

/* Writes the EL1 system registers of the entry snapshot from vals[], in
 * start.S's order. */
.macro unsnap reg
    ldr     x1, [x0], #8
    msr     \reg, x1
.endm

probe bm_snap_regs_write
    unsnap  sp_el0
    unsnap  tpidr_el1
    unsnap  tpidr_el0
    unsnap  tpidrro_el0
    unsnap  contextidr_el1
    unsnap  vbar_el1
    unsnap  elr_el1
    unsnap  spsr_el1
    unsnap  esr_el1
    unsnap  far_el1
    unsnap  par_el1
    unsnap  ttbr0_el1
    unsnap  ttbr1_el1
    unsnap  tcr_el1
    unsnap  mair_el1
    unsnap  amair_el1
    unsnap  mdscr_el1
    unsnap  cntkctl_el1
    unsnap  cntv_ctl_el0
    unsnap  cntv_cval_el0
    unsnap  cntp_ctl_el0
    unsnap  cntp_cval_el0
    unsnap  csselr_el1
    unsnap  cpacr_el1
    unsnap  sctlr_el1
    unsnap  afsr0_el1
    unsnap  afsr1_el1
    unsnap  dbgbvr0_el1
    unsnap  dbgwvr0_el1
    isb
    ret

/* PSCI call x0 (SYSTEM_RESET) with a canary in every other general
 * register; never returns. */
probe bm_reset_with_canaries
    .irp i, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    movz    x\i, #0xca7a, lsl #48
    movk    x\i, #\i
    .endr
    hvc     #0
1:  wfi
    b       1b
