/*
 * Partition lifecycle: build (checks, vCPU binding; its stage 2 at its first
 * start), start (the loading itself is partition_load.c's), stop, restart,
 * and the fault policy; what it did so far, and its share of the console,
 * are partition_report.c's. A partition's lifecycle runs only on that
 * partition's own cores, and touches no other partition's cores or memory.
 */
#include "arch.h"
#include "bh_string.h"
#include "board.h"
#include "check.h"
#include "console_mux.h"
#include "cpus.h"
#include "log.h"
#include "gic_hw.h"
#include "partition.h"
#include "partition_load.h"
#include "plat.h"

static struct partition partitions[CONFIG_MAX_PARTITIONS];
static unsigned int npartitions;

_Static_assert(CONFIG_MAX_CORES <= BH_CFG_MAX_CPUS, "config tables too small for MAX_CORES");

struct partition *partition_get(unsigned int id)
{
	return id < npartitions ? &partitions[id] : NULL;
}

unsigned int partition_count(void)
{
	return npartitions;
}

const char *partition_state_name(uint32_t state)
{
	switch (state) {
	case PART_NOT_STARTED: return "not started";
	case PART_RUNNING:     return "running";
	case PART_RESTARTING:  return "restarting";
	case PART_STOPPED:     return "stopped";
	case PART_HALTED:      return "halted";
	default:               return "unknown";
	}
}

const char *partition_policy_name(uint32_t policy)
{
	switch (policy) {
	case BH_FAULT_LOG:     return "log";
	case BH_FAULT_HALT:    return "halt";
	case BH_FAULT_RESTART: return "restart";
	default:               return "unknown";
	}
}

/* Whether partition c can run on this board as it booted. */
static int cores_available(const struct bh_partition_config *c, const struct board_info *b)
{
	for (unsigned int k = 0; k < c->ncpus; k++) {
		unsigned int core = c->cpus[k];
		if (core >= b->ncpus || !cpus_is_online(core)) {
			unsigned int online = 0;
			for (unsigned int i = 0; i < b->ncpus; i++) {
				online += cpus_is_online(i) ? 1u : 0u;
			}
			LOG_ERROR("partition \"%s\": needs core %u, which is not online (%u cores "
				  "online); the partition is not started", c->name, core, online);
			return 0;
		}
		if (bh_system.board_ncpus > core && bh_system.board_mpidr[core] != b->mpidr[core]) {
			LOG_ERROR("partition \"%s\": core %u is MPIDR 0x%lx on this board but 0x%lx in "
				  "the board description it was built for; not started", c->name, core,
				  b->mpidr[core], bh_system.board_mpidr[core]);
			return 0;
		}
	}
	return 1;
}

/* Whether [pa, pa+size) is RAM according to the board the image booted on.
 * The configuration was checked against platforms/BOARD/board.dts; this
 * catches an image started on a board (or a QEMU -m) with less memory. */
static int is_board_ram(const struct board_info *b, uint64_t pa, uint64_t size)
{
	for (unsigned int i = 0; i < b->nram; i++) {
		if (pa >= b->ram[i].base && pa - b->ram[i].base < b->ram[i].size &&
		    size <= b->ram[i].size - (pa - b->ram[i].base)) {
			return 1;
		}
	}
	return 0;
}

static void build_one(struct partition *p, const struct board_info *b)
{
	const struct bh_partition_config *c = p->cfg;

	if (c->ncpus == 0 || c->ncpus > CONFIG_MAX_CORES || c->nregions > BH_CFG_MAX_REGIONS) {
		LOG_ERROR("partition \"%s\": malformed configuration table", c->name);
		return;
	}
	if (!cores_available(c, b)) {
		return;
	}
	for (unsigned int i = 0; i < c->nregions; i++) {
		const struct bh_region *r = &c->regions[i];
		if (r->kind == BH_REGION_RAM && !is_board_ram(b, r->pa, r->size)) {
			LOG_ERROR("partition \"%s\": its RAM 0x%lx-0x%lx is not RAM on this board "
				  "(see \"memory:\" in the cores line above); the partition is not started", c->name,
				  r->pa, r->pa + r->size - 1u);
			return;
		}
	}
	for (unsigned int k = 0; k < c->ncpus; k++) {
		struct vcpu *v = &p->vcpus[k];
		/* bhcfg refuses a core in two partitions; a table that says
		 * otherwise was not made by it. */
		CHECK(vcpu_of_core(c->cpus[k]) == NULL, "core %u bound twice", c->cpus[k]);
		v->part = p;
		v->index = k;
		v->core = c->cpus[k];
		v->vmpidr = k;
		v->state = VCPU_OFF;
		vcpu_bind(v->core, v);
	}
	vuart_init(&p->vuart, c->name, c->console_ipa, c->console_intid);
	vwdt_init(&p->wdt, c->watchdog_ipa);
	uint64_t mpidr[BH_CFG_MAX_CPUS];
	for (unsigned int k = 0; k < c->ncpus; k++) {
		mpidr[k] = b->mpidr[c->cpus[k]];
	}
	/* The partition sees the GIC where the board has it (its device tree
	 * says so): the distributor, and one redistributor frame per vCPU. */
	p->gicd_ipa = plat_gicd_base();
	p->gicr_ipa = plat_gicr_base();
	vgic_init(&p->vgic, c->ncpus, c->cpus, mpidr, c->irqs,
		  c->nirqs <= BH_CFG_MAX_IRQS ? c->nirqs : BH_CFG_MAX_IRQS,
		  arch_gic_guest_private_mask());
	p->state = PART_STOPPED;
}

/* The partition's interrupts back to reset on the hardware: nothing of one
 * run (pending, active, enabled) reaches the next, and a stopped partition's
 * devices interrupt nobody. */
static void quiesce_interrupts(struct partition *p)
{
	vgic_reset_spis(&p->vgic);
	for (unsigned int k = 0; k < p->cfg->ncpus; k++) {
		vgic_reset_private(&p->vgic, k);
	}
}

void partitions_init(const struct board_info *b)
{
	CHECK(bh_system.npartitions <= CONFIG_MAX_PARTITIONS,
	      "configuration has %u partitions, the image supports %d", bh_system.npartitions,
	      CONFIG_MAX_PARTITIONS);
	npartitions = bh_system.npartitions;
	for (unsigned int core = 0; core < b->ncpus; core++) {
		vcpu_set_core_mpidr(core, b->mpidr[core]);
	}
	for (unsigned int i = 0; i < npartitions; i++) {
		struct partition *p = &partitions[i];
		p->cfg = &bh_system.partitions[i];
		p->state = PART_NOT_STARTED;
		CHECK(p->cfg->id == i, "partition table entry %u has id %u", i, p->cfg->id);
		build_one(p, b);
	}
}

/* p's stage 2, built at its first launch rather than with the others at
 * boot: the configuration's first partition (a real-time one) starts before
 * the next one's tables - hundreds of MiB of Linux - are even built. Its RAM
 * is mapped at EL2 only by the loader, which takes the EL2 tables for it at
 * this first load; a restart maps it into the same tables again, so a
 * shortage shows at boot, never at a restart. */
static int build_stage2(struct partition *p)
{
	const struct bh_partition_config *c = p->cfg;
	if (p->stage2_built) {
		return 0;
	}
	unsigned int bad = 0;
	int err = arch_stage2_build(c->id, c->regions, c->nregions, &bad);
	if (err != 0) {
		LOG_ERROR("partition \"%s\": stage-2 mapping of region %u (IPA 0x%lx) failed: %s; "
			  "the partition is not started", c->name, bad, c->regions[bad].ipa,
			  arch_pt_strerror(err));
		return -1;
	}
	p->stage2_built = 1;
	return 0;
}

/* Loads p and hands its first vCPU to its core. The caller is on core 0 at
 * boot, or on one of p's cores after it stopped the others. */
static void launch(struct partition *p)
{
	const struct bh_partition_config *c = p->cfg;
	if (build_stage2(p) != 0) {
		p->state = PART_NOT_STARTED;
		return;
	}
	p->boot_count++;
	quiesce_interrupts(p);
	console_mux_reset(p);
	if (partition_load(p) != 0) {
		p->state = PART_NOT_STARTED;
		return;
	}
	for (unsigned int k = 0; k < c->ncpus; k++) {
		__atomic_store_n(&p->vcpus[k].state, (uint32_t)VCPU_OFF, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&p->vcpus[0].state, (uint32_t)VCPU_ON_PENDING, __ATOMIC_RELEASE);
	uint32_t epoch = __atomic_add_fetch(&p->epoch, 1u, __ATOMIC_ACQ_REL);
	__atomic_store_n(&p->state, (uint32_t)PART_RUNNING, __ATOMIC_RELEASE);
	if (c->console_passthrough) {
		log_hand_over(c->name);
	}
	core_post_start(p->vcpus[0].core, c->entry_ipa, c->dtb.load_ipa, epoch);
}

/* How long the boot core waits for a partition's first vCPU to be taken
 * by its core before it loads the next partition. */
#define START_WAIT_US           1000u

/* Waits, boundedly, until p's first vCPU is running on its core, so that a
 * partition listed earlier runs before the next one is even loaded: the
 * configuration's order is the order of starting (a real-time partition
 * first, then Linux's 512 MiB zeroed and its 31 MiB Image copied). On
 * hardware the other core takes the request at once; the wait matters where
 * cores take turns on one host thread (QEMU's TCG under -icount), where the
 * yield hands the turn over instead of loading for tens of milliseconds
 * first. A core that does not answer in time only delays nothing further:
 * the next partition is loaded anyway. */
static void wait_first_vcpu_running(const struct partition *p)
{
	const struct vcpu *v = &p->vcpus[0];
	if (p->state != PART_RUNNING || v->core == arch_core_id()) {
		return;
	}
	uint64_t start = arch_counter();
	uint64_t limit = arch_counter_freq() / 1000000u * START_WAIT_US;
	while (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_ON_PENDING &&
	       arch_counter() - start < limit) {
		arch_cpu_relax();
	}
}

void partitions_start_all(void)
{
	for (unsigned int i = 0; i < npartitions; i++) {
		struct partition *p = &partitions[i];
		const struct bh_partition_config *c = p->cfg;
		if (p->state != PART_STOPPED) {
			continue;
		}
		/* A small real-time partition's RAM is often under a MiB. */
		uint64_t ram = c->regions[0].size;
		int mib = (ram & ((1UL << 20) - 1u)) == 0;
		LOG_INFO("partition \"%s\": %u core%s from core %u, %lu %s RAM at IPA 0x%lx, "
			 "entry 0x%lx, on-fault %s", c->name, c->ncpus, c->ncpus == 1 ? "" : "s",
			 c->cpus[0], mib ? ram >> 20 : ram >> 10, mib ? "MiB" : "KiB",
			 c->regions[0].ipa, c->entry_ipa, partition_policy_name(c->fault_policy));
		launch(p);
		wait_first_vcpu_running(p);
	}
}

/* Claims p's lifecycle for this core: 1 if p was running and now is ours to
 * stop or restart, 0 if another core got there first. */
static int claim(struct partition *p, uint32_t new_state)
{
	int mine = 0;
	spin_lock(&p->lock);
	if (p->state == PART_RUNNING) {
		p->state = new_state;
		mine = 1;
	}
	spin_unlock(&p->lock);
	return mine;
}

static void stop_other_cores(struct partition *p)
{
	unsigned int self = arch_core_id();
	for (unsigned int k = 0; k < p->cfg->ncpus; k++) {
		unsigned int core = p->vcpus[k].core;
		if (core == self) {
			continue;
		}
		/* A direct-mode partition that holds off Group 0 can make this
		 * happen at every restart: its line is rate-limited too. */
		if (!core_stop_and_wait(core) && partition_log_ok(p)) {
			LOG_ERROR("partition \"%s\": core %u did not stop in time", p->cfg->name, core);
		}
	}
}

/* ---- stop and restart ------------------------------------------------------ */

/* Whether any partition still runs or is on its way back (restarting). A
 * partition that never started does not count: it will not start later. */
static int any_partition_alive(void)
{
	/* Pairs with the store in claim(): two partitions stopping at once on
	 * different cores each see the other's new state, or at least one does,
	 * so the last one out always notices. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < npartitions; i++) {
		uint32_t st = __atomic_load_n(&partitions[i].state, __ATOMIC_SEQ_CST);
		if (st == PART_RUNNING || st == PART_RESTARTING) {
			return 1;
		}
	}
	return 0;
}

/* The watchdog back out of reset: a run never inherits the last one's
 * counting, and a timer still armed for it finds nothing to do. */
static void reset_watchdog(struct partition *p)
{
	spin_lock(&p->lock);
	vwdt_init(&p->wdt, p->cfg->watchdog_ipa);
	spin_unlock(&p->lock);
}

/* The rest of a stop once this core owns p's lifecycle (state new_state);
 * others_stopped: its other cores are stopped already (a restart that
 * turned into a halt). These lines are not rate-limited: a partition stops
 * once. */
static void finish_stop(struct partition *p, uint32_t new_state, const char *why,
			int others_stopped) __attribute__((noreturn));
static void finish_stop(struct partition *p, uint32_t new_state, const char *why,
			int others_stopped)
{
	__atomic_store_n(&p->state, new_state, __ATOMIC_SEQ_CST);
	if (!others_stopped) {
		stop_other_cores(p);
	}
	quiesce_interrupts(p);
	reset_watchdog(p);
	vuart_flush(&p->vuart);
	partition_flush_suppressed(p);
	LOG_INFO("partition \"%s\": %s (%s); other partitions unaffected", p->cfg->name,
		 partition_state_name(new_state), why);
	partition_report_counters(p);
	if (!any_partition_alive()) {
		if (bh_system.stay_up) {
			LOG_INFO("every partition has stopped; staying up (on-all-stopped = "
				 "\"stay-up\")");
		} else {
			LOG_INFO("every partition has stopped; powering the board off");
			plat_console_flush();
			arch_system_off();
		}
	}
	core_park();
}

void partition_stop(struct partition *p, uint32_t new_state, const char *why)
{
	if (claim(p, new_state)) {
		finish_stop(p, new_state, why, 0);
	}
	core_park();
}

/* The reload itself, once this core owns p's lifecycle as RESTARTING and
 * its other cores are stopped: after back_off_ms at EL2 on this core (one
 * of p's own), announced if p's share of the console allows. */
static void restart_now(struct partition *p, const char *why, uint32_t back_off_ms)
	__attribute__((noreturn));
static void restart_now(struct partition *p, const char *why, uint32_t back_off_ms)
{
	vuart_flush(&p->vuart);
	p->stats.restarts++;
	if (partition_log_ok(p)) {
		if (back_off_ms != 0) {
			LOG_INFO("partition \"%s\": restarting (%s), boot %u, after %u ms", p->cfg->name,
				 why, p->boot_count + 1u, back_off_ms);
		} else {
			LOG_INFO("partition \"%s\": restarting (%s), boot %u", p->cfg->name, why,
				 p->boot_count + 1u);
		}
		partition_report_counters(p);
	}
	reset_watchdog(p);
	if (back_off_ms != 0) {
		/* Its devices interrupt nobody while it waits. */
		quiesce_interrupts(p);
		uint64_t ticks = arch_counter_freq() / 1000u * back_off_ms;
		uint64_t start = arch_counter();
		while (arch_counter() - start < ticks) {
			arch_cpu_relax();
		}
	}
	launch(p);
	core_park();
}

void partition_restart(struct partition *p, const char *why)
{
	if (claim(p, PART_RESTARTING)) {
		stop_other_cores(p);
		restart_now(p, why, 0);
	}
	core_park();
}

#define STR_(x) #x
#define STR(x) STR_(x)
#define RESTART_LIMIT_WHY "restart limit: " STR(RESTART_LIMIT) " restarts within " \
	STR(RESTART_WINDOW_MS) " ms"
#define FAULT_STORM_WHY "fault storm: " STR(FAULT_STORM_FAULTS) " faults within " \
	STR(FAULT_STORM_MS) " ms"

/* Ticks from then to now, 0 if now reads earlier (another core's counter
 * read may be older than a stamp this core wrote). */
static uint64_t ticks_since(uint64_t now, uint64_t then)
{
	return (int64_t)(now - then) > 0 ? now - then : 0;
}

/* How many of the stamps (0 = empty) lie within window ticks before now. */
static uint32_t recent(const uint64_t *stamps, uint32_t n, uint64_t now, uint64_t window)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (stamps[i] != 0 && ticks_since(now, stamps[i]) < window) {
			k++;
		}
	}
	return k;
}

/* Restart as a policy (a fault under "restart", the watchdog): at most
 * RESTART_LIMIT within RESTART_WINDOW_MS, each after its back-off; the
 * next one halts instead. */
static void policy_restart(struct partition *p, const char *why) __attribute__((noreturn));
static void policy_restart(struct partition *p, const char *why)
{
	if (!claim(p, PART_RESTARTING)) {
		core_park();
	}
	stop_other_cores(p);
	uint64_t now = arch_counter();
	uint64_t window = arch_counter_freq() / 1000u * RESTART_WINDOW_MS;
	/* Only this core owns the lifecycle now: no lock needed for the stamps. */
	uint32_t k = recent(p->restart_stamps, RESTART_LIMIT, now, window);
	if (k >= RESTART_LIMIT) {
		finish_stop(p, PART_HALTED, RESTART_LIMIT_WHY, 1);
	}
	p->restart_stamps[p->restart_next % RESTART_LIMIT] = now == 0 ? 1u : now;
	p->restart_next = (p->restart_next + 1u) % RESTART_LIMIT;
	restart_now(p, why, k == 0 ? 0u : RESTART_BACKOFF_MS << (k - 1u));
}

void partition_apply_policy(struct partition *p, const char *why, int storm)
{
	switch (p->cfg->fault_policy) {
	case BH_FAULT_LOG:
		return;
	case BH_FAULT_RESTART:
		if (storm) {
			partition_stop(p, PART_HALTED, FAULT_STORM_WHY);
		}
		policy_restart(p, why);
	case BH_FAULT_HALT:
	default:
		partition_stop(p, PART_HALTED, storm ? FAULT_STORM_WHY : why);
	}
}

/* ---- faults ----------------------------------------------------------------- */

static const char *fault_name(enum fault_kind k)
{
	switch (k) {
	case FAULT_DATA_ABORT:       return "data abort";
	case FAULT_INSN_ABORT:       return "instruction abort";
	case FAULT_MMIO_NO_SYNDROME: return "emulated-device access without syndrome";
	case FAULT_MMIO_REFUSED:     return "emulated-device access refused";
	case FAULT_UNDEFINED:        return "undefined or forbidden instruction";
	case FAULT_SERROR:           return "SError";
	default:                     return "fault";
	}
}

/* Why an access fault is one, for its log line. */
static const char *fault_detail(enum fault_kind k)
{
	switch (k) {
	case FAULT_MMIO_NO_SYNDROME:
		return "a pair, writeback, exclusive or SIMD access to an emulated device";
	case FAULT_MMIO_REFUSED:
		/* Short: the line also holds a 64-bit VA and a 31-character name.
		 * Each device says what it takes (docs/isolation.md); the UART
		 * and the GIC differ. */
		return "not a register access the emulated device takes";
	default:
		return "outside its memory and devices";
	}
}

static uint32_t count_fault(struct partition *p, enum fault_kind k)
{
	uint32_t *ctr;
	switch (k) {
	case FAULT_DATA_ABORT:
	case FAULT_MMIO_NO_SYNDROME:
	case FAULT_MMIO_REFUSED:
		ctr = &p->stats.data_aborts;
		break;
	case FAULT_INSN_ABORT:
		ctr = &p->stats.insn_aborts;
		break;
	case FAULT_SERROR:
		ctr = &p->stats.serrors;
		break;
	case FAULT_UNDEFINED:
	default:
		ctr = &p->stats.undefined;
		break;
	}
	return __atomic_add_fetch(ctr, 1u, __ATOMIC_RELAXED);
}

/* Records a fault at counter value now; 1 if it completes a storm: the
 * FAULT_STORM_FAULTS-th within FAULT_STORM_MS. */
static int fault_storm(struct partition *p, uint64_t now)
{
	uint64_t window = arch_counter_freq() / 1000u * FAULT_STORM_MS;
	spin_lock(&p->lock);
	p->fault_stamps[p->fault_next % FAULT_STORM_FAULTS] = now == 0 ? 1u : now;
	p->fault_next = (p->fault_next + 1u) % FAULT_STORM_FAULTS;
	uint32_t k = recent(p->fault_stamps, FAULT_STORM_FAULTS, now, window);
	spin_unlock(&p->lock);
	return k >= FAULT_STORM_FAULTS;
}

void vcpu_handle_fault(const struct fault_info *fi)
{
	struct vcpu *v = vcpu_current();
	CHECK(v != NULL, "partition trap on core %u, which runs no partition", arch_core_id());
	struct partition *p = v->part;
	const struct bh_partition_config *c = p->cfg;
	uint32_t n = count_fault(p, fi->kind);
	int storm = fault_storm(p, arch_counter());

	if (partition_log_ok(p)) {
		if (fi->kind == FAULT_DATA_ABORT || fi->kind == FAULT_INSN_ABORT ||
		    fi->kind == FAULT_MMIO_NO_SYNDROME || fi->kind == FAULT_MMIO_REFUSED) {
			LOG_WARN("partition \"%s\" vcpu %u (core %u): %s #%u: %s IPA 0x%lx (VA 0x%lx) "
				 "at PC 0x%lx, ESR 0x%lx: %s; policy %s",
				 c->name, v->index, v->core, fault_name(fi->kind), n,
				 fi->kind == FAULT_INSN_ABORT ? "fetch from" :
				 (fi->is_write ? "write to" : "read from"),
				 fi->ipa, fi->va, fi->pc, fi->esr,
				 fault_detail(fi->kind),
				 partition_policy_name(c->fault_policy));
		} else {
			LOG_WARN("partition \"%s\" vcpu %u (core %u): %s #%u at PC 0x%lx, ESR 0x%lx; "
				 "policy %s", c->name, v->index, v->core, fault_name(fi->kind), n, fi->pc,
				 fi->esr, partition_policy_name(c->fault_policy));
		}
	}
	partition_apply_policy(p, fault_name(fi->kind), storm);
}
