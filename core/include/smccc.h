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
#define SMCCC_RET_NOT_REQUIRED  (-2)
#define SMCCC_RET_INVALID_PARAMETER (-3)

/* Speculation workarounds (DEN 0028 v1.4, "Arm Architecture Calls"):
 * WA_1 Spectre variant 2 (CVE-2017-5715), WA_2 variant 4 / speculative store
 * bypass (CVE-2018-3639), WA_3 variant 2 and branch history injection
 * (CVE-2022-23960). ARCH_FEATURES(WA_n) = 1: not required on this PE. */
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffU
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffU
#define SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED 1
#define SMCCC_NR_WORKAROUNDS    3U

/* What decides a partition's answers for WA_1..3 on one core, and how EL2
 * hardens its own vectors there, gathered on that core at boot by the arch
 * side (arch/arm64/spectre.c): firmware's SMCCC version (negative: none, or
 * not asked) and its ARCH_FEATURES answer for each workaround (meaningful
 * only from version 1.1), and the core's MIDR_EL1, ID_AA64PFR0_EL1,
 * ID_AA64PFR1_EL1, ID_AA64MMFR1_EL1 and ID_AA64ISAR2_EL1. */
struct smccc_cpu_facts {
	int64_t fw_version;
	int64_t fw_wa[SMCCC_NR_WORKAROUNDS];
	uint64_t midr;
	uint64_t pfr0;
	uint64_t pfr1;
	uint64_t mmfr1;
	uint64_t isar2;
};

/* How EL2 keeps a lower EL's branch history (Spectre-BHB) from steering
 * its own indirect branches, at every entry from a lower EL. */
enum smccc_el2_bhb {
	SMCCC_EL2_BHB_UNAFFECTED,       /* Arm lists the core as unaffected, CSV2_3, or firmware says so */
	SMCCC_EL2_BHB_ECBHB,            /* the hardware does it (ID_AA64MMFR1_EL1.ECBHB) */
	SMCCC_EL2_BHB_CLRBHB,           /* the CLRBHB instruction (FEAT_CLRBHB) */
	SMCCC_EL2_BHB_LOOP,             /* the branch loop, loop_k iterations */
	SMCCC_EL2_BHB_FW_WA3,           /* firmware's ARCH_WORKAROUND_3 */
	SMCCC_EL2_BHB_NONE,             /* nothing known: vulnerable, or not on Arm's lists */
};

struct smccc_el2_hardening {
	enum smccc_el2_bhb bhb;
	unsigned int loop_k;            /* SMCCC_EL2_BHB_LOOP only */
	int fw_wa1;                     /* firmware's ARCH_WORKAROUND_1 called too (variant 2) */
	const char *core_name;          /* the Arm core MIDR names, or NULL */
};

/* What EL2's vectors do on a core with facts f (core/smccc.c). */
void smccc_el2_hardening(const struct smccc_cpu_facts *f, struct smccc_el2_hardening *h);

/* Decides and keeps the answers, for every core (smccc_workarounds_init)
 * or for one (_core). Before either is called (and with all-zero facts)
 * every workaround is NOT_SUPPORTED. */
void smccc_workarounds_init(const struct smccc_cpu_facts *f);
void smccc_workarounds_init_core(unsigned int core, const struct smccc_cpu_facts *f);
/* The ARCH_FEATURES answer for workaround n (0..2) under f; *forward set to
 * 1 when a partition's call goes to firmware. */
int64_t smccc_workaround_answer(unsigned int n, const struct smccc_cpu_facts *f, int *forward);
/* Arch side, once on the boot core: gathers core 0's facts, answers and
 * vector hardening; then each secondary the same for itself, when it comes
 * up (arch_spectre_core_init). */
void arch_smccc_workarounds_probe(void);
void arch_spectre_core_init(unsigned int core);
/* What core's EL2 vectors run at an entry from a lower EL, for its boot
 * line: "BHB loop x8 (Cortex-A72)", "no hardening (Cortex-A53; BHB: not
 * affected)". */
const char *arch_el2_vectors_desc(unsigned int core);

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
