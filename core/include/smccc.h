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
#define SMCCC_RET_INVALID_PARAMETER (-3)

/* Queries every service range answers (DEN 0028, "General service
 * queries"), here for the vendor-specific hypervisor service. Linux asks
 * for the UID at boot to find out whether it runs under KVM. */
#define SMCCC_VENDOR_HYP_CALL_UID   0x8600ff01U
#define SMCCC_VENDOR_HYP_REVISION   0x8600ff03U

/* Bulkhead's own calls in that range (docs/hypercalls.md). */
#define BH_HYP_COUNTERS_32          0x86000001U   /* x1 = group: x0 status, x1-x3 counters */
#define BH_HYP_COUNTERS_64          0xc6000001U
#define BH_HYP_PRINT_COUNTERS       0x86000002U   /* the counters on the console */
/* Bulkhead's UID, 5071fb61-a87d-4812-a209-5a54c150d95a, as the UID query
 * returns it: its bytes in order, four to a register, little-endian. */
#define BH_HYP_UID_0                0x61fb7150U
#define BH_HYP_UID_1                0x12487da8U
#define BH_HYP_UID_2                0x545a09a2U
#define BH_HYP_UID_3                0x5ad950c1U
#define BH_HYP_REVISION_MAJOR       1U
#define BH_HYP_REVISION_MINOR       0U

#endif /* BULKHEAD_SMCCC_H */
