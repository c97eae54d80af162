/*
 * PSCI emulation (Arm DEN 0022). A partition can only ever name its own
 * virtual CPUs (virtual MPIDR Aff0 = 0..n-1, higher affinity fields zero);
 * SYSTEM_OFF and SYSTEM_RESET act on the calling partition alone.
 */
#include "psci.h"
#include "log.h"
#include "partition.h"
#include "smccc.h"
#include "vpsci.h"

#define PSCI_FID_MASK           0x1fU   /* function number inside the PSCI range */
#define PSCI_AFF_INFO_ON        0
#define PSCI_AFF_INFO_OFF       1
#define PSCI_AFF_INFO_ON_PENDING 2
#define PSCI_MIGRATE_NOT_REQUIRED 2     /* MIGRATE_INFO_TYPE: no Trusted OS */
#define VMPIDR_AFF0_MASK        0xffUL
#define VMPIDR_VALID_MASK       0xff00ffffffUL   /* Aff3..Aff0 */

/* The two CPU_SUSPEND states a partition is offered (original power_state
 * format, see psci.h): StateID 0 at PowerLevel 0, the core alone. A higher
 * level names a cluster or the system, which other partitions share, and
 * other StateIDs name nothing: both are INVALID_PARAMETERS. */
#define VPSCI_STATE_STANDBY     0U
#define VPSCI_STATE_POWERDOWN   PSCI_POWER_STATE_TYPE_POWERDOWN
/* What PSCI_FEATURES(CPU_SUSPEND) answers: neither PSCI_FEATURES_SUSPEND_EXT_ID
 * (the states above are in the original format) nor PSCI_FEATURES_SUSPEND_OSI
 * (platform-coordinated mode only). */
#define VPSCI_SUSPEND_FEATURES  0

static int is_psci(uint32_t fid)
{
	return (fid & ~(SMCCC_64BIT | PSCI_FID_MASK)) == (PSCI_VERSION & ~PSCI_FID_MASK);
}

/* The vCPU a partition means by target, or NULL for anything not its own.
 * Bits outside the affinity fields are ignored as PSCI requires of MPIDR
 * arguments; any non-zero Aff1-Aff3 names no vCPU. */
static struct vcpu *target_vcpu(struct partition *p, uint64_t target)
{
	target &= VMPIDR_VALID_MASK;
	if ((target & ~VMPIDR_AFF0_MASK) != 0 || target >= p->cfg->ncpus) {
		return NULL;
	}
	return &p->vcpus[target];
}

/* Whether a vCPU may start at entry: a whole instruction in the partition's
 * own RAM. */
static int entry_ok(const struct partition *p, uint64_t entry)
{
	return partition_ram_pa(p, entry, 4) != 0 && (entry & 3u) == 0;
}

/* CPU_SUSPEND. A standby ends at once: PSCI lets a standby state end on any
 * wake-up event, and the core is the partition's own, so there is no power
 * to save for anyone else. A power-down loses the core's context, so it
 * never returns SUCCESS (Linux takes a returning power-down as a failure):
 * the vCPU wakes at entry with x0 = context, as after CPU_ON, and stays ON
 * throughout. power_state is 32 bits in both calling conventions. */
static int64_t cpu_suspend(struct vcpu *self, uint32_t power_state, uint64_t entry, uint64_t ctx)
{
	switch (power_state) {
	case VPSCI_STATE_STANDBY:
		return PSCI_RET_SUCCESS;
	case VPSCI_STATE_POWERDOWN:
		if (!entry_ok(self->part, entry)) {
			return PSCI_RET_INVALID_ADDRESS;
		}
		core_warm_boot(entry, ctx);
	default:
		return PSCI_RET_INVALID_PARAMS;
	}
}

static int64_t cpu_on(struct vcpu *self, uint64_t target, uint64_t entry, uint64_t ctx)
{
	struct partition *p = self->part;
	struct vcpu *t = target_vcpu(p, target);

	if (t == NULL) {
		/* A partition can call this in a loop: its share of the
		 * console decides whether it is said. */
		if (partition_log_ok(p)) {
			LOG_INFO("partition \"%s\" vcpu %u: CPU_ON for 0x%lx refused: not one of its "
				 "cores", p->cfg->name, self->index, target);
		}
		return PSCI_RET_INVALID_PARAMS;
	}
	if (!entry_ok(p, entry)) {
		return PSCI_RET_INVALID_ADDRESS;
	}
	uint32_t expected = VCPU_OFF;
	if (!__atomic_compare_exchange_n(&t->state, &expected, (uint32_t)VCPU_ON_PENDING, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		return expected == VCPU_ON_PENDING ? PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON;
	}
	core_post_start(t->core, entry, ctx, __atomic_load_n(&p->epoch, __ATOMIC_ACQUIRE));
	return PSCI_RET_SUCCESS;
}

static int64_t affinity_info(struct partition *p, uint64_t target, uint64_t level)
{
	struct vcpu *t = target_vcpu(p, target);
	if (t == NULL || level != 0) {
		return PSCI_RET_INVALID_PARAMS;
	}
	switch (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE)) {
	case VCPU_ON:
		return PSCI_AFF_INFO_ON;
	case VCPU_ON_PENDING:
		return PSCI_AFF_INFO_ON_PENDING;
	default:
		return PSCI_AFF_INFO_OFF;
	}
}

static int64_t features(uint32_t fid)
{
	switch (fid) {
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		return VPSCI_SUSPEND_FEATURES;
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

int vpsci_call(struct vcpu *v, uint32_t fid, const uint64_t *x, int64_t *ret)
{
	struct partition *p = v->part;
	/* SMC32/HVC32 calls take 32-bit arguments: the upper halves are ignored. */
	int wide = (fid & SMCCC_64BIT) != 0;
	uint64_t a1 = wide ? x[1] : (uint32_t)x[1];
	uint64_t a2 = wide ? x[2] : (uint32_t)x[2];
	uint64_t a3 = wide ? x[3] : (uint32_t)x[3];

	if (!is_psci(fid)) {
		return 0;
	}
	__atomic_add_fetch(&p->stats.psci_calls, 1u, __ATOMIC_RELAXED);
	switch (fid) {
	case PSCI_VERSION:
		*ret = VPSCI_VERSION;
		break;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		*ret = cpu_suspend(v, (uint32_t)x[1], a2, a3);
		break;
	case PSCI_CPU_OFF:
		core_park();
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		*ret = cpu_on(v, a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		*ret = affinity_info(p, a1, a2);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		*ret = PSCI_MIGRATE_NOT_REQUIRED;
		break;
	case PSCI_SYSTEM_OFF:
		partition_stop(p, PART_STOPPED, "PSCI SYSTEM_OFF");
	case PSCI_SYSTEM_RESET:
		partition_restart(p, "PSCI SYSTEM_RESET");
	case PSCI_FEATURES:
		*ret = features((uint32_t)a1);
		break;
	default:
		*ret = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	return 1;
}
