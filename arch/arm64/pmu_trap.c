/*
 * A partition's PMU accesses on a core without FEAT_PMUv3p5 (MDCR_EL2.TPM,
 * el2_setup.c). Such a core cannot stop both an event counter and the cycle
 * counter from counting at EL2 when the partition sets their NSH filter bit
 * (PMUv3 has no MDCR_EL2.HPMD, and before v3p5 there is no HCCD for the
 * cycle counter), so every access traps and is done here on the hardware,
 * with NSH cleared on the way in: the partition's counters count its own EL0
 * and EL1 only. Everything else about the PMU is the partition's: its
 * counters, their values and events, and the reset at every entry.
 *
 * Only AArch64 accesses are emulated; an AArch32 EL0 access to the PMU is
 * UNDEFINED to the partition (traps.c).
 */
#include "arch/cpu_caps.h"
#include "arch/sysreg.h"

/* A System register by op1, CRn, CRm, op2 (op0 is 3). */
#define R(op1, crn, crm, op2)   (((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

#define PMSELR_SEL_MASK         0x1fUL

static uint64_t ev_type(uint64_t v)
{
	/* NSH: count at EL2 too. Never, for a partition. */
	return v & ~PMEVTYPER_NSH;
}

/* Event counter n's value or type through PMSELR_EL0 (its own register
 * would need n in the instruction), keeping the partition's selection. */
static void indexed(unsigned int n, int type, int is_read, uint64_t *val)
{
	uint64_t sel = read_sysreg(pmselr_el0);

	write_sysreg(pmselr_el0, n);
	isb();
	if (type) {
		if (is_read) {
			*val = read_sysreg(pmxevtyper_el0);
		} else {
			write_sysreg(pmxevtyper_el0, ev_type(*val));
		}
	} else {
		if (is_read) {
			*val = read_sysreg(pmxevcntr_el0);
		} else {
			write_sysreg(pmxevcntr_el0, *val);
		}
	}
	write_sysreg(pmselr_el0, sel);
	isb();
}

/* A register the partition may read and write as it is. */
#define PASS_THROUGH(enc, reg)                                                 \
	case enc:                                                              \
		if (is_read) {                                                 \
			*val = read_sysreg(reg);                               \
		} else {                                                       \
			write_sysreg(reg, *val);                               \
		}                                                              \
		break

int arch_pmu_access(uint32_t op1, uint32_t crn, uint32_t crm, uint32_t op2, int is_read,
		    uint64_t *val)
{
	const struct cpu_caps *c = arch_cpu_caps();
	unsigned int n;

	if (!c->pmu_trapped) {
		return 0;
	}
	switch (R(op1, crn, crm, op2)) {
	PASS_THROUGH(R(3, 9, 12, 0), pmcr_el0);
	PASS_THROUGH(R(3, 9, 12, 1), pmcntenset_el0);
	PASS_THROUGH(R(3, 9, 12, 2), pmcntenclr_el0);
	PASS_THROUGH(R(3, 9, 12, 3), pmovsclr_el0);
	case R(3, 9, 12, 4):
		/* PMSWINC_EL0 is write-only. */
		if (is_read) {
			return 0;
		}
		write_sysreg(pmswinc_el0, *val);
		break;
	PASS_THROUGH(R(3, 9, 12, 5), pmselr_el0);
	case R(3, 9, 12, 6):
		if (!is_read) {
			return 0;
		}
		*val = read_sysreg(pmceid0_el0);
		break;
	case R(3, 9, 12, 7):
		if (!is_read) {
			return 0;
		}
		*val = read_sysreg(pmceid1_el0);
		break;
	PASS_THROUGH(R(3, 9, 13, 0), pmccntr_el0);
	case R(3, 9, 13, 1):
	case R(3, 9, 13, 2):
		/* PMXEVTYPER_EL0, PMXEVCNTR_EL0: the counter PMSELR_EL0 selects;
		 * 31 is the cycle counter's filter for PMXEVTYPER only. One that
		 * does not exist is UNDEFINED (the architecture leaves it
		 * CONSTRAINED UNPREDICTABLE). */
		n = (unsigned int)(read_sysreg(pmselr_el0) & PMSELR_SEL_MASK);
		if (op2 == 1u && n == PMU_CYCLE_COUNTER) {
			if (is_read) {
				*val = read_sysreg(pmccfiltr_el0);
			} else {
				write_sysreg(pmccfiltr_el0, ev_type(*val));
			}
			break;
		}
		if (n >= c->pmu_counters) {
			return 0;
		}
		indexed(n, op2 == 1u, is_read, val);
		break;
	PASS_THROUGH(R(3, 9, 14, 0), pmuserenr_el0);
	PASS_THROUGH(R(3, 9, 14, 3), pmovsset_el0);
	PASS_THROUGH(R(0, 9, 14, 1), pmintenset_el1);
	PASS_THROUGH(R(0, 9, 14, 2), pmintenclr_el1);
	case R(0, 9, 14, 6):
		/* PMMIR_EL1, read-only, from PMUv3p4. */
		if (!is_read || !c->pmu_v3p4) {
			return 0;
		}
		*val = read_sysreg(S3_0_C9_C14_6);
		break;
	default:
		/* PMEVCNTR<n>_EL0 (CRm 8-11) and PMEVTYPER<n>_EL0 (CRm 12-15),
		 * n = CRm<1:0>:op2; PMEVTYPER31 is PMCCFILTR_EL0. */
		if (op1 != 3u || crn != 14u || crm < 8u) {
			return 0;
		}
		n = ((crm & 3u) << 3) | op2;
		if (crm >= 12u && n == PMU_CYCLE_COUNTER) {
			if (is_read) {
				*val = read_sysreg(pmccfiltr_el0);
			} else {
				write_sysreg(pmccfiltr_el0, ev_type(*val));
			}
			break;
		}
		if (n >= c->pmu_counters) {
			return 0;
		}
		indexed(n, crm >= 12u, is_read, val);
		break;
	}
	return 1;
}
