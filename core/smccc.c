/*
 * SMC and HVC calls from partitions. Both conduits reach the same emulation:
 * no partition ever talks to firmware (HCR_EL2.TSC). An id nobody implements
 * is answered NOT_SUPPORTED as SMCCC requires, and counted; it is not a fault
 * (Linux probes several at boot). A non-zero immediate is not SMCCC at all.
 */
#include <stddef.h>

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
/* ID_AA64MMFR1_EL1.ECBHB [63:60]: 1, branch history from before an
 * exception to a higher EL does not steer branches after it (FEAT_ECBHB). */
#define MMFR1_ECBHB(m)          (((m) >> 60) & 0xfU)
/* ID_AA64ISAR2_EL1.CLRBHB [31:28]: 1, the CLRBHB instruction exists
 * (FEAT_CLRBHB). */
#define ISAR2_CLRBHB(i)         (((i) >> 28) & 0xfU)

/* Arm cores by MIDR part number: what Arm's Spectre-BHB whitepaper (and
 * Linux's lists, which follow it) says of branch history injection. bhb_k
 * is the loop's iteration count; 0 with bhb_safe 0 means affected with no
 * loop given (Cortex-A73 and A75: firmware's ARCH_WORKAROUND_3). */
struct arm_core {
	uint16_t part;
	uint8_t bhb_safe;
	uint8_t bhb_k;
	const char *name;
};

static const struct arm_core arm_cores[] = {
	{ 0xd03, 1, 0, "Cortex-A53" },
	{ 0xd04, 1, 0, "Cortex-A35" },
	{ 0xd05, 1, 0, "Cortex-A55" },
	{ 0xd46, 1, 0, "Cortex-A510" },
	{ 0xd80, 1, 0, "Cortex-A520" },
	{ 0xd07, 0, 8, "Cortex-A57" },
	{ 0xd08, 0, 8, "Cortex-A72" },
	{ 0xd09, 0, 0, "Cortex-A73" },
	{ 0xd0a, 0, 0, "Cortex-A75" },
	{ 0xd0b, 0, 24, "Cortex-A76" },
	{ 0xd0e, 0, 24, "Cortex-A76AE" },
	{ 0xd0d, 0, 24, "Cortex-A77" },
	{ 0xd0c, 0, 24, "Neoverse-N1" },
	{ 0xd40, 0, 32, "Neoverse-V1" },
	{ 0xd41, 0, 32, "Cortex-A78" },
	{ 0xd42, 0, 32, "Cortex-A78AE" },
	{ 0xd4b, 0, 32, "Cortex-A78C" },
	{ 0xd44, 0, 32, "Cortex-X1" },
	{ 0xd4c, 0, 32, "Cortex-X1C" },
	{ 0xd47, 0, 32, "Cortex-A710" },
	{ 0xd48, 0, 32, "Cortex-X2" },
	{ 0xd49, 0, 32, "Neoverse-N2" },
	{ 0xd4d, 0, 38, "Cortex-A715" },
	{ 0xd81, 0, 38, "Cortex-A720" },
	{ 0xd4e, 0, 132, "Cortex-X3" },
	{ 0xd4f, 0, 132, "Neoverse-V2" },
};

static const struct arm_core *arm_core(uint64_t midr)
{
	if (MIDR_IMPL(midr) != MIDR_IMPL_ARM) {
		return NULL;
	}
	for (size_t i = 0; i < sizeof(arm_cores) / sizeof(arm_cores[0]); i++) {
		if (arm_cores[i].part == MIDR_PART(midr)) {
			return &arm_cores[i];
		}
	}
	return NULL;
}

static const uint32_t wa_fid[SMCCC_NR_WORKAROUNDS] = {
	SMCCC_ARCH_WORKAROUND_1, SMCCC_ARCH_WORKAROUND_2, SMCCC_ARCH_WORKAROUND_3,
};
/* Decided at boot, each core on itself (big.LITTLE cores differ); until
 * then nothing is offered. The index is the physical core a vCPU runs on. */
static int64_t wa_answer[CONFIG_MAX_CORES][SMCCC_NR_WORKAROUNDS];
static uint8_t wa_forward[CONFIG_MAX_CORES][SMCCC_NR_WORKAROUNDS];
static uint8_t wa_decided[CONFIG_MAX_CORES];

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

static int fw_said(const struct smccc_cpu_facts *f, unsigned int n, int64_t what)
{
	return f->fw_version >= SMCCC_VERSION_1_1 && f->fw_wa[n] == what;
}

void smccc_el2_hardening(const struct smccc_cpu_facts *f, struct smccc_el2_hardening *h)
{
	const struct arm_core *c = arm_core(f->midr);
	h->core_name = c != NULL ? c->name : NULL;
	h->loop_k = 0;
	/* Variant 2: where firmware implements WA_1 and the core needs it,
	 * EL2 calls it at every lower-EL entry, so branch targets a partition
	 * trained do not steer EL2 (KVM does the same in its vectors). */
	h->fw_wa1 = fw_said(f, 0, SMCCC_RET_SUCCESS) && !midr_unaffected(f->midr) &&
		    PFR0_CSV2(f->pfr0) < 1u;
	/* BHB, in the order Linux (proton-pack.c) takes them: unaffected; the
	 * hardware; the instruction; the loop Arm gives for the core; only
	 * then firmware, which costs a call to EL3 at every entry. */
	if ((c != NULL && c->bhb_safe) || PFR0_CSV2(f->pfr0) >= 3u ||
	    fw_said(f, 2, SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED) ||
	    fw_said(f, 2, SMCCC_RET_NOT_REQUIRED)) {
		h->bhb = SMCCC_EL2_BHB_UNAFFECTED;
	} else if (MMFR1_ECBHB(f->mmfr1) >= 1u) {
		h->bhb = SMCCC_EL2_BHB_ECBHB;
	} else if (ISAR2_CLRBHB(f->isar2) >= 1u) {
		h->bhb = SMCCC_EL2_BHB_CLRBHB;
	} else if (c != NULL && c->bhb_k != 0u) {
		h->bhb = SMCCC_EL2_BHB_LOOP;
		h->loop_k = c->bhb_k;
	} else if (fw_said(f, 2, SMCCC_RET_SUCCESS)) {
		h->bhb = SMCCC_EL2_BHB_FW_WA3;
		/* WA_3 covers variant 2 too (SMCCC 1.4): one call, not two. */
		h->fw_wa1 = 0;
	} else {
		h->bhb = SMCCC_EL2_BHB_NONE;
	}
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
	if (n == 2u) {
		/* EL2 clears branch history itself at every entry from a lower
		 * EL on this core, so taking the partition's WA_3 call has done
		 * the work: the call is a no-op (KVM answers the same). WA_3 also
		 * stands for variant 2 (SMCCC 1.4: callers may use it in place
		 * of WA_1), so only where variant 2 is covered too; the loop
		 * does not invalidate branch targets. */
		struct smccc_el2_hardening h;
		int fwd1;
		smccc_el2_hardening(f, &h);
		if ((h.bhb == SMCCC_EL2_BHB_ECBHB || h.bhb == SMCCC_EL2_BHB_CLRBHB ||
		     h.bhb == SMCCC_EL2_BHB_LOOP) &&
		    smccc_workaround_answer(0u, f, &fwd1) != SMCCC_RET_NOT_SUPPORTED) {
			return SMCCC_RET_SUCCESS;
		}
	}
	/* Vulnerable, as far as EL2 can tell. For WA_2 that holds even with
	 * ID_AA64PFR1_EL1.SSBS: SSBS is a control, not immunity, and the
	 * partition sees it and sets PSTATE.SSBS itself (Linux does, before it
	 * asks). */
	return SMCCC_RET_NOT_SUPPORTED;
}

void smccc_workarounds_init_core(unsigned int core, const struct smccc_cpu_facts *f)
{
	if (core >= CONFIG_MAX_CORES) {
		return;
	}
	for (unsigned int n = 0; n < SMCCC_NR_WORKAROUNDS; n++) {
		int fwd;
		wa_answer[core][n] = smccc_workaround_answer(n, f, &fwd);
		wa_forward[core][n] = (uint8_t)fwd;
	}
	wa_decided[core] = 1;
}

void smccc_workarounds_init(const struct smccc_cpu_facts *f)
{
	for (unsigned int core = 0; core < CONFIG_MAX_CORES; core++) {
		smccc_workarounds_init_core(core, f);
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

static int64_t wa_answer_on(unsigned int core, unsigned int n)
{
	if (core >= CONFIG_MAX_CORES || !wa_decided[core]) {
		return SMCCC_RET_NOT_SUPPORTED;
	}
	return wa_answer[core][n];
}

static int64_t arch_service(unsigned int core, uint32_t fid, const uint64_t *x)
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
		return n < 0 ? SMCCC_RET_NOT_SUPPORTED : wa_answer_on(core, (unsigned int)n);
	default:
		n = wa_index(fid);
		if (n < 0 || wa_answer_on(core, (unsigned int)n) == SMCCC_RET_NOT_SUPPORTED) {
			return SMCCC_RET_NOT_SUPPORTED;
		}
		if (wa_forward[core][n]) {
			/* WA_2's x1 (enable or disable) goes along; the state it sets
			 * is firmware's for this physical core, which only this
			 * partition runs on. */
			return arch_smc_call(fid, (uint32_t)x[1], 0, 0);
		}
		/* Not needed on this core, or done by EL2 at every entry from
		 * the partition (WA_3 with the BHB mitigation): nothing to do. */
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
			ret = arch_service(v->core, fid, x);
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
