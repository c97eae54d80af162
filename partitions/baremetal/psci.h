/*
 * PSCI (Arm DEN 0022) and SMCCC as the baremetal guest calls them, through
 * bm_hvc_call() and bm_smc_call() (start.S).
 */
#ifndef BM_PSCI_H
#define BM_PSCI_H

#include <stdint.h>

/* PSCI function ids (Arm DEN 0022) and SMCCC */
#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND_64 0xC4000001U
#define PSCI_CPU_ON_64 0xC4000003U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000AU
#define PSCI_VERSION_MAJOR_SHIFT 16
#define PSCI_VERSION_MINOR_MASK 0xFFFFU
#define PSCI_RET_SUCCESS 0
/* An id in the SMCCC vendor-specific range that nobody implements. */
#define SMCCC_UNKNOWN_FID 0x86000F00U

static inline int32_t psci_result(uint64_t x0)
{
    /* PSCI and SMC32 calls return a signed 32-bit value in w0. */
    return (int32_t)(uint32_t)x0;
}

#endif
