/*
 * What a partition did, said on the console: its counters (at each stop and
 * restart, and when it asks) and the vendor hypercall's counter groups; and
 * its share of the console, the rate limit every line it causes goes
 * through (log.h, struct log_limit). For the lifecycle in partition.c and
 * the trap handlers.
 */
#include "arch.h"
#include "log.h"
#include "partition.h"

static void say_suppressed(const struct partition *p, uint32_t n)
{
	LOG_WARN("partition \"%s\": %u line%s it caused suppressed (at most %u at once, then %u "
		 "a second)", p->cfg->name, n, n == 1 ? "" : "s", LOG_LIMIT_BURST, LOG_LIMIT_PER_S);
}

int partition_log_ok(struct partition *p)
{
	uint32_t summary = 0;
	int ok = log_limit_take(&p->log_limit, arch_counter(), arch_counter_freq(), &summary);
	if (summary != 0) {
		say_suppressed(p, summary);
	}
	return ok;
}

void partition_flush_suppressed(struct partition *p)
{
	uint32_t n = log_limit_flush(&p->log_limit, arch_counter());
	if (n != 0) {
		say_suppressed(p, n);
	}
}

void partition_report_counters(const struct partition *p)
{
	const struct partition_stats *st = &p->stats;
	LOG_INFO("partition \"%s\": so far %u data aborts, %u instruction aborts, %u undefined, "
		 "%u SErrors, %u unknown SMC/HVC calls, %u PSCI calls, %u emulated MMIO accesses, "
		 "%u restarts", p->cfg->name, st->data_aborts, st->insn_aborts, st->undefined,
		 st->serrors, st->unknown_calls, st->psci_calls, st->mmio_emulated, st->restarts);
	if (st->watchdog_expiries != 0 || p->log_limit.suppressed_total != 0) {
		LOG_INFO("partition \"%s\": so far %u watchdog expiries, %u lines suppressed",
			 p->cfg->name, st->watchdog_expiries, p->log_limit.suppressed_total);
	}
	/* Per vCPU: interrupts handed to it through EL2, and every entry to
	 * EL2 its core made since boot, by kind (direct delivery shows its
	 * interrupts never came through here). */
	for (unsigned int k = 0; k < p->cfg->ncpus; k++) {
		const struct vcpu *v = &p->vcpus[k];
		struct arch_trap_counts tc;
		arch_trap_counts(v->core, &tc);
		if (tc.sync + tc.irq + tc.fiq + tc.serror + v->irqs_injected == 0) {
			continue;
		}
		LOG_INFO("partition \"%s\" vcpu %u (core %u): %u interrupts injected, %u stray, "
			 "%u SGIs refused; EL2 entries since boot: %u traps, %u IRQs, %u FIQs, "
			 "%u SErrors", p->cfg->name, k, v->core, v->irqs_injected, v->irqs_stray,
			 v->sgis_refused, tc.sync, tc.irq, tc.fiq, tc.serror);
	}
}

void partition_print_counters(struct partition *p)
{
	/* One token for the whole report: it is one answer to one request. */
	if (partition_log_ok(p)) {
		partition_report_counters(p);
	}
}

int partition_counter_group(const struct partition *p, uint32_t g, uint64_t out[3])
{
	const struct partition_stats *st = &p->stats;
	uint64_t injected = 0;
	uint64_t stray = 0;
	uint64_t sgis = 0;
	struct arch_trap_counts sum = { 0, 0, 0, 0 };

	for (unsigned int k = 0; k < p->cfg->ncpus && k < CONFIG_MAX_CORES; k++) {
		const struct vcpu *v = &p->vcpus[k];
		struct arch_trap_counts tc;
		arch_trap_counts(v->core, &tc);
		injected += v->irqs_injected;
		stray += v->irqs_stray;
		sgis += v->sgis_refused;
		sum.sync += tc.sync;
		sum.irq += tc.irq;
		sum.fiq += tc.fiq;
		sum.serror += tc.serror;
	}
	switch (g) {
	case 0:
		out[0] = st->data_aborts;
		out[1] = st->insn_aborts;
		out[2] = st->undefined;
		return 0;
	case 1:
		out[0] = st->serrors;
		out[1] = st->unknown_calls;
		out[2] = st->psci_calls;
		return 0;
	case 2:
		out[0] = st->mmio_emulated;
		out[1] = st->restarts;
		out[2] = st->watchdog_expiries;
		return 0;
	case 3:
		out[0] = injected;
		out[1] = stray;
		out[2] = sgis;
		return 0;
	case 4:
		out[0] = sum.sync;
		out[1] = sum.irq;
		out[2] = sum.fiq;
		return 0;
	case 5:
		out[0] = sum.serror;
		out[1] = p->log_limit.suppressed_total;
		out[2] = p->boot_count;
		return 0;
	default:
		out[0] = 0;
		out[1] = 0;
		out[2] = 0;
		return -1;
	}
}
