/*
 * AArch64 system registers used at EL2, and the fields Bulkhead programs.
 * Names and bit positions follow the Arm Architecture Reference Manual for
 * A-profile (DDI 0487), chapter D19 "AArch64 System Register Descriptions".
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

#define BIT(n)                  (1UL << (n))
#define BITS(hi, lo)            (((~0UL) >> (63 - (hi))) & ~((1UL << (lo)) - 1))

/* CurrentEL: the EL field sits at bits [3:2]. */
#define CURRENTEL_EL_SHIFT      2
#define CURRENTEL_EL_MASK       0x3
#define CURRENTEL_EL2           (2 << CURRENTEL_EL_SHIFT)

/* SCTLR_EL2 (with HCR_EL2.E2H == 0). */
#define SCTLR_EL2_M             BIT(0)   /* stage-1 MMU enable */
#define SCTLR_EL2_A             BIT(1)   /* alignment check */
#define SCTLR_EL2_C             BIT(2)   /* data cacheability */
#define SCTLR_EL2_SA            BIT(3)   /* SP alignment check */
#define SCTLR_EL2_I             BIT(12)  /* instruction cacheability */
#define SCTLR_EL2_WXN           BIT(19)  /* writable implies execute-never */
#define SCTLR_EL2_EE            BIT(25)  /* big-endian data: keep 0 */
/* Bits RES1 in SCTLR_EL2 when E2H == 0 (ARMv8.0): 4, 5, 11, 16, 18, 22, 23, 28, 29. */
#define SCTLR_EL2_RES1          (BIT(4) | BIT(5) | BIT(11) | BIT(16) | BIT(18) | \
				 BIT(22) | BIT(23) | BIT(28) | BIT(29))

/* TCR_EL2 (E2H == 0): one translation regime, TTBR0_EL2 only. */
#define TCR_EL2_T0SZ_SHIFT      0
#define TCR_EL2_IRGN0_WBWA      (1UL << 8)
#define TCR_EL2_ORGN0_WBWA      (1UL << 10)
#define TCR_EL2_SH0_INNER       (3UL << 12)
#define TCR_EL2_TG0_4K          (0UL << 14)
#define TCR_EL2_PS_SHIFT        16
#define TCR_EL2_RES1            (BIT(31) | BIT(23))

/* MAIR_EL2 attribute encodings and the indices Bulkhead assigns them. */
#define MAIR_ATTR_DEVICE_nGnRnE 0x00UL
#define MAIR_ATTR_DEVICE_nGnRE  0x04UL
#define MAIR_ATTR_NORMAL_WB     0xffUL   /* inner/outer write-back, RW-allocate */
#define MAIR_ATTR_NORMAL_NC     0x44UL
#define MT_DEVICE_nGnRnE        0
#define MT_DEVICE_nGnRE         1
#define MT_NORMAL               2
#define MT_NORMAL_NC            3
#define MAIR_EL2_VALUE          ((MAIR_ATTR_DEVICE_nGnRnE << (8 * MT_DEVICE_nGnRnE)) | \
				 (MAIR_ATTR_DEVICE_nGnRE << (8 * MT_DEVICE_nGnRE)) |   \
				 (MAIR_ATTR_NORMAL_WB << (8 * MT_NORMAL)) |            \
				 (MAIR_ATTR_NORMAL_NC << (8 * MT_NORMAL_NC)))

/* HCR_EL2 */
#define HCR_EL2_VM              BIT(0)
#define HCR_EL2_SWIO            BIT(1)
#define HCR_EL2_FMO             BIT(3)
#define HCR_EL2_IMO             BIT(4)
#define HCR_EL2_AMO             BIT(5)
#define HCR_EL2_VSE             BIT(8)
#define HCR_EL2_FB              BIT(9)
#define HCR_EL2_BSU_INNER       (1UL << 10)
#define HCR_EL2_TWI             BIT(13)
#define HCR_EL2_TWE             BIT(14)
#define HCR_EL2_TID3            BIT(18)  /* ID group 3 reads trap */
#define HCR_EL2_TSC             BIT(19)
#define HCR_EL2_TACR            BIT(21)
#define HCR_EL2_TSW             BIT(22)
#define HCR_EL2_TIDCP           BIT(20)
#define HCR_EL2_RW              BIT(31)
#define HCR_EL2_TLOR            BIT(35)  /* FEAT_LOR: LORegion registers trap */
#define HCR_EL2_TERR            BIT(36)  /* FEAT_RAS: error record registers trap */
#define HCR_EL2_APK             BIT(40)  /* FEAT_PAuth: key registers do NOT trap */
#define HCR_EL2_API             BIT(41)  /* FEAT_PAuth: PAC instructions do NOT trap */
#define HCR_EL2_ENSCXT          BIT(53)  /* FEAT_CSV2_2: SCXTNUM_ELx do NOT trap */

/* CPTR_EL2 (E2H == 0). TZ and TSM are RES1 where SVE, SME are not
 * implemented; bits 13, 9 and 7:0 are always RES1. */
#define CPTR_EL2_RES1           (BIT(13) | BIT(9) | BITS(7, 0))
#define CPTR_EL2_TZ             BIT(8)
#define CPTR_EL2_TFP            BIT(10)
#define CPTR_EL2_TSM            BIT(12)
#define CPTR_EL2_TTA            BIT(20)
#define CPTR_EL2_TAM            BIT(30)
#define CPTR_EL2_TCPAC          BIT(31)

/* MDCR_EL2 */
#define MDCR_EL2_HPMN_MASK      0x1fUL
#define MDCR_EL2_TPMCR          BIT(5)
#define MDCR_EL2_TPM            BIT(6)
#define MDCR_EL2_HPME           BIT(7)
#define MDCR_EL2_TDE            BIT(8)
#define MDCR_EL2_TDA            BIT(9)
#define MDCR_EL2_TDOSA          BIT(10)
#define MDCR_EL2_TDRA           BIT(11)
#define MDCR_EL2_E2PB_SHIFT     12       /* FEAT_SPE: 0b00 = EL2 owns the buffer */
#define MDCR_EL2_TPMS           BIT(14)  /* FEAT_SPE */
#define MDCR_EL2_HPMD           BIT(17)  /* FEAT_PMUv3p1 */
#define MDCR_EL2_TTRF           BIT(19)  /* FEAT_TRF */
#define MDCR_EL2_HCCD           BIT(23)  /* FEAT_PMUv3p5 */
#define MDCR_EL2_E2TB_SHIFT     24       /* FEAT_TRBE: 0b00 = EL2 owns the buffer */
#define MDCR_EL2_HLP            BIT(26)  /* FEAT_PMUv3p5 */
#define MDCR_EL2_TDCC           BIT(27)  /* FEAT_FGT */
#define MDCR_EL2_MTPME          BIT(28)  /* FEAT_MTPMU */
#define MDCR_EL2_HPMFZO         BIT(29)  /* FEAT_PMUv3p7 */

/* HCRX_EL2 (FEAT_HCX) */
#define HCRX_EL2_MSCEN          BIT(11)  /* FEAT_MOPS: memcpy/memset do NOT trap */

/* HFGRTR_EL2/HFGWTR_EL2 (FEAT_FGT): their n-bits trap when 0. */
#define HFGXTR_EL2_NSMPRI_EL1   BIT(54)
#define HFGXTR_EL2_NTPIDR2_EL0  BIT(55)

/* ZCR_EL2/SMCR_EL2: LEN [3:0] asks for the longest vector the core has. */
#define ZCR_ELX_LEN_MAX         0xfUL
#define SMCR_ELX_LEN_MAX        0xfUL
#define SMCR_ELX_EZT0           BIT(30)  /* FEAT_SME2: ZT0 does NOT trap */
#define SMCR_ELX_FA64           BIT(31)  /* FEAT_SME_FA64 */

/* MPAM (FEAT_MPAM) */
#define MPAM2_EL2_TRAPMPAM1EL1  BIT(48)
#define MPAM2_EL2_TRAPMPAM0EL1  BIT(49)
#define MPAM2_EL2_TIDR          BIT(58)  /* MPAM v1.1: MPAMIDR_EL1 traps */
#define MPAMHCR_EL2_TRAP_MPAMIDR BIT(31)
#define MPAMIDR_EL1_HAS_HCR     BIT(17)

/* CNTHCTL_EL2 (E2H == 0). */
#define CNTHCTL_EL1PCTEN        BIT(0)
#define CNTHCTL_EL1PCEN         BIT(1)

/* Registers older assemblers do not know by name, for read_sysreg_s() and
 * write_sysreg_s(). */
#define SYS_HCRX_EL2            S3_4_C1_C2_2
#define SYS_ZCR_EL2             S3_4_C1_C2_0
#define SYS_SMCR_EL2            S3_4_C1_C2_6
#define SYS_TRFCR_EL2           S3_4_C1_C2_1
#define SYS_HFGRTR_EL2          S3_4_C1_C1_4
#define SYS_HFGWTR_EL2          S3_4_C1_C1_5
#define SYS_HFGITR_EL2          S3_4_C1_C1_6
#define SYS_HDFGRTR_EL2         S3_4_C3_C1_4
#define SYS_HDFGWTR_EL2         S3_4_C3_C1_5
#define SYS_HAFGRTR_EL2         S3_4_C3_C1_6
#define SYS_VSESR_EL2           S3_4_C5_C2_3
#define SYS_VDISR_EL2           S3_4_C12_C1_1
#define SYS_PMSCR_EL2           S3_4_C9_C9_0
#define SYS_BRBCR_EL2           S2_4_C9_C0_0
#define SYS_MPAM2_EL2           S3_4_C10_C5_0
#define SYS_MPAMHCR_EL2         S3_4_C10_C4_0
#define SYS_MPAMIDR_EL1         S3_0_C10_C4_4
#define SYS_ZCR_EL1             S3_0_C1_C2_0
#define SYS_SMCR_EL1            S3_0_C1_C2_6
#define SYS_SMPRI_EL1           S3_0_C1_C2_4
#define SYS_SMIDR_EL1           S3_1_C0_C0_6
#define SYS_TPIDR2_EL0          S3_3_C13_C0_5
#define SYS_SCXTNUM_EL1         S3_0_C13_C0_7
#define SYS_SCXTNUM_EL0         S3_3_C13_C0_7
#define SYS_APIAKEYLO_EL1       S3_0_C2_C1_0
#define SYS_APIAKEYHI_EL1       S3_0_C2_C1_1
#define SYS_APIBKEYLO_EL1       S3_0_C2_C1_2
#define SYS_APIBKEYHI_EL1       S3_0_C2_C1_3
#define SYS_APDAKEYLO_EL1       S3_0_C2_C2_0
#define SYS_APDAKEYHI_EL1       S3_0_C2_C2_1
#define SYS_APDBKEYLO_EL1       S3_0_C2_C2_2
#define SYS_APDBKEYHI_EL1       S3_0_C2_C2_3
#define SYS_APGAKEYLO_EL1       S3_0_C2_C3_0
#define SYS_APGAKEYHI_EL1       S3_0_C2_C3_1
#define SYS_ID_AA64PFR0_EL1     S3_0_C0_C4_0
#define SYS_ID_AA64PFR1_EL1     S3_0_C0_C4_1
#define SYS_ID_AA64ZFR0_EL1     S3_0_C0_C4_4
#define SYS_ID_AA64SMFR0_EL1    S3_0_C0_C4_5
#define SYS_ID_AA64DFR0_EL1     S3_0_C0_C5_0
#define SYS_ID_AA64ISAR0_EL1    S3_0_C0_C6_0
#define SYS_ID_AA64ISAR1_EL1    S3_0_C0_C6_1
#define SYS_ID_AA64ISAR2_EL1    S3_0_C0_C6_2
#define SYS_ID_AA64MMFR0_EL1    S3_0_C0_C7_0
#define SYS_ID_AA64MMFR1_EL1    S3_0_C0_C7_1
#define SYS_ID_AA64MMFR2_EL1    S3_0_C0_C7_2

/* ID register fields: 4 bits at these shifts (Arm ARM D19.2). */
#define ID_FIELD(v, shift)      (((v) >> (shift)) & 0xfUL)
#define ID_FIELD_MASK(shift)    (0xfUL << (shift))
#define ID_AA64PFR0_FP_SHIFT    16
#define ID_AA64PFR0_RAS_SHIFT   28
#define ID_AA64PFR0_SVE_SHIFT   32
#define ID_AA64PFR0_MPAM_SHIFT  40
#define ID_AA64PFR0_AMU_SHIFT   44
#define ID_AA64PFR0_RME_SHIFT   52
#define ID_AA64PFR0_CSV2_SHIFT  56
#define ID_AA64PFR1_SSBS_SHIFT  4
#define ID_AA64PFR1_MTE_SHIFT   8
#define ID_AA64PFR1_MPAMFRAC_SHIFT 16
#define ID_AA64PFR1_SME_SHIFT   24
#define ID_AA64PFR1_RNDRTRAP_SHIFT 28
#define ID_AA64PFR1_CSV2FRAC_SHIFT 32
#define ID_AA64PFR1_NMI_SHIFT   36
#define ID_AA64PFR1_MTEFRAC_SHIFT 40
#define ID_AA64PFR1_GCS_SHIFT   44
#define ID_AA64PFR1_THE_SHIFT   48
#define ID_AA64PFR1_MTEX_SHIFT  52
#define ID_AA64PFR1_DF2_SHIFT   56
#define ID_AA64PFR1_PFAR_SHIFT  60
#define ID_AA64DFR0_TRACEVER_SHIFT 4
#define ID_AA64DFR0_PMUVER_SHIFT 8
#define ID_AA64DFR0_BRPS_SHIFT  12
#define ID_AA64DFR0_PMSS_SHIFT  16
#define ID_AA64DFR0_WRPS_SHIFT  20
#define ID_AA64DFR0_SEBEP_SHIFT 24
#define ID_AA64DFR0_PMSVER_SHIFT 32
#define ID_AA64DFR0_TRACEFILT_SHIFT 40
#define ID_AA64DFR0_TRACEBUF_SHIFT 44
#define ID_AA64DFR0_MTPMU_SHIFT 48
#define ID_AA64DFR0_BRBE_SHIFT  52
#define ID_AA64DFR0_EXTTRCBUFF_SHIFT 56
#define ID_AA64DFR0_HPMN0_SHIFT 60
#define ID_AA64ISAR0_TME_SHIFT  24
#define ID_AA64ISAR1_APA_SHIFT  4
#define ID_AA64ISAR1_API_SHIFT  8
#define ID_AA64ISAR1_GPA_SHIFT  24
#define ID_AA64ISAR1_GPI_SHIFT  28
#define ID_AA64ISAR1_LS64_SHIFT 60
#define ID_AA64ISAR2_GPA3_SHIFT 8
#define ID_AA64ISAR2_APA3_SHIFT 12
#define ID_AA64ISAR2_MOPS_SHIFT 16
#define ID_AA64ISAR2_SYSREG128_SHIFT 32
#define ID_AA64ISAR2_SYSINSTR128_SHIFT 36
#define ID_AA64ISAR2_ATS1A_SHIFT 60
#define ID_AA64MMFR0_FGT_SHIFT  56
#define ID_AA64MMFR1_VH_SHIFT   8
#define ID_AA64MMFR1_LO_SHIFT   16
#define ID_AA64MMFR1_PAN_SHIFT  20
#define ID_AA64MMFR1_TWED_SHIFT 32
#define ID_AA64MMFR1_HCX_SHIFT  40
#define ID_AA64MMFR2_UAO_SHIFT  4
#define ID_AA64MMFR2_NV_SHIFT   24
#define ID_AA64MMFR2_FWB_SHIFT  40
#define ID_AA64MMFR2_EVT_SHIFT  56
#define ID_AA64SMFR0_FA64       BIT(63)
#define ID_AA64SMFR0_SMEVER_SHIFT 56
#define ID_PFR0_RAS_SHIFT       28
#define ID_PFR0_AMU_SHIFT       20
#define ID_DFR0_COPTRC_SHIFT    12
#define ID_DFR0_MMAPTRC_SHIFT   16
#define ID_DFR0_TRACEFILT_SHIFT 28
/* DFR0.PMUVer: 0 none, 1 PMUv3, 4 v3p1, 5 v3p4, 6 v3p5, 0xf IMPLEMENTATION DEFINED. */
#define PMUVER_V3               1UL
#define PMUVER_V3P1             4UL
#define PMUVER_V3P4             5UL
#define PMUVER_V3P5             6UL
#define PMUVER_IMPDEF           0xfUL

/* PMU registers (Arm ARM D12): PMCR_EL0 fields, the filter bit that lets an
 * event or the cycle counter count at EL2, and the cycle counter's index. */
#define PMCR_E                  BIT(0)
#define PMCR_P                  BIT(1)
#define PMCR_C                  BIT(2)
#define PMCR_N_SHIFT            11
#define PMCR_N_MASK             0x1fUL
#define PMEVTYPER_NSH           BIT(27)
#define PMU_CYCLE_COUNTER       31U

/* SCTLR_EL1 fields the hypervisor reads on a partition's behalf. */
#define SCTLR_EL1_SPAN          BIT(23)  /* FEAT_PAN: 0 = exception entry sets PAN */
#define SCTLR_EL1_DSSBS         BIT(44)  /* FEAT_SSBS: SSBS on exception entry */
#define SCTLR_EL1_SPINTMASK     BIT(62)  /* FEAT_NMI */

/* SPSR_ELx */
#define SPSR_M_MASK             0xfUL
#define SPSR_M_EL0t             0x0UL
#define SPSR_M_EL1t             0x4UL
#define SPSR_M_EL1h             0x5UL
#define SPSR_M_EL2t             0x8UL
#define SPSR_M_EL2h             0x9UL
#define SPSR_M_AARCH32          BIT(4)
#define SPSR_F                  BIT(6)
#define SPSR_I                  BIT(7)
#define SPSR_A                  BIT(8)
#define SPSR_D                  BIT(9)
#define SPSR_BTYPE_MASK         (3UL << 10)
#define SPSR_SSBS               BIT(12)
#define SPSR_ALLINT             BIT(13)
#define SPSR_IL                 BIT(20)
#define SPSR_SS                 BIT(21)
#define SPSR_PAN                BIT(22)
#define SPSR_UAO                BIT(23)
#define SPSR_DIT                BIT(24)
#define SPSR_TCO                BIT(25)
#define SPSR_NZCV               (0xfUL << 28)
#define SPSR_A32_DIT            BIT(21)  /* DIT in an SPSR taken from AArch32 */

/* MPIDR_EL1 affinity fields. */
#define MPIDR_AFF0_SHIFT        0
#define MPIDR_AFF1_SHIFT        8
#define MPIDR_AFF2_SHIFT        16
#define MPIDR_AFF3_SHIFT        32
#define MPIDR_AFFINITY_MASK     (0xffUL | (0xffUL << 8) | (0xffUL << 16) | (0xffUL << 32))

/* ID_AA64MMFR0_EL1.PARange, bits [3:0]. */
#define ID_AA64MMFR0_PARANGE_MASK 0xfUL
/* ID_AA64PFR0_EL1.GIC, bits [27:24]: system-register interface to the GIC CPU interface. */
#define ID_AA64PFR0_GIC_SHIFT   24
#define ID_AA64PFR0_GIC_MASK    0xfUL

#ifndef __ASSEMBLER__

#define read_sysreg(reg) ({                                             \
	uint64_t __val;                                                 \
	__asm__ volatile("mrs %0, " #reg : "=r"(__val));                \
	__val;                                                          \
})

#define write_sysreg(reg, val) do {                                     \
	uint64_t __val = (uint64_t)(val);                               \
	__asm__ volatile("msr " #reg ", %0" : : "r"(__val));            \
} while (0)

/* The same for registers named by a macro that expands to their generic
 * S<op0>_<op1>_C<n>_C<m>_<op2> encoding (the GIC's ICC_/ICH_ registers,
 * which older assemblers do not know by name). */
#define read_sysreg_s(reg)       read_sysreg(reg)
#define write_sysreg_s(reg, val) write_sysreg(reg, val)

static inline void isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}

static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}

static inline void dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" : : : "memory");
}

static inline void wfe(void)
{
	__asm__ volatile("wfe" : : : "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

static inline void sev(void)
{
	__asm__ volatile("sev" : : : "memory");
}

#endif /* __ASSEMBLER__ */

#endif /* ARCH_SYSREG_H */
