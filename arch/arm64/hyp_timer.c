/*
 * The EL2 physical timer (CNTHP_*_EL2), one per core: the only timer the
 * hypervisor keeps for itself, used for the deadlines of the partitions'
 * emulated watchdogs (core/vwdt.c). Its interrupt, PPI 26, is Group 0 like
 * the request SGI (gicv3.c), so it reaches EL2 through FMO in both delivery
 * modes; irq.c hands it to vwdt_timer_fired().
 */
#include "arch.h"
#include "arch/sysreg.h"

/* CNTHP_CTL_EL2 (Arm ARM D13.8.3): enable; interrupt mask; condition met. */
#define CNTHP_CTL_ENABLE        (1UL << 0)
#define CNTHP_CTL_IMASK         (1UL << 1)

void arch_hyp_timer_arm(uint64_t cval)
{
	/* Compare value first, then enable: enabling first could fire on the
	 * old value. */
	write_sysreg(cnthp_cval_el2, cval);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

void arch_hyp_timer_stop(void)
{
	/* Disabled, and masked for good measure: the timer's interrupt is
	 * level-sensitive and drops with it. */
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_IMASK);
	isb();
}
