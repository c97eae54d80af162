/*
 * A partition's emulated devices as its cores reach them: the MMIO traps
 * to its PL011 (through the console, core/console_mux.c), its SP805
 * watchdog (core/vwdt.c, with the EL2 timer that fires its reset) and its
 * GIC view (core/vgic_dist.c, vgic_redist.c).
 */
#include "arch.h"
#include "console_mux.h"
#include "log.h"
#include "partition.h"
#include "spinlock.h"
#include "vcpu.h"
#include "vgic.h"
#include "vuart.h"
#include "vwdt.h"

/* ---- the watchdog ------------------------------------------------------------ */

/* Arms this core's EL2 timer for the watchdog's next reset, or stops it.
 * Every core that changes the watchdog arms its own timer: a core whose
 * timer fires early (the deadline moved on) settles and re-arms, so the
 * earliest armed timer is never later than the deadline. Caller holds
 * p->lock. */
static void arm_watchdog_timer(const struct partition *p)
{
	uint64_t when = 0;
	if (vwdt_deadline(&p->wdt, arch_counter_freq(), &when)) {
		arch_hyp_timer_arm(when);
	} else {
		arch_hyp_timer_stop();
	}
}

/* The watchdog's reset output fired: counted, said, and p's policy applies
 * (under "log" the partition goes on and the watchdog keeps counting). */
static void watchdog_expired(struct partition *p)
{
	__atomic_add_fetch(&p->stats.watchdog_expiries, 1u, __ATOMIC_RELAXED);
	if (partition_log_ok(p)) {
		LOG_WARN("partition \"%s\": watchdog expired (SP805 reset, %u so far); policy %s",
			 p->cfg->name, p->stats.watchdog_expiries, partition_policy_name(p->cfg->fault_policy));
	}
	partition_apply_policy(p, "watchdog expired", 0);
}

void vwdt_timer_fired(void)
{
	struct vcpu *v = vcpu_current();
	arch_hyp_timer_stop();
	if (v == NULL) {
		return;
	}
	struct partition *p = v->part;
	if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != PART_RUNNING) {
		/* Armed for an earlier run, or for one that is stopping. */
		return;
	}
	spin_lock(&p->lock);
	int fired = vwdt_settle(&p->wdt, arch_counter(), arch_counter_freq());
	arm_watchdog_timer(p);
	spin_unlock(&p->lock);
	if (fired) {
		watchdog_expired(p);
	}
}

/* ---- emulated devices ------------------------------------------------------- */

static int in_frame(uint64_t ipa, uint64_t base, uint64_t size)
{
	return ipa >= base && ipa - base < size;
}

static uint64_t gicr_size(const struct partition *p)
{
	return (uint64_t)p->cfg->ncpus * VGIC_GICR_FRAME_SIZE;
}

int vcpu_mmio_is_emulated(uint64_t ipa)
{
	struct vcpu *v = vcpu_current();
	if (v == NULL) {
		return 0;
	}
	struct partition *p = v->part;
	return vuart_covers(&p->vuart, ipa) || vwdt_covers(&p->wdt, ipa) ||
	       in_frame(ipa, p->gicd_ipa, VGIC_GICD_SIZE) || in_frame(ipa, p->gicr_ipa, gicr_size(p));
}

/* A watchdog register access: under p->lock like the UART, since its
 * cores share it; the reset it finds fired is answered after the lock is
 * dropped (the policy takes it again). */
static enum mmio_result watchdog_mmio(struct partition *p, uint64_t ipa, int is_write,
				      unsigned int size, uint64_t *value)
{
	int fired = 0;
	spin_lock(&p->lock);
	int taken = vwdt_access(&p->wdt, ipa - p->wdt.base_ipa, is_write, size, value,
				arch_counter(), arch_counter_freq(), &fired);
	if (taken) {
		arm_watchdog_timer(p);
	}
	spin_unlock(&p->lock);
	if (fired) {
		watchdog_expired(p);
	}
	if (!taken) {
		return MMIO_REFUSED;
	}
	__atomic_add_fetch(&p->stats.mmio_emulated, 1u, __ATOMIC_RELAXED);
	return MMIO_DONE;
}

enum mmio_result vcpu_handle_mmio(uint64_t ipa, int is_write, unsigned int size, uint64_t *value)
{
	struct vcpu *v = vcpu_current();
	if (v == NULL) {
		return MMIO_UNMAPPED;
	}
	struct partition *p = v->part;
	if (vuart_covers(&p->vuart, ipa)) {
		/* The UART belongs to the partition, not a core: its cores share
		 * one line buffer, so they take turns. */
		spin_lock(&p->lock);
		int taken = console_mux_uart_access(p, ipa - p->vuart.base_ipa, is_write, size, value);
		spin_unlock(&p->lock);
		if (!taken) {
			/* Counted as a data abort by the fault path, not here. */
			return MMIO_REFUSED;
		}
		__atomic_add_fetch(&p->stats.mmio_emulated, 1u, __ATOMIC_RELAXED);
		return MMIO_DONE;
	}
	if (vwdt_covers(&p->wdt, ipa)) {
		return watchdog_mmio(p, ipa, is_write, size, value);
	}
	enum vgic_result r;
	if (in_frame(ipa, p->gicd_ipa, VGIC_GICD_SIZE)) {
		r = vgic_dist_access(&p->vgic, (uint32_t)(ipa - p->gicd_ipa), is_write, size, value);
	} else if (in_frame(ipa, p->gicr_ipa, gicr_size(p))) {
		r = vgic_redist_access(&p->vgic, ipa - p->gicr_ipa, is_write, size, value);
	} else {
		return MMIO_UNMAPPED;
	}
	if (r != VGIC_OK) {
		return MMIO_REFUSED;
	}
	__atomic_add_fetch(&p->stats.mmio_emulated, 1u, __ATOMIC_RELAXED);
	return MMIO_DONE;
}
