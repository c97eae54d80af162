/* Secondary core bring-up: PSCI CPU_ON for each, then a bounded wait. */
#include "arch.h"
#include "psci.h"
#include "cpus.h"
#include "log.h"

/* How long one core may take from CPU_ON to running C: generous, since under
 * QEMU's TCG eight cores may share two host threads. */
#define CPU_ON_TIMEOUT_MS       5000u

static uint32_t online[CONFIG_MAX_CORES];

void cpus_mark_online(unsigned int core)
{
	if (core < CONFIG_MAX_CORES) {
		__atomic_store_n(&online[core], 1u, __ATOMIC_RELEASE);
		arch_send_event();
	}
}

int cpus_is_online(unsigned int core)
{
	return core < CONFIG_MAX_CORES && __atomic_load_n(&online[core], __ATOMIC_ACQUIRE) != 0;
}

static const char *psci_err(int64_t r)
{
	switch (r) {
	case PSCI_RET_NOT_SUPPORTED:    return "NOT_SUPPORTED";
	case PSCI_RET_INVALID_PARAMS:   return "INVALID_PARAMETERS";
	case PSCI_RET_DENIED:           return "DENIED";
	case PSCI_RET_ALREADY_ON:       return "ALREADY_ON";
	case PSCI_RET_ON_PENDING:       return "ON_PENDING";
	case PSCI_RET_INTERNAL_FAILURE: return "INTERNAL_FAILURE";
	case PSCI_RET_NOT_PRESENT:      return "NOT_PRESENT";
	case PSCI_RET_DISABLED:         return "DISABLED";
	case PSCI_RET_INVALID_ADDRESS:  return "INVALID_ADDRESS";
	default:                        return "unknown error";
	}
}

unsigned int cpus_start_secondaries(const struct board_info *b)
{
	unsigned int self = arch_core_id();
	unsigned int count = 1;
	uint8_t started[CONFIG_MAX_CORES] = { 0 };
	uint64_t ticks = arch_counter_freq() / 1000u * CPU_ON_TIMEOUT_MS;

	cpus_mark_online(self);
	/* Start them all, then wait once: cores come up in parallel, and on
	 * QEMU's single-threaded icount mode the waiting core yields its slice. */
	for (unsigned int core = 0; core < b->ncpus; core++) {
		if (core == self) {
			continue;
		}
		int64_t r = arch_start_core(b->mpidr[core], core);
		if (r != PSCI_RET_SUCCESS) {
			LOG_ERROR("core %u (MPIDR 0x%lx): PSCI CPU_ON failed: %s (%ld)", core,
				  b->mpidr[core], psci_err(r), r);
			continue;
		}
		started[core] = 1;
	}
	uint64_t start = arch_counter();
	for (unsigned int core = 0; core < b->ncpus; core++) {
		if (!started[core]) {
			continue;
		}
		while (!cpus_is_online(core) && arch_counter() - start < ticks) {
			arch_cpu_relax();
		}
		if (cpus_is_online(core)) {
			count++;
		} else {
			LOG_ERROR("core %u (MPIDR 0x%lx) did not come online within %u ms", core,
				  b->mpidr[core], CPU_ON_TIMEOUT_MS);
		}
	}
	return count;
}
