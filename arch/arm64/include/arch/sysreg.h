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
#define HCR_EL2_TSC             BIT(19)
#define HCR_EL2_TACR            BIT(21)
#define HCR_EL2_TSW             BIT(22)
#define HCR_EL2_TIDCP           BIT(20)
#define HCR_EL2_RW              BIT(31)

/* CPTR_EL2 (E2H == 0) */
#define CPTR_EL2_RES1           (BITS(13, 12) | BITS(9, 0))
#define CPTR_EL2_TFP            BIT(10)
#define CPTR_EL2_TTA            BIT(20)
#define CPTR_EL2_TCPAC          BIT(31)

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
