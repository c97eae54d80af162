/*
 * SMC and HVC calls from partitions. Both conduits reach the same emulation:
 * no partition ever talks to firmware (HCR_EL2.TSC). An id nobody implements
 * is answered NOT_SUPPORTED as SMCCC requires, and counted; it is not a fault
 * (Linux probes several at boot). A non-zero immediate is not SMCCC at all.
 */
#include "log.h"
#include "partition.h"
#include "psci.h"
#include "smccc.h"
#include "vcpu.h"
#include "vpsci.h"

/* MIDR_EL1: implementer [31:24], part number [15:4]. */
#define MIDR_IMPL(m)            (((m) >> 24) & 0xffU)
#define MIDR_PART(m)            (((m) >> 4) & 0xfffU)
#define MIDR_IMPL_ARM           0x41U
#define PART_CORTEX_A53         0xd03U
#define PART_CORTEX_A35         0xd04U
#define PART_CORTEX_A55         0xd05U
/* ID_AA64PFR0_EL1.CSV2 [59:56]: 1 or more, branch targets trained in one
 * context cannot steer another's (variant 2); 3 (FEAT_CSV2_3), the same for
 * branch history (BHB). */
#define PFR0_CSV2(p)            (((p) >> 56) & 0xfU)

static const uint32_t wa_fid[SMCCC_NR_WORKAROUNDS] = {
	SMCCC_ARCH_WORKAROUND_1, SMCCC_ARCH_WORKAROUND_2, SMCCC_ARCH_WORKAROUND_3,
};
/* Decided once at boot; until then nothing is offered. */
static int64_t wa_answer[SMCCC_NR_WORKAROUNDS] = {
	SMCCC_RET_NOT_SUPPORTED, SMCCC_RET_NOT_SUPPORTED, SMCCC_RET_NOT_SUPPORTED,
};
static uint8_t wa_forward[SMCCC_NR_WORKAROUNDS];

/* Cores Arm lists as not affected by variant 2, variant 4 or BHB (Arm's
 * "Speculative Processor Vulnerability" table; Linux's safe lists agree):
 * the in-order Cortex-A35, A53 and A55. */
static int midr_unaffected(uint64_t midr)
{
	if (MIDR_IMPL(midr) != MIDR_IMPL_ARM) {
		return 0;
	}
	uint32_t part = (uint32_t)MIDR_PART(midr);
	return part == PART_CORTEX_A53 || part == PART_CORTEX_A35 || part == PART_CORTEX_A55;
}

int64_t smccc_workaround_answer(unsigned int n, const struct smccc_cpu_facts *f, int *forward)
{
	*forward = 0;
	if (n >= SMCCC_NR_WORKAROUNDS) {
		return SMCCC_RET_NOT_SUPPORTED;
	}
	if (f->fw_version >= SMCCC_VERSION_1_1) {
		int64_t fw = f->fw_wa[n];
		if (fw == SMCCC_RET_SUCCESS) {
			/* Firmware does the mitigation: the partition's call goes there. */
			*forward = 1;
			return SMCCC_RET_SUCCESS;
		}
		if (fw == SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED || fw == SMCCC_RET_NOT_REQUIRED) {
			return SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
		}
	}
	if (midr_unaffected(f->midr)) {
		return SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
	}
	if ((n == 0u && PFR0_CSV2(f->pfr0) >= 1u) || (n == 2u && PFR0_CSV2(f->pfr0) >= 3u)) {
		return SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
	}
	/* Vulnerable, as far as EL2 can tell. For WA_2 that holds even with
	 * ID_AA64PFR1_EL1.SSBS: SSBS is a control, not immunity, and the
	 * partition sees it and sets PSTATE.SSBS itself (Linux does, before it
	 * asks). */
	return SMCCC_RET_NOT_SUPPORTED;
}

void smccc_workarounds_init(const struct smccc_cpu_facts *f)
{
	for (unsigned int n = 0; n < SMCCC_NR_WORKAROUNDS; n++) {
		int fwd;
		wa_answer[n] = smccc_workaround_answer(n, f, &fwd);
		wa_forward[n] = (uint8_t)fwd;
	}
}

static int wa_index(uint32_t fid)
{
	for (unsigned int n = 0; n < SMCCC_NR_WORKAROUNDS; n++) {
		if (wa_fid[n] == fid) {
			return (int)n;
		}
	}
	return -1;
}

static int64_t arch_service(uint32_t fid, const uint64_t *x)
{
	int n;
	switch (fid) {
	case SMCCC_VERSION:
		return SMCCC_VERSION_1_1;
	case SMCCC_ARCH_FEATURES:
		if ((uint32_t)x[1] == SMCCC_VERSION) {
			return SMCCC_RET_SUCCESS;
		}
		n = wa_index((uint32_t)x[1]);
		return n < 0 ? SMCCC_RET_NOT_SUPPORTED : wa_answer[n];
	default:
		n = wa_index(fid);
		if (n < 0 || wa_answer[n] == SMCCC_RET_NOT_SUPPORTED) {
			return SMCCC_RET_NOT_SUPPORTED;
		}
		if (wa_forward[n]) {
			/* WA_2's x1 (enable or disable) goes along; the state it sets
			 * is firmware's for this physical core, which only this
			 * partition runs on. */
			return arch_smc_call(fid, (uint32_t)x[1], 0, 0);
		}
		/* Not needed on this core: nothing to do. */
		return SMCCC_RET_SUCCESS;
	}
}

/* The vendor-specific hypervisor service: Bulkhead's own calls
 * (docs/hypercalls.md). Returns 1 if fid is one of them, results in x0-x3. */
static int vendor_hyp_service(struct partition *p, uint32_t fid, uint64_t *x)
{
	uint64_t c[3];
	switch (fid) {
	case SMCCC_VENDOR_HYP_CALL_UID:
		x[0] = BH_HYP_UID_0;
		x[1] = BH_HYP_UID_1;
		x[2] = BH_HYP_UID_2;
		x[3] = BH_HYP_UID_3;
		return 1;
	case SMCCC_VENDOR_HYP_REVISION:
		x[0] = BH_HYP_REVISION_MAJOR;
		x[1] = BH_HYP_REVISION_MINOR;
		return 1;
	case BH_HYP_COUNTERS_32:
	case BH_HYP_COUNTERS_64: {
		int wide = (fid & SMCCC_64BIT) != 0;
		/* An SMC32/HVC32 call's argument is W1, its results W1-W3. */
		uint64_t g = wide ? x[1] : (uint32_t)x[1];
		if (g > UINT32_MAX || partition_counter_group(p, (uint32_t)g, c) != 0) {
			x[0] = (uint64_t)(int64_t)SMCCC_RET_INVALID_PARAMETER;
			x[1] = 0;
			x[2] = 0;
			x[3] = 0;
			return 1;
		}
		x[0] = SMCCC_RET_SUCCESS;
		for (unsigned int i = 0; i < 3u; i++) {
			x[i + 1u] = wide ? c[i] : (uint32_t)c[i];
		}
		return 1;
	}
	case BH_HYP_PRINT_COUNTERS:
		partition_print_counters(p);
		x[0] = SMCCC_RET_SUCCESS;
		return 1;
	default:
		return 0;
	}
}

int vcpu_handle_call(uint64_t *x, int is_smc, uint32_t imm)
{
	/* Another immediate is another interface (some hypervisors define their
	 * own, with the call number elsewhere than W0): answering it as SMCCC
	 * would write -1 into a register that may mean something else to it.
	 * No such interface is here, so the instruction is UNDEFINED, as an HVC
	 * is when no hypervisor offers calls (HCR_EL2.HCD) and an SMC when no
	 * firmware does (SCR_EL3.SMD); the caller raises that under the
	 * partition's policy. */
	if (imm != SMCCC_CALL_IMM) {
		return 0;
	}
	struct vcpu *v = vcpu_current();
	struct partition *p = v->part;
	/* SMCCC: the function id is W0; the upper half of X0 is ignored. */
	uint32_t fid = (uint32_t)x[0];
	uint32_t owner = (fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK;
	int64_t ret = SMCCC_RET_NOT_SUPPORTED;
	int handled = 0;

	if (fid & SMCCC_FAST_CALL) {
		if (owner == SMCCC_OWNER_STANDARD) {
			handled = vpsci_call(v, fid, x, &ret);
		} else if (owner == SMCCC_OWNER_ARCH) {
			ret = arch_service(fid, x);
			handled = ret != SMCCC_RET_NOT_SUPPORTED || fid == SMCCC_ARCH_FEATURES;
		} else if (owner == SMCCC_OWNER_VENDOR_HYP && vendor_hyp_service(p, fid, x)) {
			/* x0-x3 written already. */
			return 1;
		}
	}
	if (!handled) {
		__atomic_add_fetch(&p->stats.unknown_calls, 1u, __ATOMIC_RELAXED);
		if (CONFIG_LOG_LEVEL >= LOG_LEVEL_DEBUG && partition_log_ok(p)) {
			LOG_DEBUG("partition \"%s\" vcpu %u: %s 0x%08x not supported", p->cfg->name,
				  v->index, is_smc ? "SMC" : "HVC", fid);
		}
		ret = SMCCC_RET_NOT_SUPPORTED;
	}
	x[0] = (uint64_t)ret;
	return 1;
}
