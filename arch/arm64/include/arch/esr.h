/*
 * ESR_ELx, the exception syndrome: field layout (Arm ARM D19.2, ESR_EL2) and a
 * decoder that turns a syndrome into words for diagnostics. The decoder is pure
 * C so the unit tests check it on the host.
 */
#ifndef ARCH_ESR_H
#define ARCH_ESR_H

#include <stddef.h>
#include <stdint.h>

#define ESR_EC_SHIFT            26
#define ESR_EC_MASK             0x3fU
#define ESR_IL                  (1U << 25)
#define ESR_ISS_MASK            0x1ffffffU

#define ESR_EC(esr)             ((uint32_t)((esr) >> ESR_EC_SHIFT) & ESR_EC_MASK)
#define ESR_ISS(esr)            ((uint32_t)(esr) & ESR_ISS_MASK)

/* Exception classes. */
#define EC_UNKNOWN              0x00U
#define EC_WFX                  0x01U
#define EC_CP15_32              0x03U
#define EC_CP15_64              0x04U
#define EC_CP14_MR              0x05U
#define EC_CP14_LS              0x06U
#define EC_FP_ASIMD             0x07U
#define EC_CP14_64              0x0cU
#define EC_BTI                  0x0dU
#define EC_ILL                  0x0eU
#define EC_SVC32                0x11U
#define EC_HVC32                0x12U
#define EC_SMC32                0x13U
#define EC_SVC64                0x15U
#define EC_HVC64                0x16U
#define EC_SMC64                0x17U
#define EC_SYS64                0x18U
#define EC_SVE                  0x19U
#define EC_IMP_DEF              0x1fU
#define EC_IABT_LOW             0x20U
#define EC_IABT_CUR             0x21U
#define EC_PC_ALIGN             0x22U
#define EC_DABT_LOW             0x24U
#define EC_DABT_CUR             0x25U
#define EC_SP_ALIGN             0x26U
#define EC_FP_EXC32             0x28U
#define EC_FP_EXC64             0x2cU
#define EC_SERROR               0x2fU
#define EC_BREAKPT_LOW          0x30U
#define EC_BREAKPT_CUR          0x31U
#define EC_SOFTSTP_LOW          0x32U
#define EC_SOFTSTP_CUR          0x33U
#define EC_WATCHPT_LOW          0x34U
#define EC_WATCHPT_CUR          0x35U
#define EC_BKPT32               0x38U
#define EC_BRK64                0x3cU

/* SError ISS: IDS (bit 24) says the rest is IMPLEMENTATION DEFINED. */
#define ESR_SERROR_IDS          (1U << 24)

/* Data and instruction abort ISS. */
#define ESR_DABT_ISV            (1U << 24)
#define ESR_DABT_SAS_SHIFT      22
#define ESR_DABT_SAS_MASK       0x3U
#define ESR_DABT_SSE            (1U << 21)
#define ESR_DABT_SRT_SHIFT      16
#define ESR_DABT_SRT_MASK       0x1fU
#define ESR_DABT_SF             (1U << 15)
#define ESR_DABT_AR             (1U << 14)
#define ESR_ABT_FNV             (1U << 10)
#define ESR_ABT_EA              (1U << 9)
#define ESR_DABT_CM             (1U << 8)
#define ESR_ABT_S1PTW           (1U << 7)
#define ESR_DABT_WNR            (1U << 6)
#define ESR_ABT_FSC_MASK        0x3fU

/* Fault status codes (DFSC/IFSC). The low two bits of the first four groups
 * are the translation level. */
#define FSC_ADDR_SIZE_L(l)      (0x00U + (l))
#define FSC_TRANS_L(l)          (0x04U + (l))
#define FSC_ACCESS_L(l)         (0x08U + (l))
#define FSC_PERM_L(l)           (0x0cU + (l))
#define FSC_TYPE_MASK           0x3cU
#define FSC_LEVEL_MASK          0x03U
#define FSC_SEA                 0x10U
#define FSC_SEA_WALK_L(l)       (0x14U + (l))
#define FSC_PARITY_WALK_L(l)    (0x1cU + (l))
#define FSC_ALIGNMENT           0x21U

/* Trapped MSR/MRS/system instruction (EC 0x18) ISS. */
#define ESR_SYS_OP0_SHIFT       20
#define ESR_SYS_OP2_SHIFT       17
#define ESR_SYS_OP1_SHIFT       14
#define ESR_SYS_CRN_SHIFT       10
#define ESR_SYS_RT_SHIFT        5
#define ESR_SYS_CRM_SHIFT       1
#define ESR_SYS_READ            (1U << 0)

/* HVC/SMC: the immediate. */
#define ESR_HVC_IMM_MASK        0xffffU

/* Name of an exception class, e.g. "Data Abort from a lower EL". */
const char *esr_ec_name(uint32_t ec);

/* Name of a fault status code, e.g. "translation fault, level 2". */
const char *esr_fsc_name(uint32_t fsc);

/* One line of decoded ISS fields for the syndrome's class, into buf.
 * Returns the length the full text would have had (snprintf rules). */
int esr_describe_iss(uint64_t esr, char *buf, size_t size);

#endif /* ARCH_ESR_H */
