/*
 * Shared by the hardening actions' files only (harden.c: features, pstate,
 * pmu-el2; canary.c: canary, ram-scan): the ID registers and what they
 * advertise, and the control register fields both use. Not an interface of
 * the module.
 */
#ifndef BM_HARDEN_INTERNAL_H
#define BM_HARDEN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "sysreg.h"

/* CPACR_EL1: FP/SIMD, SVE and SME not trapped at EL1 or EL0. */
#define CPACR_ZEN               (3UL << 16)
#define CPACR_FPEN              (3UL << 20)
#define CPACR_SMEN              (3UL << 24)

/* SCTLR_EL1 fields the pstate action sets. */
#define SCTLR_EL1_SPAN          BM_BIT(23)
#define SCTLR_EL1_DSSBS         BM_BIT(44)
#define SCTLR_EL1_DZE           BM_BIT(14)
#define SCTLR_EL1_UCT           BM_BIT(15)
#define SCTLR_EL1_UCI           BM_BIT(26)

/* PMU (Arm ARM D12): PMCR_EL0 E, P, C; N at [15:11]; event 0x08
 * INST_RETIRED; the NSH filter bit of PMEVTYPER<n>/PMCCFILTR (count at
 * EL2 too); PMCEID0 bit 8 says INST_RETIRED is implemented. */
#define PMCR_E                  BM_BIT(0)
#define PMCR_P                  BM_BIT(1)
#define PMCR_C                  BM_BIT(2)
#define PMCR_N_SHIFT            11
#define PMCR_N_MASK             0x1fUL
#define PMU_CYCLE_BIT           BM_BIT(31)
#define PMU_EV_INST_RETIRED     0x08UL
#define PMU_NSH                 BM_BIT(27)
#define PMCEID0_INST_RETIRED    BM_BIT(8)
#define PMU_CALLS               100U

struct idregs {
    uint64_t pfr0, pfr1, zfr0, smfr0, dfr0, isar0, isar1, isar2, mmfr0, mmfr1, mmfr2;
};

/* Reads the ID registers struct idregs holds. */
void read_idregs(struct idregs *id);
/* Whether FP/SIMD is implemented. */
bool has_fp(const struct idregs *id);
/* Whether SVE is implemented. */
bool has_sve(const struct idregs *id);
/* Whether SME is implemented. */
bool has_sme(const struct idregs *id);
/* Whether an architected PMU is implemented. */
bool has_pmu(const struct idregs *id);
/* Whether address authentication (any algorithm) is implemented. */
bool has_pauth_addr(const struct idregs *id);
/* Whether generic authentication (any algorithm) is implemented. */
bool has_pauth_generic(const struct idregs *id);
/* Whether SCXTNUM_EL0 and SCXTNUM_EL1 exist. */
bool has_scxtnum(const struct idregs *id);
/* Lets EL1 use FP/SIMD and what it has of SVE and SME; returns the old CPACR_EL1. */
uint64_t fp_on(const struct idregs *id);

/* canary.c: "ram-scan", the pages of our RAM that are not zero. */
void act_ram_scan(void);
/* canary.c: "canary", the check, and on the first boot the fill and reset. */
void act_canary(void);

#endif
