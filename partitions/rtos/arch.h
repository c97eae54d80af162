/*
 * AArch64 system registers and fields the RTOS uses (Arm ARM names), and a
 * few inline helpers. Only included by target code, never by host tests.
 */
#ifndef RTOS_ARCH_H
#define RTOS_ARCH_H

#include <stdint.h>

#define read_sysreg(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")

/* GICv3 CPU interface, by encoding (the assembler may not know the names). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7

#define ICC_SRE_SRE (1u << 0)
#define ICC_CTLR_EOIMODE (1u << 1)
#define ICC_IGRPEN1_ENABLE (1u << 0)
#define ICC_IAR_INTID_MASK 0xffffffu
#define ICC_INTID_SPURIOUS_FIRST 1020u

/* CNTV_CTL_EL0 */
#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK (1u << 1)

/* ESR_EL1 */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fu
#define ESR_EC_SVC64 0x15u
#define ESR_EC_FP_ACCESS 0x07u
#define ESR_EC_DABT_CUR 0x25u
#define ESR_EC_IABT_CUR 0x21u
#define ESR_EC_SP_ALIGN 0x26u

/* SPSR_EL1.M for EL1 using SP_EL0 ("EL1t"), the mode tasks run in. */
#define SPSR_M_EL1T 0x4u

/* DAIF.I as seen by mrs/msr daif */
#define DAIF_I (1u << 7)

/* SCTLR_EL1 */
#define SCTLR_M (1u << 0)
#define SCTLR_C (1u << 2)
#define SCTLR_SA (1u << 3)
#define SCTLR_I (1u << 12)

/* MPIDR_EL1 affinity fields */
#define MPIDR_AFF0(m) ((m) & 0xffu)
#define MPIDR_AFF1(m) (((m) >> 8) & 0xffu)
#define MPIDR_AFF2(m) (((m) >> 16) & 0xffu)
#define MPIDR_AFF3(m) (((m) >> 32) & 0xffu)

static inline uint64_t irq_save(void)
{
	uint64_t flags = read_sysreg(daif);
	__asm__ volatile("msr daifset, #2" : : : "memory");
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	write_sysreg(daif, flags);
}

static inline uint64_t cntvct(void)
{
	/* isb: the read must not be hoisted above earlier instructions. */
	isb();
	return read_sysreg(cntvct_el0);
}

static inline uint32_t mmio_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline uint64_t mmio_read64(uintptr_t a)
{
	return *(volatile uint64_t *)a;
}

static inline void mmio_write64(uintptr_t a, uint64_t v)
{
	*(volatile uint64_t *)a = v;
}

#endif
