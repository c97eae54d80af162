/*
 * Per-core state: which vCPU a core runs, and the mailbox through which other
 * cores ask it to start or stop that vCPU.
 *
 * A request is a word in the target's mailbox plus a wake-up: SEV for a core
 * waiting at EL2 in WFE, and the request SGI for a core running its partition
 * (IMO routes it to EL2 whatever the partition masks). The poster waits for
 * the answer with a bounded loop, so a core that never answers is reported,
 * not waited on forever.
 */
#include "arch.h"
#include "check.h"
#include "log.h"
#include "partition.h"
#include "vcpu.h"

#define STOP_TIMEOUT_MS         500u

struct mailbox {
	uint32_t request;        /* enum core_request */
	uint32_t parked;         /* set by the core once it waits at EL2 */
	uint64_t entry;
	uint64_t arg;
};

static struct vcpu *core_vcpu[CONFIG_MAX_CORES];
static struct mailbox mailbox[CONFIG_MAX_CORES];
static uint64_t core_mpidr[CONFIG_MAX_CORES];

void vcpu_bind(unsigned int core, struct vcpu *v)
{
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	core_vcpu[core] = v;
}

void vcpu_set_core_mpidr(unsigned int core, uint64_t mpidr)
{
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	core_mpidr[core] = mpidr;
}

struct vcpu *vcpu_of_core(unsigned int core)
{
	return core < CONFIG_MAX_CORES ? core_vcpu[core] : NULL;
}

struct vcpu *vcpu_current(void)
{
	return vcpu_of_core(arch_core_id());
}

void core_post_start(unsigned int core, uint64_t entry, uint64_t arg)
{
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	struct mailbox *m = &mailbox[core];
	m->entry = entry;
	m->arg = arg;
	__atomic_store_n(&m->request, (uint32_t)REQ_START, __ATOMIC_RELEASE);
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
}

int core_stop_and_wait(unsigned int core)
{
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	struct mailbox *m = &mailbox[core];

	if (__atomic_load_n(&m->parked, __ATOMIC_ACQUIRE)) {
		/* Already waiting at EL2; drop a start it has not taken yet. */
		__atomic_store_n(&m->request, (uint32_t)REQ_NONE, __ATOMIC_RELEASE);
		if (__atomic_load_n(&m->parked, __ATOMIC_ACQUIRE)) {
			return 1;
		}
	}
	__atomic_store_n(&m->request, (uint32_t)REQ_STOP, __ATOMIC_RELEASE);
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
	arch_send_request(core_mpidr[core]);

	uint64_t ticks = arch_counter_freq() / 1000u * STOP_TIMEOUT_MS;
	uint64_t start = arch_counter();
	while (arch_counter() - start < ticks) {
		if (__atomic_load_n(&m->parked, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&m->request, __ATOMIC_ACQUIRE) != REQ_STOP) {
			return 1;
		}
		__asm__ volatile("yield");
	}
	return 0;
}

void core_idle(void)
{
	unsigned int core = arch_core_id();
	struct mailbox *m = &mailbox[core];

	__atomic_store_n(&m->parked, 1u, __ATOMIC_RELEASE);
	for (;;) {
		/* Requests that arrived as SGIs while this core was in EL2 are
		 * answered through the mailbox; the SGIs themselves are spent. */
		(void)arch_irq_drain();
		uint32_t req = __atomic_load_n(&m->request, __ATOMIC_ACQUIRE);
		if (req == REQ_STOP) {
			__atomic_store_n(&m->request, (uint32_t)REQ_NONE, __ATOMIC_RELEASE);
			continue;
		}
		/* Read each time: secondaries start idling before core 0 has
		 * bound the partitions' vCPUs to them. */
		struct vcpu *v = vcpu_of_core(core);
		if (req == REQ_START && v != NULL) {
			uint64_t entry = m->entry;
			uint64_t arg = m->arg;
			__atomic_store_n(&m->request, (uint32_t)REQ_NONE, __ATOMIC_RELEASE);
			vcpu_enter(v, entry, arg);
		}
		__asm__ volatile("wfe" ::: "memory");
	}
}

static void park_here(void) __attribute__((noreturn));
static void park_here(void)
{
	core_idle();
}

void core_park(void)
{
	struct vcpu *v = vcpu_current();
	if (v != NULL) {
		__atomic_store_n(&v->state, (uint32_t)VCPU_OFF, __ATOMIC_RELEASE);
	}
	arch_park(park_here);
}

void vcpu_enter(struct vcpu *v, uint64_t entry, uint64_t arg)
{
	/* A vCPU runs on the one core it was bound to, for life. */
	DCHECK(v->core == arch_core_id(), "vCPU %u of \"%s\" bound to core %u entered on core %u",
	       v->index, v->part->cfg->name, v->core, arch_core_id());
	struct mailbox *m = &mailbox[v->core];
	__atomic_store_n(&v->state, (uint32_t)VCPU_ON, __ATOMIC_RELEASE);
	__atomic_store_n(&m->parked, 0u, __ATOMIC_RELEASE);
	arch_vcpu_run(v->part->cfg->id, v->vmpidr, entry, arg);
}

void vcpu_handle_irq(void)
{
	unsigned int core = arch_core_id();
	struct mailbox *m = &mailbox[core];

	(void)arch_irq_drain();
	if (__atomic_load_n(&m->request, __ATOMIC_ACQUIRE) == REQ_STOP) {
		__atomic_store_n(&m->request, (uint32_t)REQ_NONE, __ATOMIC_RELEASE);
		core_park();
	}
	/* Anything else (a stale request SGI, an interrupt no partition owns
	 * yet): spent, and the partition resumes. */
}
