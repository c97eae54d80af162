/* SMC Calling Convention (Arm DEN 0028): function-id fields and return codes. */
#ifndef BULKHEAD_SMCCC_H
#define BULKHEAD_SMCCC_H

#include <stdint.h>

/* SMCCC calls are HVC #0 and SMC #0: the convention uses no other immediate. */
#define SMCCC_CALL_IMM          0U

#define SMCCC_FAST_CALL         (1U << 31)
#define SMCCC_64BIT             (1U << 30)
#define SMCCC_OWNER_SHIFT       24
#define SMCCC_OWNER_MASK        0x3fU
#define SMCCC_FUNC_MASK         0xffffU

#define SMCCC_OWNER_ARCH        0U
#define SMCCC_OWNER_STANDARD    4U      /* PSCI lives here */
#define SMCCC_OWNER_VENDOR_HYP  6U

#define SMCCC_VERSION           0x80000000U
#define SMCCC_ARCH_FEATURES     0x80000001U
#define SMCCC_VERSION_1_1       0x10001

#define SMCCC_RET_SUCCESS       0
#define SMCCC_RET_NOT_SUPPORTED (-1)

#endif /* BULKHEAD_SMCCC_H */
