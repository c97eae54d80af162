/*
 * The hardening actions about what survives (README "Hardening actions"):
 *
 *   ram-scan  the 4 KiB pages of our RAM outside the image, DTB and initrd
 *             that are not zero
 *   canary    checks the registers we arrived with and our RAM; on the
 *             first boot (boot count 1) then fills registers and RAM with
 *             canaries and asks for SYSTEM_RESET, so the next run's check
 *             shows whether any survived
 */
#include "bm.h"
#include "harden.h"
#include "harden_internal.h"
#include "machine.h"
#include "sysreg.h"

#define PSCI_SYSTEM_RESET       0x84000009UL

#define PAGE                    4096UL
#define CANARY_RAM_STEP         (1UL << 20)
#define CANARY_WORD(i)          (0xc0ffee0000000000UL | (uint64_t)(i))
#define CANARY_RAM_WORDS        8U

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

void act_ram_scan(void)
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

void act_canary(void)
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
