/*
 * Every EL2 control register, written at boot on each core from named bits,
 * with the reason for each bit. Nothing is left at the value firmware or a
 * boot loader left: where the architecture gives a register an UNKNOWN reset
 * value, that value could trap, count or route something for a partition.
 *
 * A core runs one partition for life, so the partition gets what the core
 * has - SVE, SME, pointer authentication, the PMU, debug - without
 * trapping, and every vCPU entry resets that state (el1_reset.c,
 * fp_reset.S). What stays trapped (RAS error records, LORegions, trace,
 * activity monitors, statistical profiling, MPAM, MTE's tags) is hidden from
 * the partition's ID registers (id_regs.c), so nothing it is told exists is
 * UNDEFINED to it.
 *
 * Registers of an optional feature are written only where the ID registers
 * say the feature exists; otherwise they are UNDEFINED at EL2. They also
 * need firmware (EL3) to let EL2 reach them (SCR_EL3.HXEn, FGTEn, APK/API,
 * EnTP2, CPTR_EL3.EZ/ESM, MPAM3_EL3.TRAPLOWER = 0): docs/isolation.md,
 * section 3.
 */
#include "arch.h"
#include "arch/cpu_caps.h"
#include "arch/sysreg.h"
#include "config.h"

/* SMIDR_EL1.SMPS, bit 15: streaming mode priorities (SMPRI_EL1) exist. */
#define SMIDR_SMPS              BIT(15)

static struct cpu_caps caps[CONFIG_MAX_CORES];

const struct cpu_caps *arch_cpu_caps(void)
{
	return &caps[arch_core_id() % CONFIG_MAX_CORES];
}

static void probe(struct cpu_caps *c)
{
	uint64_t pfr0 = read_sysreg_s(SYS_ID_AA64PFR0_EL1);
	uint64_t pfr1 = read_sysreg_s(SYS_ID_AA64PFR1_EL1);
	uint64_t dfr0 = read_sysreg_s(SYS_ID_AA64DFR0_EL1);
	uint64_t isar1 = read_sysreg_s(SYS_ID_AA64ISAR1_EL1);
	uint64_t isar2 = read_sysreg_s(SYS_ID_AA64ISAR2_EL1);
	uint64_t mmfr0 = read_sysreg_s(SYS_ID_AA64MMFR0_EL1);
	uint64_t mmfr1 = read_sysreg_s(SYS_ID_AA64MMFR1_EL1);
	uint64_t mmfr2 = read_sysreg_s(SYS_ID_AA64MMFR2_EL1);
	uint64_t csv2 = ID_FIELD(pfr0, ID_AA64PFR0_CSV2_SHIFT);
	uint64_t pmuver = ID_FIELD(dfr0, ID_AA64DFR0_PMUVER_SHIFT);

	(void)mmfr2;
	c->sve = ID_FIELD(pfr0, ID_AA64PFR0_SVE_SHIFT) != 0;
	c->sme = ID_FIELD(pfr1, ID_AA64PFR1_SME_SHIFT) != 0;
	if (c->sme) {
		uint64_t smfr0 = read_sysreg_s(SYS_ID_AA64SMFR0_EL1);
		c->sme_fa64 = (smfr0 & ID_AA64SMFR0_FA64) != 0;
		c->sme2 = ID_FIELD(pfr1, ID_AA64PFR1_SME_SHIFT) >= 2;
	}
	c->pauth = ID_FIELD(isar1, ID_AA64ISAR1_APA_SHIFT) != 0 ||
		   ID_FIELD(isar1, ID_AA64ISAR1_API_SHIFT) != 0 ||
		   ID_FIELD(isar1, ID_AA64ISAR1_GPA_SHIFT) != 0 ||
		   ID_FIELD(isar1, ID_AA64ISAR1_GPI_SHIFT) != 0 ||
		   ID_FIELD(isar2, ID_AA64ISAR2_APA3_SHIFT) != 0 ||
		   ID_FIELD(isar2, ID_AA64ISAR2_GPA3_SHIFT) != 0;
	c->mte = ID_FIELD(pfr1, ID_AA64PFR1_MTE_SHIFT) != 0;
	c->ssbs = ID_FIELD(pfr1, ID_AA64PFR1_SSBS_SHIFT) != 0;
	c->pan = ID_FIELD(mmfr1, ID_AA64MMFR1_PAN_SHIFT) != 0;
	c->nmi = ID_FIELD(pfr1, ID_AA64PFR1_NMI_SHIFT) != 0;
	c->ras = ID_FIELD(pfr0, ID_AA64PFR0_RAS_SHIFT) != 0;
	c->lor = ID_FIELD(mmfr1, ID_AA64MMFR1_LO_SHIFT) != 0;
	c->scxtnum = csv2 >= 2 || (csv2 == 1 && ID_FIELD(pfr1, ID_AA64PFR1_CSV2FRAC_SHIFT) >= 2);
	c->pmu = pmuver >= PMUVER_V3 && pmuver != PMUVER_IMPDEF;
	c->pmu_v3p1 = c->pmu && pmuver >= PMUVER_V3P1;
	c->pmu_v3p4 = c->pmu && pmuver >= PMUVER_V3P4;
	c->pmu_v3p5 = c->pmu && pmuver >= PMUVER_V3P5;
	/* Without both HPMD and HCCD nothing stops a partition from asking an
	 * event counter or the cycle counter to count at EL2 (their NSH
	 * filter bit): its PMU accesses then trap, and EL2 clears NSH. */
	c->pmu_trapped = c->pmu && !c->pmu_v3p5;
	c->pmu_counters = c->pmu ? (uint8_t)((read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK)
				 : 0;
	c->hcx = ID_FIELD(mmfr1, ID_AA64MMFR1_HCX_SHIFT) != 0;
	c->fgt = ID_FIELD(mmfr0, ID_AA64MMFR0_FGT_SHIFT) != 0;
	c->amu = ID_FIELD(pfr0, ID_AA64PFR0_AMU_SHIFT) != 0;
	c->spe = ID_FIELD(dfr0, ID_AA64DFR0_PMSVER_SHIFT) != 0;
	c->trbe = ID_FIELD(dfr0, ID_AA64DFR0_TRACEBUF_SHIFT) != 0;
	c->trf = ID_FIELD(dfr0, ID_AA64DFR0_TRACEFILT_SHIFT) != 0;
	c->mpam_frac = ID_FIELD(pfr1, ID_AA64PFR1_MPAMFRAC_SHIFT) != 0;
	c->mpam = ID_FIELD(pfr0, ID_AA64PFR0_MPAM_SHIFT) != 0 || c->mpam_frac;
	c->mpam_hcr = c->mpam && (read_sysreg_s(SYS_MPAMIDR_EL1) & MPAMIDR_EL1_HAS_HCR) != 0;
	c->brbe = ID_FIELD(dfr0, ID_AA64DFR0_BRBE_SHIFT) != 0;
	c->mops = c->hcx && ID_FIELD(isar2, ID_AA64ISAR2_MOPS_SHIFT) != 0;
	/* BRPs and WRPs hold the number minus one. */
	c->brps = (uint8_t)(ID_FIELD(dfr0, ID_AA64DFR0_BRPS_SHIFT) + 1u);
	c->wrps = (uint8_t)(ID_FIELD(dfr0, ID_AA64DFR0_WRPS_SHIFT) + 1u);
}

static uint64_t mdcr_value(const struct cpu_caps *c)
{
	uint64_t v = 0;

	if (c->pmu) {
		/* HPMN = N: every event counter belongs to the partition; none
		 * is reserved for EL2 (HPME stays 0, the hypervisor counts
		 * nothing). */
		v |= c->pmu_counters & MDCR_EL2_HPMN_MASK;
		if (c->pmu_v3p1) {
			/* HPMD: event counters do not count at EL2. */
			v |= MDCR_EL2_HPMD;
		}
		if (c->pmu_v3p5) {
			/* HCCD: nor does the cycle counter. */
			v |= MDCR_EL2_HCCD;
		}
		if (c->pmu_trapped) {
			/* TPM: without HPMD and HCCD, PMU accesses trap and EL2
			 * clears the EL2 filter bit the partition writes
			 * (pmu_trap.c). TPMCR is then redundant. */
			v |= MDCR_EL2_TPM;
		}
	}
	if (c->spe) {
		/* TPMS, E2PB = 0b00: statistical profiling is EL2's, and it
		 * never enables it: the buffer would be written through a
		 * translation the partition controls, sampling other ELs. */
		v |= MDCR_EL2_TPMS;
	}
	if (c->trf) {
		/* TTRF: TRFCR_EL1 (trace filtering) traps; trace is not offered. */
		v |= MDCR_EL2_TTRF;
	}
	/* E2TB = 0b00: the trace buffer unit is EL2's (its EL1 registers trap).
	 * TDE, TDA, TDOSA = 0: the core's debug registers, OS lock and debug
	 * exceptions are the partition's (a core runs one partition; debug
	 * exceptions never target EL2 with TDE = 0, and every entry resets
	 * the registers). TDRA = 0: MDRAR_EL1 only gives the physical address
	 * of the debug ROM table, which stage 2 does not map. TDCC = 0: the
	 * debug communications channel is the core's own. MTPME, HPMFZO, HLP
	 * = 0: no multi-threaded PMU events, no EL2 counters. */
	return v;
}

static uint64_t cptr_value(const struct cpu_caps *c)
{
	uint64_t v = CPTR_EL2_RES1;

	/* TZ, TSM: SVE and SME are the partition's (RES1 where absent). */
	if (!c->sve) {
		v |= CPTR_EL2_TZ;
	}
	if (!c->sme) {
		v |= CPTR_EL2_TSM;
	}
	/* TTA: trace unit System registers trap (UNDEFINED): trace would show
	 * EL2's execution; ID_AA64DFR0_EL1.TraceVer reads 0 to partitions. */
	v |= CPTR_EL2_TTA;
	if (c->amu) {
		/* TAM: activity monitors trap: their counters run at every EL,
		 * EL2 included; ID_AA64PFR0_EL1.AMU reads 0. */
		v |= CPTR_EL2_TAM;
	}
	/* TFP = 0: FP/SIMD is the partition's. TCPAC = 0: so is CPACR_EL1,
	 * which is how it enables FP/SIMD, SVE and SME for itself. */
	return v;
}

void el2_controls_init(unsigned int core)
{
	struct cpu_caps *c = &caps[core % CONFIG_MAX_CORES];

	probe(c);
	write_sysreg(mdcr_el2, mdcr_value(c));
	write_sysreg(cptr_el2, cptr_value(c));
	/* No trap of AArch32 EL1/EL0 CP15 accesses by CRn: EL1 is AArch64, and
	 * what AArch32 EL0 may reach is EL1's to allow. */
	write_sysreg(hstr_el2, 0);
	/* EL1 may read the physical counter and use the EL1 physical timer
	 * (EL1PCTEN, EL1PCEN): a partition's cores are its own, so are their
	 * timers. Nothing else: no event stream from EL2 (EVNTEN = 0). */
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	/* One time base for every partition (DESIGN: CNTVOFF_EL2 = 0). */
	write_sysreg(cntvoff_el2, 0);
	/* The EL2 physical timer off until the hypervisor arms it. */
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
	if (c->sme) {
		/* Read once SME no longer traps at EL2 (TSM = 0 above). */
		c->sme_prio = (read_sysreg_s(SYS_SMIDR_EL1) & SMIDR_SMPS) != 0;
	}
	if (c->sve) {
		/* LEN = the longest vector: the partition chooses its own with
		 * ZCR_EL1, and EL2 zeroes every bit of the Z registers. */
		write_sysreg_s(SYS_ZCR_EL2, ZCR_ELX_LEN_MAX);
	}
	if (c->sme) {
		/* The same for the streaming vector length; FA64 (all of A64 in
		 * streaming mode) and ZT0 (SME2) where the core has them, since
		 * ID_AA64SMFR0_EL1 tells the partition it does. */
		write_sysreg_s(SYS_SMCR_EL2, SMCR_ELX_LEN_MAX |
			       (c->sme_fa64 ? SMCR_ELX_FA64 : 0UL) |
			       (c->sme2 ? SMCR_ELX_EZT0 : 0UL));
	}
	if (c->hcx) {
		/* HCRX_EL2: every bit 0 (their features trap or stay off, and
		 * are hidden from the ID registers: TCR2_EL1, SCTLR2_EL1, 64-byte
		 * loads and stores, GCS, FPMR, NMI injection...), except MSCEn:
		 * the memory copy and set instructions (FEAT_MOPS), which are
		 * advertised, execute at EL1 and EL0; MCE2 = 0 sends their
		 * exceptions to EL1. */
		write_sysreg_s(SYS_HCRX_EL2, c->mops ? HCRX_EL2_MSCEN : 0UL);
	}
	if (c->fgt) {
		/* Fine-grained traps: none, except the negative (n) bits of
		 * registers of hidden features, which trap when 0. SME's
		 * TPIDR2_EL0 and SMPRI_EL1 are offered, so nTPIDR2_EL0 and
		 * nSMPRI_EL1 are set where SME exists. */
		uint64_t rw = c->sme ? (HFGXTR_EL2_NTPIDR2_EL0 | HFGXTR_EL2_NSMPRI_EL1) : 0UL;
		write_sysreg_s(SYS_HFGRTR_EL2, rw);
		write_sysreg_s(SYS_HFGWTR_EL2, rw);
		write_sysreg_s(SYS_HFGITR_EL2, 0);
		write_sysreg_s(SYS_HDFGRTR_EL2, 0);
		write_sysreg_s(SYS_HDFGWTR_EL2, 0);
		if (c->amu) {
			/* CPTR_EL2.TAM traps the activity monitors anyway. */
			write_sysreg_s(SYS_HAFGRTR_EL2, 0);
		}
	}
	if (c->mpam) {
		/* MPAM: EL1's and EL0's partition IDs (MPAM1_EL1, MPAM0_EL1) and,
		 * from v1.1, MPAMIDR_EL1 trap: a partition must not pick the
		 * cache and bandwidth partition of another. EL2 and the
		 * partitions run with PARTID 0 and PMG 0. */
		write_sysreg_s(SYS_MPAM2_EL2, MPAM2_EL2_TRAPMPAM1EL1 | MPAM2_EL2_TRAPMPAM0EL1 |
			       (c->mpam_frac ? MPAM2_EL2_TIDR : 0UL));
		if (c->mpam_hcr) {
			/* No virtual PARTIDs; MPAMIDR_EL1 traps. */
			write_sysreg_s(SYS_MPAMHCR_EL2, MPAMHCR_EL2_TRAP_MPAMIDR);
		}
	}
	if (c->trf) {
		/* TRFCR_EL2 = 0: no trace at EL2 (E2TRE), none of EL0 in host
		 * mode (E0HTRE), no cycle-count or timestamp choice. */
		write_sysreg_s(SYS_TRFCR_EL2, 0);
	}
	if (c->spe) {
		/* PMSCR_EL2 = 0: no profiling samples of EL2. */
		write_sysreg_s(SYS_PMSCR_EL2, 0);
	}
	if (c->brbe) {
		/* BRBCR_EL2 = 0: no branch records of EL2. */
		write_sysreg_s(SYS_BRBCR_EL2, 0);
	}
	if (c->ras) {
		/* VSESR_EL2: the syndrome of a virtual SError; set with each
		 * injection (traps.c), 0 until then. VDISR_EL2: the partition's
		 * view of DISR_EL1 (HCR_EL2.AMO), reset at every entry too. */
		write_sysreg_s(SYS_VSESR_EL2, 0);
		write_sysreg_s(SYS_VDISR_EL2, 0);
	}
	isb();
}

uint64_t el2_hcr_guest(void)
{
	const struct cpu_caps *c = arch_cpu_caps();
	/* See vcpu_run.c (HCR_GUEST) for the bits every partition gets. TID3:
	 * the ID registers are emulated (id_regs.c), so what stays trapped is
	 * hidden. */
	uint64_t v = HCR_EL2_TID3;

	if (c->ras) {
		/* TERR: the RAS error records describe errors of the whole system,
		 * other partitions' included; they read as zero records. */
		v |= HCR_EL2_TERR;
	}
	if (c->lor) {
		/* TLOR: LORegions are not offered (ID_AA64MMFR1_EL1.LO reads 0). */
		v |= HCR_EL2_TLOR;
	}
	if (c->pauth) {
		/* API, APK: pointer authentication and its keys are the
		 * partition's; the keys are reset at every entry. */
		v |= HCR_EL2_API | HCR_EL2_APK;
	}
	if (c->scxtnum) {
		/* EnSCXT: SCXTNUM_EL1/EL0 are the partition's, reset at entry. */
		v |= HCR_EL2_ENSCXT;
	}
	/* ATA = 0: MTE's tag accesses stay off (MTE is hidden): tags would need
	 * a Tagged EL2 mapping to be cleared between runs. */
	return v;
}
