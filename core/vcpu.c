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
#include "mailbox.h"
#include "partition.h"
#include "vcpu.h"

#define STOP_TIMEOUT_MS         2000u
#define STRAY_REPORTS           4u

/* What only the core itself writes. */
struct core_local {
	uint64_t warm_entry;     /* core_warm_boot() */
	uint64_t warm_arg;
	uint32_t stray_reports;  /* lines said about interrupts ended at EL2 */
};

static struct vcpu *core_vcpu[CONFIG_MAX_CORES];
static struct mailbox mailbox[CONFIG_MAX_CORES];
static struct core_local local[CONFIG_MAX_CORES];
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

uint64_t vcpu_core_mpidr(unsigned int core)
{
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	return core_mpidr[core];
}

struct vcpu *vcpu_of_core(unsigned int core)
{
	return core < CONFIG_MAX_CORES ? core_vcpu[core] : NULL;
}

struct vcpu *vcpu_current(void)
{
	return vcpu_of_core(arch_core_id());
}

void core_post_start(unsigned int core, uint64_t entry, uint64_t arg, uint32_t epoch)
{
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	const struct mailbox_start s = { entry, arg, epoch };
	/* Never overwrites a STOP: the stopper is waiting for it to be seen. */
	(void)mailbox_post_start(&mailbox[core], &s);
	/* The target waits in WFI (core_idle): the request SGI wakes it. */
	arch_send_event();
	arch_send_request(core_mpidr[core]);
}

int core_stop_and_wait(unsigned int core)
{
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	struct mailbox *m = &mailbox[core];

	/* STOP replaces a START the core has not taken yet. Done only when the
	 * core itself has cleared the STOP while parked: a core that took a
	 * START a moment ago enters its partition, takes the SGI and parks, so
	 * "parked" alone, read before that, would be stale. */
	mailbox_post_stop(m);
	arch_send_event();
	arch_send_request(core_mpidr[core]);

	uint64_t ticks = arch_counter_freq() / 1000u * STOP_TIMEOUT_MS;
	uint64_t start = arch_counter();
	while (arch_counter() - start < ticks) {
		if (__atomic_load_n(&m->parked, __ATOMIC_ACQUIRE) &&
		    mailbox_peek(m) != MAILBOX_STOP) {
			return 1;
		}
		arch_cpu_relax();
	}
	return 0;
}

void core_idle(void)
{
	unsigned int core = arch_core_id();
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	struct mailbox *m = &mailbox[core];
	struct core_local *l = &local[core];

	__atomic_store_n(&m->parked, 1u, __ATOMIC_RELEASE);
	for (;;) {
		/* Requests that arrived as SGIs while this core was in EL2 are
		 * answered through the mailbox; the SGIs themselves are spent. */
		unsigned int others = 0;
		(void)arch_irq_drain(&others);
		if (others != 0 && l->stray_reports < STRAY_REPORTS) {
			/* An interrupt that reached a core while it waited at EL2:
			 * during boot, or on its way to a partition that has
			 * stopped. Ended here, never delivered; said a few times. */
			l->stray_reports++;
			LOG_WARN("core %u: ended %u interrupt%s that arrived while it waited at EL2",
				 core, others, others == 1 ? "" : "s");
		}
		if (mailbox_take_stop(m)) {
			continue;
		}
		/* Read each time: secondaries start idling before core 0 has
		 * bound the partitions' vCPUs to them. */
		struct vcpu *v = vcpu_of_core(core);
		struct mailbox_start s;
		if (mailbox_take_start(m, &s)) {
			/* The partition's state first, then the run: a START from
			 * an earlier run (posted just before a restart) is dropped,
			 * launch() bumped the epoch. */
			if (v != NULL &&
			    __atomic_load_n(&v->part->state, __ATOMIC_ACQUIRE) == PART_RUNNING &&
			    s.epoch == __atomic_load_n(&v->part->epoch, __ATOMIC_ACQUIRE)) {
				vcpu_enter(v, s.entry, s.arg);
			}
			continue;
		}
		/* WFI, not WFE: a core with nothing to run sleeps until an
		 * interrupt (every request comes with the request SGI), so on
		 * QEMU it takes no turns from the cores that do run (icount
		 * runs vCPUs in turn; a WFE loop spins). */
		arch_wait_interrupt();
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

static void warm_boot_here(void) __attribute__((noreturn));
static void warm_boot_here(void)
{
	unsigned int core = arch_core_id();
	struct mailbox *m = &mailbox[core];
	struct vcpu *v = vcpu_of_core(core);

	/* A stop posted while this core was at EL2 is obeyed here rather than
	 * one entry later (its SGI would park the core at once anyway). */
	if (v == NULL || mailbox_peek(m) == MAILBOX_STOP) {
		core_park();
	}
	vcpu_enter(v, local[core].warm_entry, local[core].warm_arg);
}

void core_warm_boot(uint64_t entry, uint64_t arg)
{
	unsigned int core = arch_core_id();
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	/* Kept apart from the START fields, which other cores write. */
	local[core].warm_entry = entry;
	local[core].warm_arg = arg;
	/* A fresh stack: the trap frame is not returned to. */
	arch_park(warm_boot_here);
}

void vcpu_enter(struct vcpu *v, uint64_t entry, uint64_t arg)
{
	CHECK(v->core < CONFIG_MAX_CORES, "core %u", v->core);
	/* A vCPU runs on the one core it was bound to, for life. */
	DCHECK(v->core == arch_core_id(), "vCPU %u of \"%s\" bound to core %u entered on core %u",
	       v->index, v->part->cfg->name, v->core, arch_core_id());
	struct mailbox *m = &mailbox[v->core];
	__atomic_store_n(&m->parked, 0u, __ATOMIC_RELEASE);
	/* arch_vcpu_reset empties the list registers: the queue behind them too. */
	vgic_queue_init(&v->irq_queue);
	arch_vcpu_reset(v->part->cfg->id, v->vmpidr, v->part->cfg->irq_delivery == BH_IRQ_DIRECT);
	/* On only now, with nothing left at EL2 before the partition runs: the
	 * boot core waits for this before it loads the next partition
	 * (partitions_start_all), so a partition listed first is running, not
	 * still being set up, while the next one's memory is zeroed. */
	__atomic_store_n(&v->state, (uint32_t)VCPU_ON, __ATOMIC_RELEASE);
	arch_vcpu_enter(entry, arg);
}

void vcpu_handle_sgi(uint64_t value, int is_sgi1r)
{
	struct vcpu *v = vcpu_current();
	CHECK(v != NULL, "SGI trap on core %u, which runs no partition", arch_core_id());
	int refused = 1;

	/* Group 0 SGIs (SGI0R) and the other Security state's (ASGI1R) do not
	 * exist in a partition's Non-secure view: ignored, counted. */
	if (is_sgi1r) {
		(void)vgic_send_sgi(&v->part->vgic, v->index, value, &refused);
	}
	if (refused) {
		v->sgis_refused++;
	}
}

void vcpu_handle_request(void)
{
	unsigned int core = arch_core_id();
	CHECK(core < CONFIG_MAX_CORES, "core %u", core);
	struct mailbox *m = &mailbox[core];

	if (mailbox_take_stop(m)) {
		core_park();
	}
	/* Anything else (a stale request SGI): spent, and the partition
	 * resumes. */
}
