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
 */
#include "bm.h"
#include "harden.h"
#include "machine.h"
#include "sysreg.h"

#define PSCI_VERSION            0x84000000UL
#define PSCI_SYSTEM_RESET       0x84000009UL

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

/* CPACR_EL1: FP/SIMD, SVE and SME not trapped at EL1 or EL0. */
#define CPACR_ZEN               (3UL << 16)
#define CPACR_FPEN              (3UL << 20)
#define CPACR_SMEN              (3UL << 24)

/* SCTLR_EL1 fields the pstate action sets. */
#define SCTLR_EL1_SPAN          BM_BIT(23)
#define SCTLR_EL1_DSSBS         BM_BIT(44)
#define SCTLR_EL1_DZE           BM_BIT(14)
#define SCTLR_EL1_UCT           BM_BIT(15)
#define SCTLR_EL1_UCI           BM_BIT(26)

/* PSTATE (SPSR) fields. */
#define PSTATE_SSBS             BM_BIT(12)
#define PSTATE_PAN              BM_BIT(22)
#define PSTATE_UAO              BM_BIT(23)
#define PSTATE_DIT              BM_BIT(24)
#define PSTATE_TCO              BM_BIT(25)

/* PMU (Arm ARM D12): PMCR_EL0 E, P, C; N at [15:11]; event 0x08
 * INST_RETIRED; the NSH filter bit of PMEVTYPER<n>/PMCCFILTR (count at
 * EL2 too); PMCEID0 bit 8 says INST_RETIRED is implemented. */
#define PMCR_E                  BM_BIT(0)
#define PMCR_P                  BM_BIT(1)
#define PMCR_C                  BM_BIT(2)
#define PMCR_N_SHIFT            11
#define PMCR_N_MASK             0x1fUL
#define PMU_CYCLE_BIT           BM_BIT(31)
#define PMU_EV_INST_RETIRED     0x08UL
#define PMU_NSH                 BM_BIT(27)
#define PMCEID0_INST_RETIRED    BM_BIT(8)
#define PMU_CALLS               100U

#define PAGE                    4096UL
#define CANARY_RAM_STEP         (1UL << 20)
#define CANARY_WORD(i)          (0xc0ffee0000000000UL | (uint64_t)(i))
#define CANARY_RAM_WORDS        8U

volatile bool bm_probe_active;
volatile uint32_t bm_probe_caught;
volatile uint64_t bm_probe_ec;

struct idregs {
    uint64_t pfr0, pfr1, zfr0, smfr0, dfr0, isar0, isar1, isar2, mmfr0, mmfr1, mmfr2;
};

static void read_idregs(struct idregs *id)
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

static bool has_fp(const struct idregs *id)
{
    return FLD(id->pfr0, PFR0_FP) != NOT_IMPLEMENTED;
}

static bool has_sve(const struct idregs *id)
{
    return FLD(id->pfr0, PFR0_SVE) != 0;
}

static bool has_sme(const struct idregs *id)
{
    return FLD(id->pfr1, PFR1_SME) != 0;
}

static bool has_pmu(const struct idregs *id)
{
    uint64_t v = FLD(id->dfr0, DFR0_PMUVER);
    return v != 0 && v != PMUVER_IMPDEF;
}

static bool has_pauth_addr(const struct idregs *id)
{
    return FLD(id->isar1, ISAR1_APA) != 0 || FLD(id->isar1, ISAR1_API) != 0 ||
           FLD(id->isar2, ISAR2_APA3) != 0;
}

static bool has_pauth_generic(const struct idregs *id)
{
    return FLD(id->isar1, ISAR1_GPA) != 0 || FLD(id->isar1, ISAR1_GPI) != 0 ||
           FLD(id->isar2, ISAR2_GPA3) != 0;
}

/* SCXTNUM_ELx exist with FEAT_CSV2_2, or FEAT_CSV2 with CSV2_frac 2. */
static bool has_scxtnum(const struct idregs *id)
{
    uint64_t csv2 = FLD(id->pfr0, PFR0_CSV2);
    return csv2 >= 2 || (csv2 == 1 && FLD(id->pfr1, PFR1_CSV2_FRAC) >= 2);
}

/* Lets EL1 use FP/SIMD and, where advertised, SVE and SME; returns the old
 * CPACR_EL1. */
static uint64_t fp_on(const struct idregs *id)
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

/* ---- ram-scan ----------------------------------------------------------- */

static bool overlaps(uint64_t a, uint64_t b, uint64_t lo, uint64_t hi)
{
    return a < hi && b > lo;
}

/* Whether [a, a + len) touches what the loader or we ourselves put there. */
static bool ours(uint64_t a, uint64_t len)
{
    extern char _start_of_image[];
    extern char _end[];
    uint64_t b = a + len;

    if (overlaps(a, b, (uint64_t)(uintptr_t)_start_of_image, (uint64_t)(uintptr_t)_end)) {
        return true;
    }
    if (overlaps(a, b, bm_machine.dtb_base, bm_machine.dtb_base + bm_machine.dtb_size)) {
        return true;
    }
    return bm_machine.have_initrd &&
           overlaps(a, b, bm_machine.initrd_start, bm_machine.initrd_end);
}

static void act_ram_scan(void)
{
    uint64_t base = bm_machine.mem_base;
    uint64_t end = base + bm_machine.mem_size;
    uint64_t pages = 0;
    uint64_t dirty = 0;
    uint64_t first = 0;

    for (uint64_t p = base; p + PAGE <= end; p += PAGE) {
        if (ours(p, PAGE)) {
            continue;
        }
        const volatile uint64_t *w = (const volatile uint64_t *)(uintptr_t)p;
        uint64_t acc = 0;
        for (uint32_t k = 0; k < PAGE / 8; k += 2) {
            acc |= w[k] | w[k + 1];
        }
        pages++;
        if (acc != 0) {
            if (dirty == 0) {
                first = p;
            }
            dirty++;
        }
    }
    bm_print("ram-scan: %lu of %lu pages outside the image and DTB not zero (first 0x%lx)",
             dirty, pages, first);
}

/* ---- canary ------------------------------------------------------------- */

static const char *const snap_names[BM_SNAP_NSYS] = {
    "sp_el0", "tpidr_el1", "tpidr_el0", "tpidrro_el0", "contextidr_el1", "vbar_el1",
    "elr_el1", "spsr_el1", "esr_el1", "far_el1", "par_el1", "ttbr0_el1", "ttbr1_el1",
    "tcr_el1", "mair_el1", "amair_el1", "mdscr_el1", "cntkctl_el1", "cntv_ctl_el0",
    "cntv_cval_el0", "cntp_ctl_el0", "cntp_cval_el0", "csselr_el1", "cpacr_el1", "sctlr_el1",
    "afsr0_el1", "afsr1_el1", "dbgbvr0_el1", "dbgwvr0_el1",
};
#define SNAP_VBAR 5
#define SNAP_CNTKCTL 17
#define SNAP_CPACR 23
#define SNAP_SCTLR 24

/* Canaries the registers hold as written (no RES0 bits set). */
static void snap_canaries(uint64_t *v)
{
    static const uint64_t fixed[BM_SNAP_NSYS] = {
        0xca7a00000000e000UL,       /* sp_el0 */
        0xca7a000000000001UL,       /* tpidr_el1 */
        0xca7a000000000002UL,       /* tpidr_el0 */
        0xca7a000000000003UL,       /* tpidrro_el0 */
        0x00000000ca7a0004UL,       /* contextidr_el1: PROCID */
        0,                          /* vbar_el1: our own vectors, see below */
        0xca7a000000000006UL,       /* elr_el1 */
        0x00000000100003c5UL,       /* spsr_el1: EL1h, DAIF, V */
        0x0000000096000045UL,       /* esr_el1 */
        0xca7a000000000009UL,       /* far_el1 */
        0x0000000012345000UL,       /* par_el1 */
        0x0001000040000000UL,       /* ttbr0_el1: ASID 1 */
        0x0001000040001000UL,       /* ttbr1_el1 */
        0x0000000000190019UL,       /* tcr_el1: T0SZ, T1SZ 25 */
        0x44ff0400ff4404ffUL,       /* mair_el1 */
        0x0000000000000001UL,       /* amair_el1 */
        0x0000000000001000UL,       /* mdscr_el1: TDCC */
        0,                          /* cntkctl_el1: ours plus EL0 access, below */
        0x0000000000000003UL,       /* cntv_ctl_el0: enabled, masked */
        0xffffff0000000000UL,       /* cntv_cval_el0: far away */
        0x0000000000000003UL,       /* cntp_ctl_el0 */
        0xffffff0000000000UL,       /* cntp_cval_el0 */
        0x0000000000000002UL,       /* csselr_el1: level 2 */
        CPACR_FPEN,                 /* cpacr_el1 */
        0,                          /* sctlr_el1: ours plus EL0 controls, below */
        0x0000000000000001UL,       /* afsr0_el1 */
        0x0000000000000001UL,       /* afsr1_el1 */
        0x0000000040001000UL,       /* dbgbvr0_el1 */
        0x0000000040002000UL,       /* dbgwvr0_el1 */
    };

    for (uint32_t i = 0; i < BM_SNAP_NSYS; i++) {
        v[i] = fixed[i];
    }
    v[SNAP_VBAR] = read_sysreg(vbar_el1);
    v[SNAP_CNTKCTL] = read_sysreg(cntkctl_el1) | 0x3UL;     /* EL0PCTEN, EL0VCTEN */
    v[SNAP_SCTLR] = read_sysreg(sctlr_el1) | SCTLR_EL1_DZE | SCTLR_EL1_UCT | SCTLR_EL1_UCI;
}

/* RAM canaries: the last CANARY_RAM_WORDS words of every MiB of our RAM
 * that is not the image, DTB or initrd. 0 ends the walk. */
static uint64_t spot_from(uint64_t spot)
{
    uint64_t end = bm_machine.mem_base + bm_machine.mem_size;

    for (; spot + CANARY_RAM_WORDS * 8 <= end; spot += CANARY_RAM_STEP) {
        if (!ours(spot, CANARY_RAM_WORDS * 8)) {
            return spot;
        }
    }
    return 0;
}

static uint64_t first_spot(void)
{
    return spot_from(bm_machine.mem_base + CANARY_RAM_STEP - CANARY_RAM_WORDS * 8);
}

static uint64_t next_spot(uint64_t spot)
{
    return spot_from(spot + CANARY_RAM_STEP);
}

struct tally {
    uint32_t checked, survived, stale;
};

/* value as found; canary: what the last run put there (0: none). */
static void check_one(struct tally *t, const char *name, uint64_t value, uint64_t canary,
                      bool must_be_zero)
{
    t->checked++;
    if (canary != 0 && value == canary) {
        t->survived++;
        bm_print("canary: %s survived (0x%lx)", name, value);
    } else if (must_be_zero && value != 0) {
        t->stale++;
        bm_print("canary: %s not reset (0x%lx)", name, value);
    }
}

static uint32_t pmu_counters(void)
{
    return (uint32_t)((read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK);
}

#define PMU_COUNTER_CANARY(n)   (0x70000000UL + (n))
#define PMU_CYCLE_CANARY        0x123456789abcUL
#define PMU_TYPE_CANARY         0x0011UL      /* CPU_CYCLES */
#define PAC_KEY_CANARY(i)       (0x9ac0000000000000UL | (uint64_t)(i))
#define SCXTNUM_CANARY          0x5c0000000000005cUL
#define TPIDR2_CANARY           0x7b1d200000000002UL
#define DBG_CANARY(n)           (0x40010000UL + ((uint64_t)(n) << 4))
#define DBG_CTRL_CANARY         0x1e0UL       /* BAS, E = 0: never fires */

static void canary_check(const struct idregs *id)
{
    struct tally t = { 0, 0, 0 };
    uint64_t canaries[BM_SNAP_NSYS];
    char name[24];

    snap_canaries(canaries);
    /* General registers as the boot CPU arrived: x0 is the DTB. */
    for (uint32_t i = 1; i < BM_SNAP_X30_NONZERO; i++) {
        bm_snprintf(name, sizeof(name), "x%u", i);
        check_one(&t, name, bm_entry_snap[i], 0xca7a000000000000UL | i, true);
    }
    check_one(&t, "x30", bm_entry_snap[BM_SNAP_X30_NONZERO], 0, true);
    check_one(&t, "sp", bm_entry_snap[BM_SNAP_SP], 0, true);
    for (uint32_t i = 0; i < BM_SNAP_NSYS; i++) {
        /* SCTLR_EL1 has a non-zero reset value. */
        check_one(&t, snap_names[i], bm_entry_snap[BM_SNAP_SYS + i], canaries[i],
                  i != SNAP_SCTLR);
    }

    uint64_t cpacr = fp_on(id);
    if (has_fp(id)) {
        uint64_t m = bm_fp_nonzero();
        for (uint32_t i = 0; i < 34; i++) {
            if (i < 32) {
                bm_snprintf(name, sizeof(name), "q%u", i);
            } else {
                bm_snprintf(name, sizeof(name), i == 32 ? "fpcr" : "fpsr");
            }
            check_one(&t, name, (m >> i) & 1U, 0, true);
        }
    }
    if (has_sme(id)) {
        check_one(&t, "svcr", bm_sme_svcr(), 0, true);
        check_one(&t, "tpidr2_el0", bm_sme_tpidr2(), TPIDR2_CANARY, true);
    }
    if (has_sve(id)) {
        uint64_t m = bm_sve_nonzero();
        for (uint32_t i = 0; i < 49; i++) {
            if (i < 32) {
                bm_snprintf(name, sizeof(name), "z%u", i);
            } else if (i < 48) {
                bm_snprintf(name, sizeof(name), "p%u", i - 32);
            } else {
                bm_snprintf(name, sizeof(name), "ffr");
            }
            check_one(&t, name, (m >> i) & 1U, 0, true);
        }
    }
    write_sysreg(cpacr_el1, cpacr);
    isb();

    if (has_pmu(id)) {
        uint32_t n = pmu_counters();
        check_one(&t, "pmselr_el0", read_sysreg(pmselr_el0), 0, true);
        check_one(&t, "pmcr_el0.E", read_sysreg(pmcr_el0) & PMCR_E, 0, true);
        check_one(&t, "pmcntenset_el0", read_sysreg(pmcntenset_el0), 0, true);
        check_one(&t, "pmintenset_el1", read_sysreg(pmintenset_el1), 0, true);
        check_one(&t, "pmovsset_el0", read_sysreg(pmovsset_el0), 0, true);
        check_one(&t, "pmuserenr_el0", read_sysreg(pmuserenr_el0), 0, true);
        check_one(&t, "pmccfiltr_el0", read_sysreg(pmccfiltr_el0), 0, true);
        check_one(&t, "pmccntr_el0", read_sysreg(pmccntr_el0) >= PMU_CYCLE_CANARY, 0, true);
        for (uint32_t k = 0; k < n; k++) {
            write_sysreg(pmselr_el0, k);
            isb();
            bm_snprintf(name, sizeof(name), "pmevtyper%u_el0", k);
            check_one(&t, name, read_sysreg(pmxevtyper_el0), 0, true);
            bm_snprintf(name, sizeof(name), "pmevcntr%u_el0", k);
            check_one(&t, name, read_sysreg(pmxevcntr_el0) >= PMU_COUNTER_CANARY(k), 0, true);
        }
        write_sysreg(pmselr_el0, 0);
    }
    check_one(&t, "dbgbvr1_el1", read_sysreg(dbgbvr1_el1), DBG_CANARY(1), true);
    check_one(&t, "dbgwvr1_el1", read_sysreg(dbgwvr1_el1), DBG_CANARY(3), true);
    check_one(&t, "dbgbcr0_el1", read_sysreg(dbgbcr0_el1), DBG_CTRL_CANARY, true);
    check_one(&t, "dbgwcr0_el1", read_sysreg(dbgwcr0_el1), DBG_CTRL_CANARY, true);
    if (has_pauth_addr(id) || has_pauth_generic(id)) {
        uint64_t k[10];
        bm_pac_keys_read(k);
        for (uint32_t i = 0; i < 10; i++) {
            bm_snprintf(name, sizeof(name), "pac key %u", i);
            check_one(&t, name, k[i], PAC_KEY_CANARY(i), true);
        }
    }
    if (has_scxtnum(id)) {
        check_one(&t, "scxtnum_el1", read_sysreg(S3_0_C13_C0_7), SCXTNUM_CANARY, true);
        check_one(&t, "scxtnum_el0", read_sysreg(S3_3_C13_C0_7), SCXTNUM_CANARY + 1, true);
    }

    /* RAM: the blocks the last run filled, wherever they are not ours now. */
    for (uint64_t spot = first_spot(); spot != 0; spot = next_spot(spot)) {
        const volatile uint64_t *w = (const volatile uint64_t *)(uintptr_t)spot;
        bool found = false;
        for (uint32_t k = 0; k < CANARY_RAM_WORDS; k++) {
            found = found || w[k] == CANARY_WORD(k);
        }
        bm_snprintf(name, sizeof(name), "ram 0x%lx", spot);
        check_one(&t, name, found ? 1 : 0, 1, false);
    }
    bm_print("canary: checked %u, %u survived, %u not reset", t.checked, t.survived, t.stale);
}

static void canary_set(const struct idregs *id)
{
    uint64_t canaries[BM_SNAP_NSYS];
    uint32_t blocks = 0;

    /* RAM first: a block at the top of every MiB that is not ours. */
    for (uint64_t spot = first_spot(); spot != 0; spot = next_spot(spot)) {
        volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)spot;
        for (uint32_t k = 0; k < CANARY_RAM_WORDS; k++) {
            w[k] = CANARY_WORD(k);
        }
        blocks++;
    }
    if (has_pmu(id)) {
        uint32_t n = pmu_counters();
        for (uint32_t k = 0; k < n; k++) {
            write_sysreg(pmselr_el0, k);
            isb();
            write_sysreg(pmxevtyper_el0, PMU_TYPE_CANARY);
            write_sysreg(pmxevcntr_el0, PMU_COUNTER_CANARY(k));
        }
        write_sysreg(pmccntr_el0, PMU_CYCLE_CANARY);
        write_sysreg(pmccfiltr_el0, PMU_NSH);
        write_sysreg(pmuserenr_el0, 1);
        write_sysreg(pmintenset_el1, 1);
        write_sysreg(pmovsset_el0, 1);
        write_sysreg(pmcntenset_el0, PMU_CYCLE_BIT | ((1UL << n) - 1UL));
        write_sysreg(pmselr_el0, n > 0 ? n - 1 : 0);
        write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_E);
    }
    write_sysreg(dbgbvr1_el1, DBG_CANARY(1));
    write_sysreg(dbgwvr1_el1, DBG_CANARY(3));
    write_sysreg(dbgbcr0_el1, DBG_CTRL_CANARY);
    write_sysreg(dbgwcr0_el1, DBG_CTRL_CANARY);
    if (has_pauth_addr(id) || has_pauth_generic(id)) {
        uint64_t k[10];
        for (uint32_t i = 0; i < 10; i++) {
            k[i] = PAC_KEY_CANARY(i);
        }
        bm_pac_keys_write(k);
    }
    if (has_scxtnum(id)) {
        write_sysreg(S3_0_C13_C0_7, SCXTNUM_CANARY);
        write_sysreg(S3_3_C13_C0_7, SCXTNUM_CANARY + 1);
    }
    (void)fp_on(id);
    if (has_fp(id)) {
        bm_fp_canary_set();
    }
    if (has_sve(id)) {
        bm_sve_canary_set();
    }
    bm_print("canary: set registers and %u RAM blocks; SYSTEM_RESET", blocks);
    snap_canaries(canaries);
    if (has_sme(id)) {
        /* Streaming mode and ZA on, from here to the reset. */
        bm_sme_canary_set(TPIDR2_CANARY);
    }
    /* Our vectors stay (an exception on the way must not go astray);
     * every other register of the snapshot gets its canary. */
    bm_snap_regs_write(canaries);
    bm_reset_with_canaries(PSCI_SYSTEM_RESET);
}

static void act_canary(void)
{
    struct idregs id;
    read_idregs(&id);
    bm_print("canary: boot %u", bm_machine.boot_count);
    canary_check(&id);
    act_ram_scan();
    if (bm_machine.boot_count == 1) {
        canary_set(&id);
    }
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
