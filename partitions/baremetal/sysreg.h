/*
 * System-register fields used by the baremetal guest (names and bit positions
 * from the Arm Architecture Reference Manual, ARMv8-A). Usable from C and .S.
 */
#ifndef BM_SYSREG_H
#define BM_SYSREG_H

#ifdef __ASSEMBLER__
#define BM_BIT(n) (1 << (n))
#else
#define BM_BIT(n) (1UL << (n))
#endif

/* SCTLR_EL1 */
#define SCTLR_EL1_M BM_BIT(0)    /* stage-1 MMU enable */
#define SCTLR_EL1_C BM_BIT(2)    /* data cacheability */
#define SCTLR_EL1_SA BM_BIT(3)   /* SP alignment check at EL1 */
#define SCTLR_EL1_SA0 BM_BIT(4)  /* SP alignment check at EL0 */
#define SCTLR_EL1_I BM_BIT(12)   /* instruction cacheability */
/* Bits that are RES1 on an ARMv8.0 core (EOS, TSCXT, EIS, SPAN, nTLSMD, LSMAOE). */
#define SCTLR_EL1_RES1                                                        \
    (BM_BIT(11) | BM_BIT(20) | BM_BIT(22) | BM_BIT(23) | BM_BIT(28) |         \
     BM_BIT(29))
/*
 * MMU and data cache off (so no page tables are needed and all cores see memory
 * coherently without maintenance), little-endian, SP alignment checked.
 */
#define SCTLR_EL1_BOOT                                                        \
    (SCTLR_EL1_RES1 | SCTLR_EL1_I | SCTLR_EL1_SA | SCTLR_EL1_SA0)

/* DAIFSet/DAIFClr immediates */
#define DAIF_F_IMM 1
#define DAIF_I_IMM 2
#define DAIF_A_IMM 4
#define DAIF_D_IMM 8
#define DAIF_ALL_IMM (DAIF_D_IMM | DAIF_A_IMM | DAIF_I_IMM | DAIF_F_IMM)

/* ESR_ELx */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3F
#define ESR_EC_UNKNOWN 0x00      /* includes UNDEFINED instructions */
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SERROR 0x2F

/* MPIDR_EL1: affinity fields Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0] */
#define MPIDR_AFF_MASK 0xFF00FFFFFFUL

/* CNTKCTL_EL1: event stream from the virtual counter */
#define CNTKCTL_EVNTEN BM_BIT(2)
#define CNTKCTL_EVNTDIR BM_BIT(3)
#define CNTKCTL_EVNTI_SHIFT 4
#define CNTKCTL_EVNTI_MASK 0xFUL

/* Exception vector layout (VBAR_ELx): 4 groups x 4 kinds, 0x80 bytes each */
#define VECTOR_ENTRY_SIZE 0x80
#define VECTOR_TABLE_ALIGN 2048
#define VEC_KIND_SYNC 0
#define VEC_KIND_IRQ 1
#define VEC_KIND_FIQ 2
#define VEC_KIND_SERROR 3
#define VEC_GROUP_CUR_SP0 0
#define VEC_GROUP_CUR_SPX 1
#define VEC_GROUP_LOW_A64 2
#define VEC_GROUP_LOW_A32 3

/* arm64 Image header */
#define IMAGE_TEXT_OFFSET 0x80000
#define IMAGE_FLAG_LE 0
#define IMAGE_FLAG_PAGE_4K (1 << 1)      /* bits [2:1] = 1: 4 KiB pages */
#define IMAGE_FLAG_PHYS_ANYWHERE (1 << 3) /* any 2 MiB-aligned base */
#define IMAGE_FLAGS (IMAGE_FLAG_LE | IMAGE_FLAG_PAGE_4K | IMAGE_FLAG_PHYS_ANYWHERE)

#ifndef __ASSEMBLER__
#include <stdint.h>

#define read_sysreg(reg)                                                      \
    ({                                                                        \
        uint64_t v_;                                                          \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                         \
        v_;                                                                   \
    })

#define write_sysreg(reg, val)                                                \
    do {                                                                      \
        uint64_t v_ = (val);                                                  \
        __asm__ volatile("msr " #reg ", %0" : : "r"(v_) : "memory");          \
    } while (0)

static inline void isb(void)
{
    __asm__ volatile("isb" : : : "memory");
}

static inline void dmb_sy(void)
{
    __asm__ volatile("dmb sy" : : : "memory");
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" : : : "memory");
}

static inline void wfe(void)
{
    __asm__ volatile("wfe" : : : "memory");
}

static inline void sev(void)
{
    __asm__ volatile("dsb sy\n\tsev" : : : "memory");
}

/* Counter reads are ordered after earlier instructions so deadlines are honest. */
static inline uint64_t read_cntvct(void)
{
    isb();
    return read_sysreg(cntvct_el0);
}
#endif

#endif
