/*
 * What this core implements, as its ID registers say (read at EL2, where
 * they are the hardware's), and the EL2 controls that follow from it.
 *
 * Every EL2 control register is written at boot from named bits
 * (el2_setup.c); registers of an optional feature only where the feature
 * exists. docs/isolation.md, section 3, lists each register, its value and
 * why.
 */
#ifndef ARCH_CPU_CAPS_H
#define ARCH_CPU_CAPS_H

#include <stdint.h>

struct cpu_caps {
	uint8_t sve;            /* FEAT_SVE */
	uint8_t sme;            /* FEAT_SME */
	uint8_t sme_fa64;       /* FEAT_SME_FA64 */
	uint8_t sme2;           /* FEAT_SME2: ZT0 */
	uint8_t sme_prio;       /* SMIDR_EL1.SMPS: SMPRI_EL1 exists */
	uint8_t pauth;          /* any FEAT_PAuth algorithm, address or generic */
	uint8_t mte;            /* FEAT_MTE (PSTATE.TCO exists) */
	uint8_t ssbs;           /* FEAT_SSBS */
	uint8_t pan;            /* FEAT_PAN */
	uint8_t nmi;            /* FEAT_NMI (PSTATE.ALLINT) */
	uint8_t ras;            /* FEAT_RAS */
	uint8_t lor;            /* FEAT_LOR */
	uint8_t scxtnum;        /* FEAT_CSV2_2 or CSV2_1p2: SCXTNUM_ELx */
	uint8_t pmu;            /* FEAT_PMUv3 */
	uint8_t pmu_v3p1;       /* MDCR_EL2.HPMD */
	uint8_t pmu_v3p4;       /* PMMIR_EL1 */
	uint8_t pmu_v3p5;       /* MDCR_EL2.HCCD */
	uint8_t pmu_trapped;    /* PMU accesses trap to EL2 (pmu_trap.c) */
	uint8_t pmu_counters;   /* PMCR_EL0.N */
	uint8_t hcx;            /* FEAT_HCX: HCRX_EL2 */
	uint8_t fgt;            /* FEAT_FGT */
	uint8_t amu;            /* FEAT_AMUv1 */
	uint8_t spe;            /* FEAT_SPE */
	uint8_t trbe;           /* FEAT_TRBE */
	uint8_t trf;            /* FEAT_TRF */
	uint8_t mpam;           /* FEAT_MPAM */
	uint8_t mpam_frac;      /* MPAM v0.1 / v1.1: MPAM2_EL2.TIDR */
	uint8_t mpam_hcr;       /* MPAMIDR_EL1.HAS_HCR */
	uint8_t brbe;           /* FEAT_BRBE */
	uint8_t mops;           /* FEAT_MOPS, offered through HCRX_EL2.MSCEn */
	uint8_t brps;           /* breakpoints */
	uint8_t wrps;           /* watchpoints */
};

/* This core's capabilities; el2_controls_init() filled them. */
const struct cpu_caps *arch_cpu_caps(void);

/* Reads this core's ID registers and writes every EL2 control register
 * (setup.c, cpu_init()). */
void el2_controls_init(unsigned int core);

/* HCR_EL2 while a partition runs on this core (without IMO, which depends
 * on its interrupt delivery). */
uint64_t el2_hcr_guest(void);

/* A partition's EL1 (and EL0) system registers back to their reset values
 * (el1_reset.c): every one it can reach, on every vCPU entry. */
void el1_reset(void);

/* FP/SIMD, SVE and SME registers to zero, streaming mode and ZA off
 * (fp_reset.S): the one place EL2 executes FP/SIMD instructions. */
#define FP_RESET_SVE            (1UL << 0)
#define FP_RESET_SME            (1UL << 1)
void arch_fp_reset(uint64_t flags);

/* Trapped ID register reads (HCR_EL2.TID3): the value the partition sees,
 * from op0 = 3, op1 = 0, CRn = 0, CRm, op2 (id_regs.c). */
uint64_t arch_id_reg(unsigned int crm, unsigned int op2);

/* A trapped PMU register access (MDCR_EL2.TPM), encoded as an ESR_EL2 ISS
 * system register encoding; 1 if it was a PMU register and was emulated
 * (*val read or written), 0 if it is UNDEFINED to the partition. */
int arch_pmu_access(uint32_t op1, uint32_t crn, uint32_t crm, uint32_t op2, int is_read,
		    uint64_t *val);

#endif /* ARCH_CPU_CAPS_H */
