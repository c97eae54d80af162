/*
 * What a partition is told about the SMCCC speculation workarounds
 * (ARCH_WORKAROUND_1/2/3): firmware is asked once at boot, and the boot
 * core's MIDR and ID registers decide the rest (core/smccc.c,
 * docs/isolation.md section 4).
 */
#include "arch/sysreg.h"
#include "log.h"
#include "psci.h"
#include "smccc.h"

void arch_smccc_workarounds_probe(void)
{
	static const uint32_t fids[SMCCC_NR_WORKAROUNDS] = {
		SMCCC_ARCH_WORKAROUND_1, SMCCC_ARCH_WORKAROUND_2, SMCCC_ARCH_WORKAROUND_3,
	};
	struct smccc_cpu_facts f = {
		.fw_version = SMCCC_RET_NOT_SUPPORTED,
		.fw_wa = { SMCCC_RET_NOT_SUPPORTED, SMCCC_RET_NOT_SUPPORTED, SMCCC_RET_NOT_SUPPORTED },
		.midr = read_sysreg(midr_el1),
		.pfr0 = read_sysreg_s(SYS_ID_AA64PFR0_EL1),
		.pfr1 = read_sysreg_s(SYS_ID_AA64PFR1_EL1),
	};
	/* SMCCC_VERSION is asked only when firmware's PSCI (1.0 or later) says
	 * it exists, as Linux does: SMCCC 1.0 firmware (QEMU's own PSCI among
	 * them) need not answer an unknown id, and an SMC it does not take
	 * would be UNDEFINED at EL2. */
	int64_t psci = arch_smc_call(PSCI_VERSION, 0, 0, 0);
	if (psci >= 0x10000 &&
	    arch_smc_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0) == SMCCC_RET_SUCCESS) {
		f.fw_version = arch_smc_call(SMCCC_VERSION, 0, 0, 0);
	}
	if (f.fw_version >= SMCCC_VERSION_1_1) {
		for (unsigned int n = 0; n < SMCCC_NR_WORKAROUNDS; n++) {
			f.fw_wa[n] = arch_smc_call(SMCCC_ARCH_FEATURES, fids[n], 0, 0);
		}
	}
	smccc_workarounds_init(&f);
	const char *said[SMCCC_NR_WORKAROUNDS];
	for (unsigned int n = 0; n < SMCCC_NR_WORKAROUNDS; n++) {
		int fwd;
		int64_t a = smccc_workaround_answer(n, &f, &fwd);
		said[n] = fwd ? "firmware's" :
			  a == SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED ? "not needed" : "vulnerable";
	}
	if (f.fw_version >= SMCCC_VERSION_1_1) {
		LOG_INFO("speculation workarounds: WA_1 %s, WA_2 %s, WA_3 %s (MIDR 0x%lx; firmware "
			 "SMCCC 0x%lx answers %ld/%ld/%ld)", said[0], said[1], said[2], f.midr,
			 (uint64_t)f.fw_version, f.fw_wa[0], f.fw_wa[1], f.fw_wa[2]);
	} else {
		LOG_INFO("speculation workarounds: WA_1 %s, WA_2 %s, WA_3 %s (MIDR 0x%lx; firmware "
			 "without SMCCC 1.1)", said[0], said[1], said[2], f.midr);
	}
}
