/*
 * The hardening actions of the baremetal guest (harden.c, canary.c,
 * harden_a64.S): what the core advertises and whether it works, PSTATE on
 * exception entry, canaries across a restart, leftovers in RAM, and what the
 * PMU counts. Usable from C and assembly.
 */
#ifndef BM_HARDEN_H
#define BM_HARDEN_H

/*
 * start.S stores the registers the boot CPU arrives with in bm_entry_snap
 * before it changes any of them: x0-x29 at index 0-29, at 30 whether x30
 * was nonzero (x30 itself holds the snapshot's address), at 31 SP, then the
 * EL1 system registers in the order of BM_SNAP_SYSREGS (canary.c names them).
 */
#define BM_SNAP_X30_NONZERO 30
#define BM_SNAP_SP 31
#define BM_SNAP_SYS 32
#define BM_SNAP_NSYS 29
#define BM_SNAP_WORDS (BM_SNAP_SYS + BM_SNAP_NSYS)

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

extern uint64_t bm_entry_snap[BM_SNAP_WORDS];

/* Set while one feature's instruction runs: any synchronous exception is
 * then recorded (bm_probe_ec, bm_probe_caught) and skipped by exception.c. */
extern volatile bool bm_probe_active;
extern volatile uint32_t bm_probe_caught;
extern volatile uint64_t bm_probe_ec;

/* Performs a hardening action; false if `a` is not one of them. */
bool bm_harden_action(const char *a);

/* harden_a64.S: one instruction (or a short sequence) of each feature. */
uint64_t bm_probe_fp(void);
uint64_t bm_probe_asimd(void);
uint64_t bm_probe_sve(void);
uint64_t bm_probe_sme(void);
uint64_t bm_probe_pauth_addr(uint64_t ptr);
uint64_t bm_probe_pauth_generic(uint64_t a, uint64_t b);
uint64_t bm_probe_bti(void);
uint64_t bm_probe_ssbs(void);
uint64_t bm_probe_rndr(void);
uint64_t bm_probe_mte(void);
uint64_t bm_probe_mte2(void);
uint64_t bm_probe_ras(void);
uint64_t bm_probe_lor(void);
uint64_t bm_probe_scxtnum(void);
uint64_t bm_probe_pmu(void);
uint64_t bm_probe_amu(void);
uint64_t bm_probe_spe(void);
uint64_t bm_probe_trbe(void);
uint64_t bm_probe_trace(void);
uint64_t bm_probe_trf(void);
uint64_t bm_probe_mpam(void);
uint64_t bm_probe_dit(void);
uint64_t bm_probe_pan(void);
uint64_t bm_probe_crc32(void);
uint64_t bm_probe_ecv(void);

/* PSTATE on exception entry: takes an UNDEFINED exception from EL1t at an
 * SMC #1 reached by a BR (so BTYPE is not 0 there, where BTI exists), with
 * VBAR_EL1 = table, and stores SPSR_EL1 and ESR_EL1 of what the table's
 * handler saw in out[0], out[1]. bm_pstate_new: the SPSR of an SVC that is
 * the handler's first instruction, i.e. PSTATE as the exception entry set
 * it. bm_pstate_saved: the exception's own SPSR_EL1 (PSTATE at the HVC). */
void bm_pstate_run(const void *table, uint64_t *out);
extern char bm_pstate_new[];
extern char bm_pstate_saved[];

/* FP/SIMD, SVE and SME state: canaries in, and what survived. */
void bm_fp_canary_set(void);
uint64_t bm_fp_nonzero(void);          /* bit i: q<i>; bit 32: FPCR; bit 33: FPSR */
void bm_sve_canary_set(void);
uint64_t bm_sve_nonzero(void);         /* bit i: z<i>; bit 32+i: p<i>; bit 48: FFR */
void bm_sme_canary_set(uint64_t tpidr2);
uint64_t bm_sme_svcr(void);
uint64_t bm_sme_tpidr2(void);

/* Pointer authentication keys: the ten halves, APIA Lo/Hi .. APGA Lo/Hi. */
void bm_pac_keys_write(const uint64_t *k);
void bm_pac_keys_read(uint64_t *k);

/* Writes PSTATE.PAN/UAO/SSBS/DIT/TCO (the value at the field's own bit). */
void bm_set_pan(uint64_t v);
void bm_set_uao(uint64_t v);
void bm_set_ssbs(uint64_t v);
void bm_set_dit(uint64_t v);
void bm_set_tco(uint64_t v);

/* Writes the snapshot's EL1 system registers from vals[BM_SNAP_NSYS]. */
void bm_snap_regs_write(const uint64_t *vals);
/* PSCI call fid with a canary in x1-x30; does not return. */
void bm_reset_with_canaries(uint64_t fid) __attribute__((noreturn));
#endif

#endif /* BM_HARDEN_H */
