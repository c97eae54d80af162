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
		}
	}
	if (!handled) {
		__atomic_add_fetch(&p->stats.unknown_calls, 1u, __ATOMIC_RELAXED);
		LOG_DEBUG("partition \"%s\" vcpu %u: %s 0x%08x not supported", p->cfg->name, v->index,
			  is_smc ? "SMC" : "HVC", fid);
		ret = SMCCC_RET_NOT_SUPPORTED;
	}
	x[0] = (uint64_t)ret;
	return 1;
}
