/*
 * Speculation workarounds, per core: what a partition is told about the
 * SMCCC ARCH_WORKAROUND_1/2/3 calls, and how EL2 hardens its own vectors
 * against the partition's branch history (core/smccc.c decides from the
 * facts gathered here; docs/isolation.md section 4). Every core asks for
 * itself: big.LITTLE cores differ, and firmware's ARCH_FEATURES answer is
 * for the PE that asks.
 */
#include "arch/sysreg.h"
#include "fmt.h"
#include "log.h"
#include "psci.h"
#include "smccc.h"

/* The VBAR_EL2 tables (exception.S). */
extern char el2_vectors[];
extern char el2_vectors_bhb_loop[];
extern char el2_vectors_bhb_clrbhb[];
extern char el2_vectors_fw_wa3[];
extern char el2_vectors_fw_wa1[];
extern char el2_vectors_fw_wa1_bhb_loop[];
extern char el2_vectors_fw_wa1_bhb_clrbhb[];

/* The loop's iteration count for each core, read by the loop tables'
 * lower-EL entries (exception.S, bhb_loop) with the core index in
 * TPIDR_EL2. Written by each core for itself before it selects the table. */
uint8_t el2_bhb_loop_k[CONFIG_MAX_CORES];

/* Core 0's answers, which secondaries' lines are compared with: a core
 * answered the same is not logged again. */
static int64_t boot_answers[SMCCC_NR_WORKAROUNDS];

static void gather(struct smccc_cpu_facts *f)
{
	static const uint32_t fids[SMCCC_NR_WORKAROUNDS] = {
		SMCCC_ARCH_WORKAROUND_1, SMCCC_ARCH_WORKAROUND_2, SMCCC_ARCH_WORKAROUND_3,
	};
	f->fw_version = SMCCC_RET_NOT_SUPPORTED;
	for (unsigned int n = 0; n < SMCCC_NR_WORKAROUNDS; n++) {
		f->fw_wa[n] = SMCCC_RET_NOT_SUPPORTED;
	}
	f->midr = read_sysreg(midr_el1);
	f->pfr0 = read_sysreg_s(SYS_ID_AA64PFR0_EL1);
	f->pfr1 = read_sysreg_s(SYS_ID_AA64PFR1_EL1);
	f->mmfr1 = read_sysreg_s(SYS_ID_AA64MMFR1_EL1);
	f->isar2 = read_sysreg_s(SYS_ID_AA64ISAR2_EL1);
	/* SMCCC_VERSION is asked only when firmware's PSCI (1.0 or later) says
	 * it exists, as Linux does: SMCCC 1.0 firmware (QEMU's own PSCI among
	 * them) need not answer an unknown id, and an SMC it does not take
	 * would be UNDEFINED at EL2. */
	int64_t psci = arch_smc_call(PSCI_VERSION, 0, 0, 0);
	if (psci >= 0x10000 &&
	    arch_smc_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0) == SMCCC_RET_SUCCESS) {
		f->fw_version = arch_smc_call(SMCCC_VERSION, 0, 0, 0);
	}
	if (f->fw_version >= SMCCC_VERSION_1_1) {
		for (unsigned int n = 0; n < SMCCC_NR_WORKAROUNDS; n++) {
			f->fw_wa[n] = arch_smc_call(SMCCC_ARCH_FEATURES, fids[n], 0, 0);
		}
	}
}

static void log_answers(unsigned int core, const struct smccc_cpu_facts *f)
{
	const char *said[SMCCC_NR_WORKAROUNDS];
	int64_t a[SMCCC_NR_WORKAROUNDS];
	int same = core != 0u;
	for (unsigned int n = 0; n < SMCCC_NR_WORKAROUNDS; n++) {
		int fwd;
		a[n] = smccc_workaround_answer(n, f, &fwd);
		said[n] = fwd ? "firmware's" :
			  a[n] == SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED ? "not needed" :
			  a[n] == SMCCC_RET_SUCCESS ? "done at EL2 entry" : "vulnerable";
		if (core == 0u) {
			boot_answers[n] = a[n];
		} else if (a[n] != boot_answers[n]) {
			same = 0;
		}
	}
	if (same) {
		return;
	}
	/* Core 0's line keeps its old form; another core's says which. */
	char who[16] = "";
	if (core != 0u) {
		(void)bh_snprintf(who, sizeof(who), "core %u: ", core);
	}
	if (f->fw_version >= SMCCC_VERSION_1_1) {
		LOG_INFO("%sspeculation workarounds: WA_1 %s, WA_2 %s, WA_3 %s (MIDR 0x%lx; "
			 "firmware SMCCC 0x%lx answers %ld/%ld/%ld)", who, said[0], said[1], said[2],
			 f->midr, (uint64_t)f->fw_version, f->fw_wa[0], f->fw_wa[1], f->fw_wa[2]);
	} else {
		LOG_INFO("%sspeculation workarounds: WA_1 %s, WA_2 %s, WA_3 %s (MIDR 0x%lx; "
			 "firmware without SMCCC 1.1)", who, said[0], said[1], said[2], f->midr);
	}
}

/* Points this core's VBAR_EL2 at the table its hardening needs and says so.
 * Unaffected cores keep el2_vectors: no instruction is added to their
 * entries (nor to the IRQ fast path behind them). */
/* Per core, what its EL2 vectors run (select_vectors). */
static char vectors_desc[CONFIG_MAX_CORES][128];

static void select_vectors(unsigned int core, const struct smccc_cpu_facts *f)
{
	struct smccc_el2_hardening h;
	smccc_el2_hardening(f, &h);
	char *table;
	const char *why;                /* when the entries do nothing for BHB */
	switch (h.bhb) {
	case SMCCC_EL2_BHB_LOOP:
		el2_bhb_loop_k[core] = (uint8_t)h.loop_k;
		table = h.fw_wa1 ? el2_vectors_fw_wa1_bhb_loop : el2_vectors_bhb_loop;
		why = NULL;
		break;
	case SMCCC_EL2_BHB_CLRBHB:
		table = h.fw_wa1 ? el2_vectors_fw_wa1_bhb_clrbhb : el2_vectors_bhb_clrbhb;
		why = NULL;
		break;
	case SMCCC_EL2_BHB_FW_WA3:
		table = el2_vectors_fw_wa3;
		why = NULL;
		break;
	case SMCCC_EL2_BHB_ECBHB:
		why = "BHB handled by the hardware (ECBHB)";
		table = h.fw_wa1 ? el2_vectors_fw_wa1 : el2_vectors;
		break;
	case SMCCC_EL2_BHB_UNAFFECTED:
		why = "BHB: not affected";
		table = h.fw_wa1 ? el2_vectors_fw_wa1 : el2_vectors;
		break;
	case SMCCC_EL2_BHB_NONE:
	default:
		why = "BHB: no mitigation known, vulnerable if affected";
		table = h.fw_wa1 ? el2_vectors_fw_wa1 : el2_vectors;
		break;
	}
	/* The count is read by the new table's entries: this core's own store,
	 * so program order makes it visible to them; the ISB makes the new
	 * base take effect at once. */
	write_sysreg(vbar_el2, (uint64_t)(uintptr_t)table);
	isb();

	/* "BHB loop x8 (Cortex-A72)": what each entry from a lower EL runs,
	 * then the core and, if nothing runs for BHB, why; said in the core's
	 * line at boot (arch_el2_vectors_desc). */
	char what[96];
	int len = 0;
	if (h.fw_wa1) {
		len = bh_snprintf(what, sizeof(what), "firmware's ARCH_WORKAROUND_1%s",
				  why != NULL ? "" : ", then ");
	}
	switch (h.bhb) {
	case SMCCC_EL2_BHB_LOOP:
		(void)bh_snprintf(what + len, sizeof(what) - (size_t)len, "BHB loop x%u", h.loop_k);
		break;
	case SMCCC_EL2_BHB_CLRBHB:
		(void)bh_snprintf(what + len, sizeof(what) - (size_t)len, "CLRBHB");
		break;
	case SMCCC_EL2_BHB_FW_WA3:
		(void)bh_snprintf(what + len, sizeof(what) - (size_t)len,
				  "firmware's ARCH_WORKAROUND_3");
		break;
	default:
		if (!h.fw_wa1) {
			(void)bh_snprintf(what, sizeof(what), "no hardening");
		}
		break;
	}
	const char *name = h.core_name != NULL ? h.core_name : "not on Arm's lists";
	if (why != NULL) {
		(void)bh_snprintf(vectors_desc[core], sizeof(vectors_desc[core]), "%s (%s; %s)", what,
				  name, why);
	} else {
		(void)bh_snprintf(vectors_desc[core], sizeof(vectors_desc[core]), "%s (%s)", what,
				  name);
	}
}

const char *arch_el2_vectors_desc(unsigned int core)
{
	if (core >= CONFIG_MAX_CORES || vectors_desc[core][0] == '\0') {
		return "not chosen yet";
	}
	return vectors_desc[core];
}

static void core_init(unsigned int core)
{
	if (core >= CONFIG_MAX_CORES) {
		return;
	}
	struct smccc_cpu_facts f;
	gather(&f);
	smccc_workarounds_init_core(core, &f);
	log_answers(core, &f);
	select_vectors(core, &f);
}

void arch_smccc_workarounds_probe(void)
{
	core_init(0u);
}

void arch_spectre_core_init(unsigned int core)
{
	core_init(core);
}
