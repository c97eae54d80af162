/*
 * PSCI function ids and return codes (Arm DEN 0022, PSCI 1.1), and the
 * SMCCC conduit Bulkhead uses to reach firmware.
 */
#ifndef BULKHEAD_PSCI_H
#define BULKHEAD_PSCI_H

#include <stdint.h>

#define PSCI_VERSION            0x84000000U
#define PSCI_CPU_SUSPEND_32     0x84000001U
#define PSCI_CPU_OFF            0x84000002U
#define PSCI_CPU_ON_32          0x84000003U
#define PSCI_AFFINITY_INFO_32   0x84000004U
#define PSCI_MIGRATE_INFO_TYPE  0x84000006U
#define PSCI_SYSTEM_OFF         0x84000008U
#define PSCI_SYSTEM_RESET       0x84000009U
#define PSCI_FEATURES           0x8400000aU
#define PSCI_CPU_SUSPEND_64     0xc4000001U
#define PSCI_CPU_ON_64          0xc4000003U
#define PSCI_AFFINITY_INFO_64   0xc4000004U

/* CPU_SUSPEND's power_state in the original format (DEN 0022, CPU_SUSPEND), which
 * PSCI_FEATURES(CPU_SUSPEND) advertises by leaving its flag bit 1 clear:
 * StateID [15:0], StateType [16] (0 standby or retention, 1 power-down),
 * PowerLevel [25:24]; the other bits are reserved and must be zero. */
#define PSCI_POWER_STATE_ID_MASK        0x0000ffffU
#define PSCI_POWER_STATE_TYPE_POWERDOWN (1U << 16)
#define PSCI_POWER_STATE_LEVEL_SHIFT    24
#define PSCI_POWER_STATE_LEVEL_MASK     0x3U

/* PSCI_FEATURES(CPU_SUSPEND) flags (DEN 0022, PSCI_FEATURES). */
#define PSCI_FEATURES_SUSPEND_OSI       (1U << 0)   /* OS-initiated mode offered */
#define PSCI_FEATURES_SUSPEND_EXT_ID    (1U << 1)   /* extended StateID format */

#define PSCI_RET_SUCCESS            0
#define PSCI_RET_NOT_SUPPORTED      (-1)
#define PSCI_RET_INVALID_PARAMS     (-2)
#define PSCI_RET_DENIED             (-3)
#define PSCI_RET_ALREADY_ON         (-4)
#define PSCI_RET_ON_PENDING         (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_NOT_PRESENT        (-7)
#define PSCI_RET_DISABLED           (-8)
#define PSCI_RET_INVALID_ADDRESS    (-9)

/* SMC #0 with x0-x3 as given; returns x0. */
int64_t arch_smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

#endif /* BULKHEAD_PSCI_H */
