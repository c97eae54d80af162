/*
 * SMC and HVC calls from partitions. Both conduits reach the same emulation:
 * no partition ever talks to firmware (HCR_EL2.TSC). An id nobody implements
 * is answered NOT_SUPPORTED as SMCCC requires, and counted; it is not a fault
 * (Linux probes several at boot). A non-zero immediate is not SMCCC at all.
 */
#include "log.h"
#include "partition.h"
#include "smccc.h"
#include "vcpu.h"
#include "vpsci.h"

static int64_t arch_service(uint32_t fid, const uint64_t *x)
{
	switch (fid) {
	case SMCCC_VERSION:
		return SMCCC_VERSION_1_1;
	case SMCCC_ARCH_FEATURES:
		/* SMCCC_VERSION is implemented; no ARCH_WORKAROUND_* is offered,
		 * so a partition applies its own mitigations. */
		return (uint32_t)x[1] == SMCCC_VERSION ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED;
	default:
		return SMCCC_RET_NOT_SUPPORTED;
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
