/*
 * The ID registers a partition reads (HCR_EL2.TID3 traps them all: op0 = 3,
 * op1 = 0, CRn = 0, CRm = 1-7). Each is the hardware's value with the
 * fields of what EL2 keeps trapped, or of what is EL2's business, cleared to
 * "not implemented": what a partition is told exists works (issue 13 item 2;
 * tests/qemu/test_hardening_state.py runs every advertised feature).
 *
 * The fields kept are listed, not the fields cleared: a field the
 * architecture adds later reads as 0 ("not implemented") until someone has
 * looked at what it would need. Registers Bulkhead does not know read as 0
 * (for the reserved encodings of this space, the architecture's own value).
 */
#include "arch/cpu_caps.h"
#include "arch/sysreg.h"

#define F(shift)                ID_FIELD_MASK(shift)
#define ENC(crm, op2)           (((crm) << 3) | (op2))

/* AArch32 ID registers (for AArch32 EL0): everything but AMU and RAS
 * (ID_PFR0), and the trace fields of ID_DFR0. */
#define KEEP_ID_PFR0            (~(F(ID_PFR0_AMU_SHIFT) | F(ID_PFR0_RAS_SHIFT)))
#define KEEP_ID_DFR0            (~(F(ID_DFR0_COPTRC_SHIFT) | F(ID_DFR0_MMAPTRC_SHIFT) | \
				   F(ID_DFR0_TRACEFILT_SHIFT)))

/* ID_AA64PFR0_EL1: EL0-EL3, FP, AdvSIMD, GIC, RAS (its error records read as
 * none), SVE, SEL2, DIT, CSV2, CSV3. Not MPAM, AMU (trapped) or RME. */
#define KEEP_AA64PFR0           (~(F(ID_AA64PFR0_MPAM_SHIFT) | F(ID_AA64PFR0_AMU_SHIFT) | \
				   F(ID_AA64PFR0_RME_SHIFT)))
/* ID_AA64PFR1_EL1: BT, SSBS, RAS_frac, SME, CSV2_frac. Not MTE (no tag
 * access: HCR_EL2.ATA = 0), MPAM_frac, RNDR_trap (EL3's), NMI, GCS, THE,
 * MTEX, DF2, PFAR, nor anything newer. */
#define KEEP_AA64PFR1           (F(0) | F(ID_AA64PFR1_SSBS_SHIFT) | F(12) | \
				 F(ID_AA64PFR1_SME_SHIFT) | F(ID_AA64PFR1_CSV2FRAC_SHIFT))
/* ID_AA64DFR0_EL1: DebugVer, PMUVer, BRPs, WRPs, CTX_CMPs, DoubleLock. Not
 * TraceVer, PMSVer, TraceFilt, TraceBuffer (trapped), BRBE, PMSS, SEBEP,
 * MTPMU, ExtTrcBuff, HPMN0. */
#define KEEP_AA64DFR0           (F(0) | F(ID_AA64DFR0_PMUVER_SHIFT) | F(ID_AA64DFR0_BRPS_SHIFT) | \
				 F(ID_AA64DFR0_WRPS_SHIFT) | F(28) | F(36))
/* ID_AA64ISAR0_EL1: every instruction set field but TME. */
#define KEEP_AA64ISAR0          (~F(ID_AA64ISAR0_TME_SHIFT))
/* ID_AA64ISAR1_EL1: all but LS64 (HCRX_EL2.EnALS/EnASR/EnAS0 stay 0). */
#define KEEP_AA64ISAR1          (~F(ID_AA64ISAR1_LS64_SHIFT))
/* ID_AA64ISAR2_EL1: WFxT, RPRES, GPA3, APA3, MOPS (where HCRX_EL2.MSCEn is
 * set), BC, PAC_frac, CLRBHB, PRFMSLC, RPRFM, CSSC, LUT. Not SYSREG_128,
 * SYSINSTR_128, ATS1A. */
#define KEEP_AA64ISAR2          (F(0) | F(4) | F(ID_AA64ISAR2_GPA3_SHIFT) | \
				 F(ID_AA64ISAR2_APA3_SHIFT) | F(ID_AA64ISAR2_MOPS_SHIFT) | F(20) | F(24) | \
				 F(28) | F(40) | F(48) | F(52) | F(56))
/* ID_AA64MMFR0_EL1: all but FGT (EL2's). */
#define KEEP_AA64MMFR0          (~F(ID_AA64MMFR0_FGT_SHIFT))
/* ID_AA64MMFR1_EL1: all but VH, TWED, HCX (EL2's) and LO (trapped). */
#define KEEP_AA64MMFR1          (~(F(ID_AA64MMFR1_VH_SHIFT) | F(ID_AA64MMFR1_LO_SHIFT) | \
				   F(ID_AA64MMFR1_TWED_SHIFT) | F(ID_AA64MMFR1_HCX_SHIFT)))
/* ID_AA64MMFR2_EL1: all but NV, FWB, EVT (EL2's). */
#define KEEP_AA64MMFR2          (~(F(ID_AA64MMFR2_NV_SHIFT) | F(ID_AA64MMFR2_FWB_SHIFT) | \
				   F(ID_AA64MMFR2_EVT_SHIFT)))

uint64_t arch_id_reg(unsigned int crm, unsigned int op2)
{
	const struct cpu_caps *c = arch_cpu_caps();

	switch (ENC(crm, op2)) {
	case ENC(1, 0):
		return read_sysreg(S3_0_C0_C1_0) & KEEP_ID_PFR0;
	case ENC(1, 1):
		return read_sysreg(S3_0_C0_C1_1);          /* ID_PFR1_EL1 */
	case ENC(1, 2):
		return read_sysreg(S3_0_C0_C1_2) & KEEP_ID_DFR0;
	case ENC(1, 4):
		return read_sysreg(S3_0_C0_C1_4);          /* ID_MMFR0_EL1 */
	case ENC(1, 5):
		return read_sysreg(S3_0_C0_C1_5);
	case ENC(1, 6):
		return read_sysreg(S3_0_C0_C1_6);
	case ENC(1, 7):
		return read_sysreg(S3_0_C0_C1_7);          /* ID_MMFR3_EL1 */
	case ENC(2, 0):
		return read_sysreg(S3_0_C0_C2_0);          /* ID_ISAR0_EL1 */
	case ENC(2, 1):
		return read_sysreg(S3_0_C0_C2_1);
	case ENC(2, 2):
		return read_sysreg(S3_0_C0_C2_2);
	case ENC(2, 3):
		return read_sysreg(S3_0_C0_C2_3);
	case ENC(2, 4):
		return read_sysreg(S3_0_C0_C2_4);
	case ENC(2, 5):
		return read_sysreg(S3_0_C0_C2_5);          /* ID_ISAR5_EL1 */
	case ENC(2, 6):
		return read_sysreg(S3_0_C0_C2_6);          /* ID_MMFR4_EL1 */
	case ENC(2, 7):
		return read_sysreg(S3_0_C0_C2_7);          /* ID_ISAR6_EL1 */
	case ENC(3, 0):
		return read_sysreg(S3_0_C0_C3_0);          /* MVFR0_EL1 */
	case ENC(3, 1):
		return read_sysreg(S3_0_C0_C3_1);
	case ENC(3, 2):
		return read_sysreg(S3_0_C0_C3_2);          /* MVFR2_EL1 */
	case ENC(4, 0):
		return read_sysreg_s(SYS_ID_AA64PFR0_EL1) & KEEP_AA64PFR0;
	case ENC(4, 1):
		return read_sysreg_s(SYS_ID_AA64PFR1_EL1) & KEEP_AA64PFR1;
	case ENC(4, 4):
		/* ID_AA64ZFR0_EL1: SVE's instructions, with SVE. */
		return c->sve ? read_sysreg_s(SYS_ID_AA64ZFR0_EL1) : 0;
	case ENC(4, 5):
		/* ID_AA64SMFR0_EL1: SME's, with SME (FA64 and SME2 are enabled
		 * where the core has them, el2_setup.c). */
		return c->sme ? read_sysreg_s(SYS_ID_AA64SMFR0_EL1) : 0;
	case ENC(5, 0):
		return read_sysreg_s(SYS_ID_AA64DFR0_EL1) & KEEP_AA64DFR0;
	case ENC(6, 0):
		return read_sysreg_s(SYS_ID_AA64ISAR0_EL1) & KEEP_AA64ISAR0;
	case ENC(6, 1):
		return read_sysreg_s(SYS_ID_AA64ISAR1_EL1) & KEEP_AA64ISAR1;
	case ENC(6, 2): {
		uint64_t v = read_sysreg_s(SYS_ID_AA64ISAR2_EL1) & KEEP_AA64ISAR2;
		return c->mops ? v : v & ~F(ID_AA64ISAR2_MOPS_SHIFT);
	}
	case ENC(7, 0):
		return read_sysreg_s(SYS_ID_AA64MMFR0_EL1) & KEEP_AA64MMFR0;
	case ENC(7, 1):
		return read_sysreg_s(SYS_ID_AA64MMFR1_EL1) & KEEP_AA64MMFR1;
	case ENC(7, 2):
		return read_sysreg_s(SYS_ID_AA64MMFR2_EL1) & KEEP_AA64MMFR2;
	default:
		/* ID_AFR0, ID_PFR2, ID_DFR1, ID_MMFR5, ID_AA64PFR2, ID_AA64FPFR0,
		 * ID_AA64DFR1/2, ID_AA64AFR0/1, ID_AA64ISAR3, ID_AA64MMFR3/4 and
		 * the reserved encodings: 0, nothing offered. */
		return 0;
	}
}
