/*
 * A partition's EL1 and EL0 state back to reset, on every vCPU entry (first
 * boot, PSCI CPU_ON, a power-down wake-up, restart): every System register
 * the partition can write, so nothing of a previous run - or of whatever ran
 * on the core before the hypervisor - survives in one. The general
 * registers are zeroed on the way in (guest.S), the FP/SIMD, SVE and SME
 * registers by fp_reset.S, the GIC's by vgic_lr.c.
 *
 * Registers of features that stay trapped (RAS error records, LORegions,
 * MPAM, MTE's tag registers, trace, AMU, SPE, TRBE) are not reachable by a
 * partition and so need no reset.
 */
#include "arch/cpu_caps.h"
#include "arch/sysreg.h"

/* SCTLR_EL1 RES1 bits in ARMv8.0 (11, 20, 22, 23, 28, 29): MMU, caches and
 * alignment checks off, little-endian - the state Linux's booting.rst asks
 * for; SPAN (23) = 1 leaves PSTATE.PAN alone on exception entry, and every
 * control of a later feature (pointer authentication keys, BTI, MTE, SSBS,
 * EPAN, NMI...) is off. */
#define SCTLR_EL1_RESET         0x30d00800UL

/* OSLAR_EL1.OSLK: the OS lock locked, as after a cold reset (an OS unlocks
 * it when it has set up its debug state). */
#define OSLAR_OSLK              1UL
/* PMCR_EL0.LC (64-bit cycle counter overflow) is RES1 on cores without
 * AArch32: kept as the core has it. */
#define PMCR_LC                 BIT(6)
#define MAX_BREAKPOINTS         16u

/* Breakpoint (B) or watchpoint (W) register pair i, for counts above i. */
#define BP(i) \
	case (i) + 1: \
		write_sysreg(dbgbcr##i##_el1, 0); \
		write_sysreg(dbgbvr##i##_el1, 0); \
		__attribute__((fallthrough))
#define WP(i) \
	case (i) + 1: \
		write_sysreg(dbgwcr##i##_el1, 0); \
		write_sysreg(dbgwvr##i##_el1, 0); \
		__attribute__((fallthrough))

static void reset_breakpoints(unsigned int n)
{
	switch (n > MAX_BREAKPOINTS ? MAX_BREAKPOINTS : n) {
	BP(15); BP(14); BP(13); BP(12); BP(11); BP(10); BP(9); BP(8);
	BP(7); BP(6); BP(5); BP(4); BP(3); BP(2); BP(1); BP(0);
	default:
		break;
	}
}

static void reset_watchpoints(unsigned int n)
{
	switch (n > MAX_BREAKPOINTS ? MAX_BREAKPOINTS : n) {
	WP(15); WP(14); WP(13); WP(12); WP(11); WP(10); WP(9); WP(8);
	WP(7); WP(6); WP(5); WP(4); WP(3); WP(2); WP(1); WP(0);
	default:
		break;
	}
}

static void reset_pmu(const struct cpu_caps *c)
{
	uint64_t all = BIT(PMU_CYCLE_COUNTER) | ((1UL << c->pmu_counters) - 1UL);

	/* Counting off, every counter (the cycle counter with C) back to 0
	 * (P, which at EL2 covers them all), nothing enabled, pending or
	 * open to EL0; every event type and filter 0 (no event, EL2 never). */
	write_sysreg(pmcntenclr_el0, all);
	write_sysreg(pmintenclr_el1, all);
	write_sysreg(pmovsclr_el0, all);
	write_sysreg(pmcr_el0, (read_sysreg(pmcr_el0) & PMCR_LC) | PMCR_P | PMCR_C);
	write_sysreg(pmuserenr_el0, 0);
	write_sysreg(pmccfiltr_el0, 0);
	for (unsigned int n = 0; n < c->pmu_counters; n++) {
		write_sysreg(pmselr_el0, n);
		isb();
		write_sysreg(pmxevtyper_el0, 0);
	}
	write_sysreg(pmselr_el0, 0);
}

void el1_reset(void)
{
	const struct cpu_caps *c = arch_cpu_caps();

	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(vbar_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(tcr_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(amair_el1, 0);
	/* FP/SIMD, SVE and SME trapped at EL1 until the partition enables them. */
	write_sysreg(cpacr_el1, 0);
	write_sysreg(contextidr_el1, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(afsr0_el1, 0);
	write_sysreg(afsr1_el1, 0);
	write_sysreg(par_el1, 0);
	write_sysreg(csselr_el1, 0);
	write_sysreg(cntkctl_el1, 0);
	/* A timer left running by the previous run must not fire into this
	 * one, and its compare values are the previous run's too. */
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntp_cval_el0, 0);

	/* Self-hosted debug: no breakpoint or watchpoint, no debug
	 * communications interrupt, the OS lock locked and the double lock
	 * clear. Left alone, as QEMU 7.2 does not implement them: the claim
	 * tags (DBGCLAIMSET/CLR_EL1, what debug software claimed),
	 * DBGPRCR_EL1 (a request to keep this core powered) and OSECCR_EL1
	 * (the OS lock's exception catch, for an external debugger). */
	write_sysreg(mdscr_el1, 0);
	reset_breakpoints(c->brps);
	reset_watchpoints(c->wrps);
	write_sysreg(mdccint_el1, 0);
	write_sysreg(osdlr_el1, 0);
	write_sysreg(oslar_el1, OSLAR_OSLK);

	if (c->pmu) {
		reset_pmu(c);
	}
	if (c->pauth) {
		write_sysreg_s(SYS_APIAKEYLO_EL1, 0);
		write_sysreg_s(SYS_APIAKEYHI_EL1, 0);
		write_sysreg_s(SYS_APIBKEYLO_EL1, 0);
		write_sysreg_s(SYS_APIBKEYHI_EL1, 0);
		write_sysreg_s(SYS_APDAKEYLO_EL1, 0);
		write_sysreg_s(SYS_APDAKEYHI_EL1, 0);
		write_sysreg_s(SYS_APDBKEYLO_EL1, 0);
		write_sysreg_s(SYS_APDBKEYHI_EL1, 0);
		write_sysreg_s(SYS_APGAKEYLO_EL1, 0);
		write_sysreg_s(SYS_APGAKEYHI_EL1, 0);
	}
	if (c->scxtnum) {
		write_sysreg_s(SYS_SCXTNUM_EL1, 0);
		write_sysreg_s(SYS_SCXTNUM_EL0, 0);
	}
	if (c->sve) {
		/* The longest vector the core (and ZCR_EL2) allows. */
		write_sysreg_s(SYS_ZCR_EL1, ZCR_ELX_LEN_MAX);
	}
	if (c->sme) {
		/* Likewise; FA64 and ZT0 off until the partition enables them. */
		write_sysreg_s(SYS_SMCR_EL1, SMCR_ELX_LEN_MAX);
		write_sysreg_s(SYS_TPIDR2_EL0, 0);
		if (c->sme_prio) {
			write_sysreg_s(SYS_SMPRI_EL1, 0);
		}
	}
	if (c->ras) {
		/* The partition's DISR_EL1 (HCR_EL2.AMO redirects it) and the
		 * syndrome of a virtual SError. */
		write_sysreg_s(SYS_VDISR_EL2, 0);
		write_sysreg_s(SYS_VSESR_EL2, 0);
	}
	isb();
}
