/*
 * The hardening actions (README "Hardening actions"): each prints what it
 * found in lines a test can compare between a native run and a partition.
 *
 *   features  the ID registers, and for every feature they advertise, one of
 *             its instructions, run under a handler that catches anything
 *   pstate    PSTATE as an exception entry leaves it, and as it is saved
 *   pmu-el2   what the PMU counts over 100 PSCI calls when asked to count
 *             EL2 as well (event and cycle counters with NSH set)
 *   ram-scan  the 4 KiB pages of our RAM outside the image, DTB and initrd
 *             that are not zero
 *   canary    checks the registers we arrived with and our RAM; on the
 *             first boot (boot count 1) then fills registers and RAM with
 *             canaries and asks for SYSTEM_RESET, so the next run's check
 *             shows whether any survived
 *
 * canary and ram-scan are in canary.c.
 */
#include "bm.h"
#include "harden.h"
#include "harden_internal.h"
#include "machine.h"
#include "sysreg.h"

#define PSCI_VERSION            0x84000000UL

/* ID register fields (Arm ARM D19.2): 4-bit fields at these shifts. */
#define FLD(v, shift)           (((v) >> (shift)) & 0xfUL)
#define PFR0_FP                 16
#define PFR0_ADVSIMD            20
#define PFR0_RAS                28
#define PFR0_SVE                32
#define PFR0_MPAM               40
#define PFR0_AMU                44
#define PFR0_DIT                48
#define PFR0_CSV2               56
#define PFR1_BT                 0
#define PFR1_SSBS               4
#define PFR1_MTE                8
#define PFR1_MPAM_FRAC          16
#define PFR1_SME                24
#define PFR1_CSV2_FRAC          32
#define DFR0_TRACEVER           4
#define DFR0_PMUVER             8
#define DFR0_BRPS               12
#define DFR0_WRPS               20
#define DFR0_PMSVER             32
#define DFR0_TRACEFILT          40
#define DFR0_TRACEBUFFER        44
#define ISAR0_CRC32             16
#define ISAR0_RNDR              60
#define ISAR1_APA               4
#define ISAR1_API               8
#define ISAR1_GPA               24
#define ISAR1_GPI               28
#define ISAR2_GPA3              8
#define ISAR2_APA3              12
#define MMFR0_ECV               60
#define MMFR1_LO                16
#define MMFR1_PAN               20
#define MMFR2_UAO               4
#define NOT_IMPLEMENTED         0xfUL       /* FP, AdvSIMD: signed fields */
#define PMUVER_IMPDEF           0xfUL

/* PSTATE (SPSR) fields. */
#define PSTATE_SSBS             BM_BIT(12)
#define PSTATE_PAN              BM_BIT(22)
#define PSTATE_UAO              BM_BIT(23)
#define PSTATE_DIT              BM_BIT(24)
#define PSTATE_TCO              BM_BIT(25)

volatile bool bm_probe_active;
volatile uint32_t bm_probe_caught;
volatile uint64_t bm_probe_ec;

void read_idregs(struct idregs *id)
{
    id->pfr0 = read_sysreg(S3_0_C0_C4_0);
    id->pfr1 = read_sysreg(S3_0_C0_C4_1);
    id->zfr0 = read_sysreg(S3_0_C0_C4_4);
    id->smfr0 = read_sysreg(S3_0_C0_C4_5);
    id->dfr0 = read_sysreg(S3_0_C0_C5_0);
    id->isar0 = read_sysreg(S3_0_C0_C6_0);
    id->isar1 = read_sysreg(S3_0_C0_C6_1);
    id->isar2 = read_sysreg(S3_0_C0_C6_2);
    id->mmfr0 = read_sysreg(S3_0_C0_C7_0);
    id->mmfr1 = read_sysreg(S3_0_C0_C7_1);
    id->mmfr2 = read_sysreg(S3_0_C0_C7_2);
}

bool has_fp(const struct idregs *id)
{
    return FLD(id->pfr0, PFR0_FP) != NOT_IMPLEMENTED;
}

bool has_sve(const struct idregs *id)
{
    return FLD(id->pfr0, PFR0_SVE) != 0;
}

bool has_sme(const struct idregs *id)
{
    return FLD(id->pfr1, PFR1_SME) != 0;
}

bool has_pmu(const struct idregs *id)
{
    uint64_t v = FLD(id->dfr0, DFR0_PMUVER);
    return v != 0 && v != PMUVER_IMPDEF;
}

bool has_pauth_addr(const struct idregs *id)
{
    return FLD(id->isar1, ISAR1_APA) != 0 || FLD(id->isar1, ISAR1_API) != 0 ||
           FLD(id->isar2, ISAR2_APA3) != 0;
}

bool has_pauth_generic(const struct idregs *id)
{
    return FLD(id->isar1, ISAR1_GPA) != 0 || FLD(id->isar1, ISAR1_GPI) != 0 ||
           FLD(id->isar2, ISAR2_GPA3) != 0;
}

/* SCXTNUM_ELx exist with FEAT_CSV2_2, or FEAT_CSV2 with CSV2_frac 2. */
bool has_scxtnum(const struct idregs *id)
{
    uint64_t csv2 = FLD(id->pfr0, PFR0_CSV2);
    return csv2 >= 2 || (csv2 == 1 && FLD(id->pfr1, PFR1_CSV2_FRAC) >= 2);
}

/* Lets EL1 use FP/SIMD and, where advertised, SVE and SME; returns the old
 * CPACR_EL1. */
uint64_t fp_on(const struct idregs *id)
{
    uint64_t old = read_sysreg(cpacr_el1);
    uint64_t v = old | CPACR_FPEN;

    if (has_sve(id)) {
        v |= CPACR_ZEN;
    }
    if (has_sme(id)) {
        v |= CPACR_SMEN;
    }
    write_sysreg(cpacr_el1, v);
    isb();
    return old;
}

/* ---- features ----------------------------------------------------------- */

static uint64_t probe_pauth_addr(void)
{
    return bm_probe_pauth_addr(0x40000000UL);
}

static uint64_t probe_pauth_generic(void)
{
    return bm_probe_pauth_generic(0x1111UL, 0x2222UL);
}

static bool adv_fp(const struct idregs *id) { return has_fp(id); }
static bool adv_asimd(const struct idregs *id)
{
    return FLD(id->pfr0, PFR0_ADVSIMD) != NOT_IMPLEMENTED;
}
static bool adv_sve(const struct idregs *id) { return has_sve(id); }
static bool adv_sme(const struct idregs *id) { return has_sme(id); }
static bool adv_pauth_addr(const struct idregs *id) { return has_pauth_addr(id); }
static bool adv_pauth_generic(const struct idregs *id) { return has_pauth_generic(id); }
static bool adv_bti(const struct idregs *id) { return FLD(id->pfr1, PFR1_BT) != 0; }
static bool adv_ssbs(const struct idregs *id) { return FLD(id->pfr1, PFR1_SSBS) >= 2; }
static bool adv_rndr(const struct idregs *id) { return FLD(id->isar0, ISAR0_RNDR) != 0; }
static bool adv_mte(const struct idregs *id) { return FLD(id->pfr1, PFR1_MTE) != 0; }
static bool adv_mte2(const struct idregs *id) { return FLD(id->pfr1, PFR1_MTE) >= 2; }
static bool adv_ras(const struct idregs *id) { return FLD(id->pfr0, PFR0_RAS) != 0; }
static bool adv_lor(const struct idregs *id) { return FLD(id->mmfr1, MMFR1_LO) != 0; }
static bool adv_scxtnum(const struct idregs *id) { return has_scxtnum(id); }
static bool adv_pmu(const struct idregs *id) { return has_pmu(id); }
static bool adv_amu(const struct idregs *id) { return FLD(id->pfr0, PFR0_AMU) != 0; }
static bool adv_spe(const struct idregs *id) { return FLD(id->dfr0, DFR0_PMSVER) != 0; }
static bool adv_trbe(const struct idregs *id) { return FLD(id->dfr0, DFR0_TRACEBUFFER) != 0; }
static bool adv_trace(const struct idregs *id) { return FLD(id->dfr0, DFR0_TRACEVER) != 0; }
static bool adv_trf(const struct idregs *id) { return FLD(id->dfr0, DFR0_TRACEFILT) != 0; }
static bool adv_mpam(const struct idregs *id)
{
    return FLD(id->pfr0, PFR0_MPAM) != 0 || FLD(id->pfr1, PFR1_MPAM_FRAC) != 0;
}
static bool adv_dit(const struct idregs *id) { return FLD(id->pfr0, PFR0_DIT) != 0; }
static bool adv_pan(const struct idregs *id) { return FLD(id->mmfr1, MMFR1_PAN) != 0; }
static bool adv_crc32(const struct idregs *id) { return FLD(id->isar0, ISAR0_CRC32) != 0; }
static bool adv_ecv(const struct idregs *id) { return FLD(id->mmfr0, MMFR0_ECV) != 0; }

struct feature {
    const char *name;
    bool (*advertised)(const struct idregs *id);
    uint64_t (*probe)(void);
    bool nonzero;       /* the probe's result must not be 0 */
};

static const struct feature features[] = {
    { "FP", adv_fp, bm_probe_fp, true },
    { "AdvSIMD", adv_asimd, bm_probe_asimd, true },
    { "SVE", adv_sve, bm_probe_sve, true },
    { "SME", adv_sme, bm_probe_sme, true },
    { "PAuth-address", adv_pauth_addr, probe_pauth_addr, true },
    { "PAuth-generic", adv_pauth_generic, probe_pauth_generic, true },
    { "BTI", adv_bti, bm_probe_bti, true },
    { "SSBS", adv_ssbs, bm_probe_ssbs, true },
    { "RNDR", adv_rndr, bm_probe_rndr, false },
    { "MTE", adv_mte, bm_probe_mte, false },
    { "MTE2", adv_mte2, bm_probe_mte2, false },
    { "RAS", adv_ras, bm_probe_ras, false },
    { "LOR", adv_lor, bm_probe_lor, false },
    { "SCXTNUM", adv_scxtnum, bm_probe_scxtnum, false },
    { "PMU", adv_pmu, bm_probe_pmu, false },
    { "AMU", adv_amu, bm_probe_amu, false },
    { "SPE", adv_spe, bm_probe_spe, false },
    { "TRBE", adv_trbe, bm_probe_trbe, false },
    { "Trace", adv_trace, bm_probe_trace, false },
    { "TraceFilt", adv_trf, bm_probe_trf, false },
    { "MPAM", adv_mpam, bm_probe_mpam, false },
    { "DIT", adv_dit, bm_probe_dit, true },
    { "PAN", adv_pan, bm_probe_pan, true },
    { "CRC32", adv_crc32, bm_probe_crc32, true },
    { "ECV", adv_ecv, bm_probe_ecv, false },
};

/* Runs fn with every synchronous exception caught; true if none was. */
static bool run_probe(uint64_t (*fn)(void), uint64_t *result)
{
    bm_probe_caught = 0;
    bm_probe_ec = 0;
    bm_probe_active = true;
    __asm__ volatile("" : : : "memory");
    *result = fn();
    __asm__ volatile("" : : : "memory");
    bm_probe_active = false;
    return bm_probe_caught == 0;
}

static void act_features(void)
{
    struct idregs id;
    uint32_t advertised = 0;
    uint32_t undefined = 0;

    read_idregs(&id);
    bm_print("id: PFR0 0x%lx PFR1 0x%lx ZFR0 0x%lx SMFR0 0x%lx", id.pfr0, id.pfr1, id.zfr0,
             id.smfr0);
    bm_print("id: DFR0 0x%lx ISAR0 0x%lx ISAR1 0x%lx ISAR2 0x%lx", id.dfr0, id.isar0, id.isar1,
             id.isar2);
    bm_print("id: MMFR0 0x%lx MMFR1 0x%lx MMFR2 0x%lx", id.mmfr0, id.mmfr1, id.mmfr2);
    uint64_t cpacr = fp_on(&id);
    for (uint32_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
        const struct feature *f = &features[i];
        uint64_t v = 0;

        if (!f->advertised(&id)) {
            bm_print("feature %s: not advertised", f->name);
            continue;
        }
        advertised++;
        if (!run_probe(f->probe, &v)) {
            undefined++;
            bm_print("feature %s: UNDEFINED (EC 0x%lx)", f->name, bm_probe_ec);
        } else if (f->nonzero && v == 0) {
            undefined++;
            bm_print("feature %s: no effect (result 0)", f->name);
        } else {
            bm_print("feature %s: ok (0x%lx)", f->name, v);
        }
    }
    write_sysreg(cpacr_el1, cpacr);
    isb();
    bm_print("features: %u advertised, %u failed", advertised, undefined);
}

/* ---- pstate ------------------------------------------------------------- */

struct pstate_case {
    const char *name;
    bool span;      /* SCTLR_EL1.SPAN */
    bool dssbs;     /* SCTLR_EL1.DSSBS */
    bool pan, uao, ssbs, dit, tco;  /* PSTATE before the exception */
};

static const struct pstate_case pstate_cases[] = {
    { "A", false, true, false, true, false, true, false },
    { "B", true, false, true, false, true, false, true },
    { "C", true, true, false, false, false, false, false },
};

static void act_pstate(void)
{
    struct idregs id;
    read_idregs(&id);
    bool pan = FLD(id.mmfr1, MMFR1_PAN) != 0;
    bool uao = FLD(id.mmfr2, MMFR2_UAO) != 0;
    bool ssbs = FLD(id.pfr1, PFR1_SSBS) != 0;
    bool ssbs_msr = FLD(id.pfr1, PFR1_SSBS) >= 2;
    bool dit = FLD(id.pfr0, PFR0_DIT) != 0;
    bool tco = FLD(id.pfr1, PFR1_MTE) != 0;
    uint64_t sctlr = read_sysreg(sctlr_el1);

    bm_print("pstate: PAN %d UAO %d SSBS %d DIT %d MTE %d BTI %d", pan, uao, ssbs, dit, tco,
             FLD(id.pfr1, PFR1_BT) != 0);
    for (uint32_t i = 0; i < sizeof(pstate_cases) / sizeof(pstate_cases[0]); i++) {
        const struct pstate_case *c = &pstate_cases[i];
        uint64_t out_new[2];
        uint64_t out_saved[2];

        for (uint32_t pass = 0; pass < 2; pass++) {
            uint64_t s = sctlr & ~(SCTLR_EL1_SPAN | SCTLR_EL1_DSSBS);
            /* SPAN is RES1 without FEAT_PAN, DSSBS RES0 without FEAT_SSBS. */
            if (c->span || !pan) {
                s |= SCTLR_EL1_SPAN;
            }
            if (c->dssbs && ssbs) {
                s |= SCTLR_EL1_DSSBS;
            }
            write_sysreg(sctlr_el1, s);
            isb();
            if (pan) {
                bm_set_pan(c->pan ? PSTATE_PAN : 0);
            }
            if (uao) {
                bm_set_uao(c->uao ? PSTATE_UAO : 0);
            }
            if (ssbs_msr) {
                bm_set_ssbs(c->ssbs ? PSTATE_SSBS : 0);
            }
            if (dit) {
                bm_set_dit(c->dit ? PSTATE_DIT : 0);
            }
            if (tco) {
                bm_set_tco(c->tco ? PSTATE_TCO : 0);
            }
            bm_pstate_run(pass == 0 ? bm_pstate_new : bm_pstate_saved,
                          pass == 0 ? out_new : out_saved);
            /* The handlers return with every one of those fields 0. */
            write_sysreg(sctlr_el1, sctlr);
            isb();
        }
        bm_print("pstate %s: new 0x%lx (esr 0x%lx) saved 0x%lx (esr 0x%lx)", c->name,
                 out_new[0], out_new[1], out_saved[0], out_saved[1]);
    }
}

/* ---- pmu-el2 ------------------------------------------------------------ */

static void act_pmu_el2(void)
{
    struct idregs id;
    read_idregs(&id);
    if (!has_pmu(&id)) {
        bm_print("pmu: not advertised");
        return;
    }
    uint64_t pmcr = read_sysreg(pmcr_el0);
    bool inst = (read_sysreg(pmceid0_el0) & PMCEID0_INST_RETIRED) != 0;

    write_sysreg(pmcntenclr_el0, ~0UL);
    write_sysreg(pmselr_el0, 0);
    isb();
    write_sysreg(pmxevtyper_el0, PMU_EV_INST_RETIRED | PMU_NSH);
    write_sysreg(pmccfiltr_el0, PMU_NSH);
    write_sysreg(pmcr_el0, pmcr | PMCR_E | PMCR_P | PMCR_C);
    isb();
    write_sysreg(pmcntenset_el0, BM_BIT(0) | PMU_CYCLE_BIT);
    isb();
    uint64_t e0 = read_sysreg(pmxevcntr_el0);
    uint64_t c0 = read_sysreg(pmccntr_el0);
    for (uint32_t i = 0; i < PMU_CALLS; i++) {
        (void)bm_hvc_call(PSCI_VERSION, 0, 0, 0);
    }
    uint64_t e1 = read_sysreg(pmxevcntr_el0);
    uint64_t c1 = read_sysreg(pmccntr_el0);
    write_sysreg(pmcntenclr_el0, ~0UL);
    write_sysreg(pmcr_el0, pmcr & ~PMCR_E);
    isb();
    bm_print("pmu: %u calls: %lu instructions, %lu cycles (INST_RETIRED %s, N %lu)", PMU_CALLS,
             (e1 - e0) & 0xffffffffUL, c1 - c0, inst ? "counted" : "not implemented",
             (pmcr >> PMCR_N_SHIFT) & PMCR_N_MASK);
}

bool bm_harden_action(const char *a)
{
    if (strcmp(a, "features") == 0) {
        act_features();
    } else if (strcmp(a, "pstate") == 0) {
        act_pstate();
    } else if (strcmp(a, "pmu-el2") == 0) {
        act_pmu_el2();
    } else if (strcmp(a, "ram-scan") == 0) {
        act_ram_scan();
    } else if (strcmp(a, "canary") == 0) {
        act_canary();
    } else {
        return false;
    }
    return true;
}
