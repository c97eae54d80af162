/*
 * Hardening actions of the baremetal guest (README.md, "Hardening"):
 *
 *   cpu-on-storm:N     N PSCI CPU_ON calls naming a vCPU it does not have;
 *   vbar-loop          VBAR_EL1 at an address outside its memory, then an
 *                      UNDEFINED instruction: every exception it takes
 *                      from then on is an instruction abort at the vector;
 *   counters:G         Bulkhead's counters hypercall for group G;
 *   counters-print     Bulkhead's "print my counters" hypercall;
 *   hyp-uid            the vendor-specific hypervisor UID and revision;
 *   wdt-id             the SP805 of its DTB: where, its clock, its IDs;
 *   wdt-start:MS       started as Linux's sp805_wdt does, for a reset MS
 *                      milliseconds after the last ping;
 *   wdt-pet:MS:N       N pings, MS milliseconds apart;
 *   wdt-regs           its registers, read;
 *   wdt-stop           stopped (control 0).
 *
 * Everything the watchdog needs comes from the DTB, as a driver would find
 * it: the node compatible with "arm,sp805", its reg, and the fixed clock its
 * first `clocks` entry names.
 */
#include "bm.h"
#include "fdt.h"
#include "machine.h"
#include "sysreg.h"
#include "wdt.h"

#define PSCI_CPU_ON_64          0xC4000003U

/* Bulkhead's calls (docs/hypercalls.md). */
#define BH_HYP_COUNTERS_64      0xC6000001U
#define BH_HYP_PRINT_COUNTERS   0x86000002U
#define SMCCC_VENDOR_HYP_UID    0x8600FF01U
#define SMCCC_VENDOR_HYP_REV    0x8600FF03U

/* An address no partition of the tests owns (QEMU virt's flash at IPA 0):
 * fetching the vector from it is a stage-2 instruction abort. */
#define VBAR_NOWHERE            0x0UL

/* SP805 registers (Arm DDI 0270B). */
#define WDOG_LOAD               0x000U
#define WDOG_VALUE              0x004U
#define WDOG_CONTROL            0x008U
#define WDOG_INTCLR             0x00CU
#define WDOG_RIS                0x010U
#define WDOG_MIS                0x014U
#define WDOG_LOCK               0xC00U
#define WDOG_PERIPHID0          0xFE0U
#define WDOG_ID_WORDS           8U
#define WDOG_INTEN              (1U << 0)
#define WDOG_RESEN              (1U << 1)
#define WDOG_UNLOCK_KEY         0x1ACCE551U
#define WDOG_LOCK_ANY           1U
#define WDOG_LOAD_MAX           0xFFFFFFFFUL

#define BM_ACT_ARG_MAX          64U
#define BM_MS_PER_S             1000U
#define BM_US_PER_S             1000000U
#define BM_MAX_MS               3600000U     /* one hour */
#define BM_MAX_STORM            10000000U

/* An HVC with x0-x1 in and x0-x3 out: the counters come back in x1-x3. */
static void hvc4(uint64_t fid, uint64_t a1, uint64_t out[4])
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x3 __asm__("x3") = 0;

    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                       "x15", "x16", "x17", "memory");
    out[0] = x0;
    out[1] = x1;
    out[2] = x2;
    out[3] = x3;
}

static bool parse_dec(const char *s, uint64_t max, uint64_t *out)
{
    return bm_parse_u64(s, strnlen(s, BM_ACT_ARG_MAX), false, out) && *out <= max;
}

static uint64_t ticks_to_us(uint64_t ticks)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    return freq == 0 ? 0 : ticks / freq * BM_US_PER_S + ticks % freq * BM_US_PER_S / freq;
}

static void sleep_ms(uint64_t ms)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    uint64_t end = read_cntvct() + ms * freq / BM_MS_PER_S;

    while ((int64_t)(read_cntvct() - end) < 0) {
        wfe();
    }
}

/* ---- misbehaviours --------------------------------------------------------- */

static void act_cpu_on_storm(const char *arg)
{
    uint64_t n;

    if (!parse_dec(arg, BM_MAX_STORM, &n)) {
        bm_print("bad count '%s'", arg);
        return;
    }
    /* vCPUs are 0..ncpus-1: ncpus names none of them. */
    uint64_t target = bm_machine.ncpus;
    int32_t last = 0;
    uint64_t t0 = read_cntvct();
    for (uint64_t i = 0; i < n; i++) {
        last = (int32_t)(uint32_t)bm_hvc_call(PSCI_CPU_ON_64, target,
                                              (uint64_t)(uintptr_t)bm_secondary_entry, 0);
    }
    uint64_t us = ticks_to_us(read_cntvct() - t0);
    bm_print("cpu-on storm: %lu calls for mpidr 0x%lx, last returned %d, %lu us", n, target, last,
             us);
}

static void act_vbar_loop(void)
{
    bm_print("vbar-loop: VBAR_EL1 = 0x%lx, then udf", VBAR_NOWHERE);
    write_sysreg(vbar_el1, VBAR_NOWHERE);
    isb();
    __asm__ volatile("udf #0" : : : "memory");
    /* Only reached if the hypervisor let the fetch succeed. */
    bm_print("vbar-loop: survived");
}

/* ---- Bulkhead's hypercalls ------------------------------------------------- */

static void act_counters(const char *arg)
{
    uint64_t g;
    uint64_t r[4];

    if (!parse_dec(arg, UINT32_MAX, &g)) {
        bm_print("bad group '%s'", arg);
        return;
    }
    hvc4(BH_HYP_COUNTERS_64, g, r);
    bm_print("counters %lu: %d %lu %lu %lu", g, (int32_t)(uint32_t)r[0], r[1], r[2], r[3]);
}

static void act_hyp_uid(void)
{
    uint64_t r[4];
    uint64_t v[4];

    hvc4(SMCCC_VENDOR_HYP_UID, 0, r);
    hvc4(SMCCC_VENDOR_HYP_REV, 0, v);
    bm_print("hyp uid 0x%lx 0x%lx 0x%lx 0x%lx, revision %lu.%lu", r[0], r[1], r[2], r[3], v[0],
             v[1]);
}

/* ---- the SP805 ------------------------------------------------------------- */

struct wdt {
    bool found;
    uint64_t base;
    uint32_t clock_hz;
};

static struct wdt wdt;

static bool compatible_with(const struct fdt *f, long node, const char *want)
{
    uint32_t len = 0;
    const uint8_t *p = fdt_prop(f, node, "compatible", &len);
    uint32_t i = 0;

    while (p != NULL && i < len) {
        const char *s = (const char *)p + i;
        uint32_t n = (uint32_t)strnlen(s, len - i);
        if (n < len - i && strcmp(s, want) == 0) {
            return true;
        }
        i += n + 1;
    }
    return false;
}

/* The clock-frequency of the root child whose phandle is ph; 0 if none. */
static uint32_t clock_rate(const struct fdt *f, uint32_t ph)
{
    for (long n = fdt_first_child(f, fdt_root(f)); n >= 0; n = fdt_next_sibling(f, n)) {
        uint32_t v = 0;
        uint32_t hz = 0;
        if (fdt_prop_u32(f, n, "phandle", &v) && v == ph &&
            fdt_prop_u32(f, n, "clock-frequency", &hz)) {
            return hz;
        }
    }
    return 0;
}

static bool find_wdt(void)
{
    struct fdt f;

    if (wdt.found) {
        return true;
    }
    if (!fdt_init(&f, (const void *)(uintptr_t)bm_machine.dtb_base)) {
        return false;
    }
    for (long n = fdt_first_child(&f, fdt_root(&f)); n >= 0; n = fdt_next_sibling(&f, n)) {
        uint32_t len = 0;
        const uint8_t *reg;
        uint32_t ph = 0;
        if (!compatible_with(&f, n, "arm,sp805")) {
            continue;
        }
        /* The root has two address cells (the partition's DTB says so). */
        reg = fdt_prop(&f, n, "reg", &len);
        if (reg == NULL || len < 8 || !fdt_read_cells(reg, 2, &wdt.base)) {
            continue;
        }
        /* Its first clock, wdog_clk, is the one it counts at. */
        const uint8_t *clocks = fdt_prop(&f, n, "clocks", &len);
        if (clocks != NULL && len >= 4) {
            ph = fdt_be32(clocks);
            wdt.clock_hz = clock_rate(&f, ph);
        }
        wdt.found = true;
        return true;
    }
    return false;
}

static volatile uint32_t *wreg(uint32_t off)
{
    return (volatile uint32_t *)(uintptr_t)(wdt.base + off);
}

/* The driver's load for a reset ms after a ping: the counter runs down
 * twice (interrupt, then reset), so each run is half of it. */
static uint32_t load_for(uint64_t ms)
{
    uint64_t load = (uint64_t)wdt.clock_hz / 2U * ms / BM_MS_PER_S;
    load = load == 0 ? 1 : load - 1;
    return load > WDOG_LOAD_MAX ? (uint32_t)WDOG_LOAD_MAX : (uint32_t)load;
}

static uint32_t wdt_load;

/* Linux's sequence: unlock, load, clear the interrupt (which reloads),
 * enable interrupt and reset when starting, lock, read back to flush. */
static void wdt_config(bool start)
{
    *wreg(WDOG_LOCK) = WDOG_UNLOCK_KEY;
    *wreg(WDOG_LOAD) = wdt_load;
    *wreg(WDOG_INTCLR) = 1;
    if (start) {
        *wreg(WDOG_CONTROL) = WDOG_INTEN | WDOG_RESEN;
    }
    *wreg(WDOG_LOCK) = WDOG_LOCK_ANY;
    (void)*wreg(WDOG_LOCK);
}

static bool need_wdt(void)
{
    if (!find_wdt()) {
        bm_print("wdt: no arm,sp805 in the DTB");
        return false;
    }
    if (wdt.clock_hz == 0) {
        bm_print("wdt: no clock rate for it in the DTB");
        return false;
    }
    return true;
}

static void act_wdt_id(void)
{
    uint32_t id[WDOG_ID_WORDS];

    if (!need_wdt()) {
        return;
    }
    for (uint32_t i = 0; i < WDOG_ID_WORDS; i++) {
        id[i] = *wreg(WDOG_PERIPHID0 + 4U * i);
    }
    bm_print("wdt at 0x%lx, clock %u Hz, id 0x%x 0x%x 0x%x 0x%x 0x%x 0x%x 0x%x 0x%x", wdt.base,
             wdt.clock_hz, id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]);
}

static void act_wdt_start(const char *arg)
{
    uint64_t ms;

    if (!parse_dec(arg, BM_MAX_MS, &ms) || ms == 0) {
        bm_print("bad timeout '%s'", arg);
        return;
    }
    if (!need_wdt()) {
        return;
    }
    wdt_load = load_for(ms);
    wdt_config(true);
    bm_print("wdt started: load %u, reset %lu ms after the last ping", wdt_load, ms);
}

static void act_wdt_pet(const char *arg)
{
    uint64_t ms;
    uint64_t n;
    uint32_t colon = 0;
    char first[BM_ACT_ARG_MAX];

    while (arg[colon] != '\0' && arg[colon] != ':' && colon < BM_ACT_ARG_MAX) {
        colon++;
    }
    bm_strlcpy_n(first, sizeof(first), arg, colon);
    if (arg[colon] != ':' || !parse_dec(first, BM_MAX_MS, &ms) ||
        !parse_dec(arg + colon + 1, BM_MAX_STORM, &n)) {
        bm_print("bad pet '%s' (MS:N)", arg);
        return;
    }
    if (!need_wdt()) {
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        sleep_ms(ms);
        wdt_config(false);
    }
    bm_print("wdt petted %lu times, %lu ms apart; RIS %u", n, ms, *wreg(WDOG_RIS) & 1U);
}

static void act_wdt_regs(void)
{
    if (!need_wdt()) {
        return;
    }
    bm_print("wdt regs: load 0x%x value 0x%x control 0x%x ris %u mis %u lock %u", *wreg(WDOG_LOAD),
             *wreg(WDOG_VALUE), *wreg(WDOG_CONTROL), *wreg(WDOG_RIS), *wreg(WDOG_MIS),
             *wreg(WDOG_LOCK));
}

static void act_wdt_stop(void)
{
    if (!need_wdt()) {
        return;
    }
    *wreg(WDOG_LOCK) = WDOG_UNLOCK_KEY;
    *wreg(WDOG_CONTROL) = 0;
    *wreg(WDOG_LOCK) = WDOG_LOCK_ANY;
    bm_print("wdt stopped");
}

bool bm_wdt_action(const char *a)
{
    if (bm_startswith(a, "cpu-on-storm:")) {
        act_cpu_on_storm(a + 13);
    } else if (strcmp(a, "vbar-loop") == 0) {
        act_vbar_loop();
    } else if (bm_startswith(a, "counters:")) {
        act_counters(a + 9);
    } else if (strcmp(a, "counters-print") == 0) {
        uint64_t r[4];
        hvc4(BH_HYP_PRINT_COUNTERS, 0, r);
        bm_print("counters-print returned %d", (int32_t)(uint32_t)r[0]);
    } else if (strcmp(a, "hyp-uid") == 0) {
        act_hyp_uid();
    } else if (strcmp(a, "wdt-id") == 0) {
        act_wdt_id();
    } else if (bm_startswith(a, "wdt-start:")) {
        act_wdt_start(a + 10);
    } else if (bm_startswith(a, "wdt-pet:")) {
        act_wdt_pet(a + 8);
    } else if (strcmp(a, "wdt-regs") == 0) {
        act_wdt_regs();
    } else if (strcmp(a, "wdt-stop") == 0) {
        act_wdt_stop();
    } else {
        return false;
    }
    return true;
}
