/*
 * baremetal: a small EL1 test guest for Bulkhead partitions (and for running
 * natively on QEMU virt). It reports what its DTB gives it, optionally starts
 * its other CPUs, prints a heartbeat and performs one misbehaviour on request,
 * surviving the faults it provokes so a test can see containment work.
 */
#include "bm.h"
#include "fwcfg.h"
#include "harden.h"
#include "irq.h"
#include "machine.h"
#include "sysreg.h"
#include "wdt.h"

/* PSCI function ids (Arm DEN 0022) and SMCCC */
#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND_64 0xC4000001U
#define PSCI_CPU_ON_64 0xC4000003U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000AU
#define PSCI_VERSION_MAJOR_SHIFT 16
#define PSCI_VERSION_MINOR_MASK 0xFFFFU
#define PSCI_RET_SUCCESS 0
/* An id in the SMCCC vendor-specific range that nobody implements. */
#define SMCCC_UNKNOWN_FID 0x86000F00U

#define BM_ACT_MAX 192
#define BM_DEFAULT_AT 3
#define BM_MAX_HB_MS 3600000U        /* one hour; keeps ms * freq in 64 bits */
#define BM_MS_PER_S 1000U
/* Bounded wait for one secondary CPU to report in, in seconds of counter time. */
#define BM_CPU_UP_TIMEOUT_S 10U
/* Fallback poll count for that wait when CNTFRQ_EL0 reads 0. */
#define BM_CPU_UP_POLLS 100000000UL
/* Event stream period target: about 1/10000 s, so WFE-based waits are precise. */
#define BM_EVENT_STREAM_HZ 10000U
/* Instruction aborts at ELR, ELR+4, ...: give up skipping after this many. */
#define BM_IABT_STREAK_MAX 8U

struct bm_cmd {
    char name[BM_NAME_MAX];
    bool smp;
    bool timestamp;   /* "ts": print the counter at the first line (boot benchmark) */
    uint32_t hb_ms;
    bool have_act;
    char act[BM_ACT_MAX];
    uint64_t at;
    uint32_t on;      /* "on=N": CPU N (DTB order) performs the action */
    bool irq;         /* "irq": GIC set up on every CPU, IRQs unmasked */
    uint32_t tick_ms; /* "tick=MS": virtual timer interrupt on every CPU */
    uint32_t ptick_ms;/* "ptick=MS": EL1 physical timer interrupt on every CPU */
};


/* start.S gives the boot CPU its own stack; secondaries use bm_stacks[slot]. */
uint8_t bm_boot_stack[BM_STACK_SIZE] __attribute__((aligned(16), section(".stacks")));
uint8_t bm_stacks[BM_NUM_SLOTS][BM_STACK_SIZE] __attribute__((aligned(16), section(".stacks")));

static struct bm_cmd cmd;
/* Set by each secondary once it has printed; polled by the boot CPU. */
static volatile uint32_t cpu_up[BM_NUM_SLOTS];
/* Instruction-abort streak detection, see bm_exception(). */
static uint64_t last_iabt_elr;
/* "fault-storm": count caught exceptions without printing each one. */
static volatile uint32_t caught_count;
static volatile bool quiet_catch;
static uint32_t iabt_streak;
/* Set by "suspend:" before CPU_SUSPEND: a CPU entering bm_secondary_main
 * with its flag set woke from a power-down state, not from CPU_ON. */
static volatile uint32_t suspended[BM_NUM_SLOTS];

static uint64_t my_mpidr(void)
{
    return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

static int32_t psci_result(uint64_t x0)
{
    /* PSCI and SMC32 calls return a signed 32-bit value in w0. */
    return (int32_t)(uint32_t)x0;
}

/* ---- DTB ---------------------------------------------------------------- */

/* ---- bootargs ----------------------------------------------------------- */

static bool key_is(const char *tok, uint32_t toklen, const char *key, uint32_t *vlen,
                   const char **val)
{
    uint32_t k = (uint32_t)strnlen(key, BM_NAME_MAX);

    if (toklen <= k || !bm_startswith(tok, key) || tok[k] != '=') {
        return false;
    }
    *val = tok + k + 1;
    *vlen = toklen - k - 1;
    return true;
}

static void parse_token(const char *tok, uint32_t len)
{
    const char *val;
    uint32_t vlen;
    uint64_t v;

    if (len == 3 && bm_startswith(tok, "smp")) {
        cmd.smp = true;
    } else if (len == 2 && bm_startswith(tok, "ts")) {
        cmd.timestamp = true;
    } else if (key_is(tok, len, "name", &vlen, &val)) {
        bm_strlcpy_n(cmd.name, sizeof(cmd.name), val, vlen);
    } else if (key_is(tok, len, "hb", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v <= BM_MAX_HB_MS) {
            cmd.hb_ms = (uint32_t)v;
        } else {
            bm_print("ignoring bad hb value");
        }
    } else if (key_is(tok, len, "on", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v < BM_MAX_CPUS) {
            cmd.on = (uint32_t)v;
        } else {
            bm_print("ignoring bad on value");
        }
    } else if (key_is(tok, len, "at", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v > 0) {
            cmd.at = v;
        } else {
            bm_print("ignoring bad at value");
        }
    } else if (len == 3 && bm_startswith(tok, "irq")) {
        cmd.irq = true;
    } else if (key_is(tok, len, "tick", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v > 0 && v <= BM_MAX_HB_MS) {
            cmd.tick_ms = (uint32_t)v;
            cmd.irq = true;
        } else {
            bm_print("ignoring bad tick value");
        }
    } else if (key_is(tok, len, "ptick", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v > 0 && v <= BM_MAX_HB_MS) {
            cmd.ptick_ms = (uint32_t)v;
            cmd.irq = true;
        } else {
            bm_print("ignoring bad ptick value");
        }
    } else if (key_is(tok, len, "act", &vlen, &val)) {
        bm_strlcpy_n(cmd.act, sizeof(cmd.act), val, vlen);
        cmd.have_act = vlen > 0;
    }
    /* Anything else belongs to someone else (or is a typo): ignore it. */
}

static void parse_bootargs(const char *args)
{
    uint32_t i = 0;

    bm_strlcpy_n(cmd.name, sizeof(cmd.name), "native", BM_NAME_MAX);
    cmd.at = BM_DEFAULT_AT;
    while (args[i] != '\0') {
        uint32_t start;

        while (args[i] == ' ' || args[i] == '\t') {
            i++;
        }
        start = i;
        while (args[i] != '\0' && args[i] != ' ' && args[i] != '\t') {
            i++;
        }
        if (i > start) {
            parse_token(args + start, i - start);
        }
    }
}

/* ---- timing ------------------------------------------------------------- */

/*
 * Have the virtual counter generate WFE wake-up events, so waits sleep in WFE
 * instead of spinning, without needing a timer interrupt (and so a GIC).
 * Events fire on each transition of counter bit EVNTI, i.e. every 2^(EVNTI+1)
 * ticks; pick the largest period not above 1/BM_EVENT_STREAM_HZ.
 */
static void enable_event_stream(void)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    uint64_t target = freq / BM_EVENT_STREAM_HZ;
    uint64_t evnti = 0;
    uint64_t ctl;

    while (evnti < CNTKCTL_EVNTI_MASK && (2UL << (evnti + 1)) <= target) {
        evnti++;
    }
    ctl = read_sysreg(cntkctl_el1);
    ctl &= ~(CNTKCTL_EVNTI_MASK << CNTKCTL_EVNTI_SHIFT);
    ctl &= ~CNTKCTL_EVNTDIR;
    ctl |= (evnti << CNTKCTL_EVNTI_SHIFT) | CNTKCTL_EVNTEN;
    write_sysreg(cntkctl_el1, ctl);
    isb();
}

static void wait_until(uint64_t deadline)
{
    while ((int64_t)(read_cntvct() - deadline) < 0) {
        wfe();
    }
}

static void __attribute__((noreturn)) idle_forever(void)
{
    for (;;) {
        wfi();
    }
}

/* ---- CPUs --------------------------------------------------------------- */

/* Set by the boot CPU when the action is due and another CPU performs it. */
static volatile uint32_t act_go;

static void do_action(void);

void bm_secondary_main(uint64_t slot)
{
    if (suspended[slot] != 0) {
        /* Context lost: what was left of the action list is not resumed. */
        suspended[slot] = 0;
        bm_print("cpu %lu woke from power-down at its entry point (mpidr 0x%lx)",
                 (unsigned long)slot, my_mpidr());
        idle_forever();
    }
    bm_print("cpu %lu up (mpidr 0x%lx)", (unsigned long)slot, my_mpidr());
    if (cmd.irq) {
        if (bm_irq_init_cpu()) {
            bm_irq_start_timers(cmd.tick_ms, cmd.ptick_ms);
        } else {
            bm_print("cpu %lu: no redistributor for it", (unsigned long)slot);
        }
    }
    cpu_up[slot] = 1;
    sev();
    if (cmd.have_act && cmd.on == slot) {
        while (act_go == 0) {
            __asm__ volatile("wfe" : : : "memory");
        }
        bm_print("cpu %lu performs the action", (unsigned long)slot);
        do_action();
    }
    idle_forever();
}

static int32_t cpu_on(uint64_t mpidr, uint64_t slot)
{
    uint64_t entry = (uint64_t)(uintptr_t)bm_secondary_entry;

    cpu_up[slot] = 0;
    dmb_sy();
    return psci_result(bm_hvc_call(PSCI_CPU_ON_64, mpidr, entry, slot));
}

/* Waits (bounded) for the CPU in slot to report; true if it did. */
static bool wait_cpu_up(uint64_t slot)
{
    uint64_t freq = read_sysreg(cntfrq_el0);

    if (freq == 0) {
        for (uint64_t i = 0; i < BM_CPU_UP_POLLS && cpu_up[slot] == 0; i++) {
            __asm__ volatile("yield");
        }
    } else {
        uint64_t deadline = read_cntvct() + freq * BM_CPU_UP_TIMEOUT_S;

        while (cpu_up[slot] == 0 && (int64_t)(read_cntvct() - deadline) < 0) {
            wfe();
        }
    }
    return cpu_up[slot] != 0;
}

/*
 * Starts the other CPUs one at a time: their "up" lines then come out in
 * index order, which keeps test output deterministic.
 */
static void start_secondaries(void)
{
    uint32_t n = bm_machine.ncpus < BM_MAX_CPUS ? bm_machine.ncpus : BM_MAX_CPUS;
    uint32_t up = 1;

    for (uint32_t i = 0; i < n; i++) {
        int32_t r;

        if (i == bm_machine.boot_index) {
            continue;
        }
        r = cpu_on(bm_machine.mpidr[i], i);
        if (r != PSCI_RET_SUCCESS) {
            bm_print("CPU_ON 0x%lx returned %d", bm_machine.mpidr[i], r);
            continue;
        }
        if (wait_cpu_up(i)) {
            up++;
        } else {
            bm_print("cpu %u did not come up", i);
        }
    }
    if (up == bm_machine.ncpus) {
        bm_print("all %u cpus up", bm_machine.ncpus);
    } else {
        bm_print("only %u of %u cpus up", up, bm_machine.ncpus);
    }
}

/* ---- actions ------------------------------------------------------------ */

static void act_wild(const char *arg, bool write)
{
    uint64_t addr;

    if (!bm_parse_u64(arg, strlen(arg), true, &addr)) {
        bm_print("bad address '%s'", arg);
        return;
    }
    bm_print("touching 0x%lx", addr);
    if (write) {
        __asm__ volatile("str wzr, [%0]" : : "r"(addr) : "memory");
    } else {
        /* Preset, so a load that faults (and is skipped) shows as 0xbad0bad0. */
        uint32_t v = 0xbad0bad0U;

        __asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
        bm_print("read 0x%x", v);
    }
    bm_print("survived access");
}

static void act_cpu_on(const char *arg)
{
    uint64_t mpidr;
    uint64_t slot = BM_SPARE_SLOT;
    uint32_t n = bm_machine.ncpus < BM_MAX_CPUS ? bm_machine.ncpus : BM_MAX_CPUS;
    int32_t r;

    if (!bm_parse_u64(arg, strlen(arg), true, &mpidr)) {
        bm_print("bad mpidr '%s'", arg);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (bm_machine.mpidr[i] == (mpidr & MPIDR_AFF_MASK)) {
            slot = i;
        }
    }
    r = cpu_on(mpidr, slot);
    bm_print("CPU_ON 0x%lx returned %d", mpidr, r);
}

/*
 * "bench": time BM_BENCH_OPS reads of the console UART's flag register and
 * BM_BENCH_OPS PSCI_VERSION calls, in counter ticks. In a partition each is a
 * trap to EL2; natively QEMU answers both itself. Under QEMU's icount mode
 * the difference per operation is what EL2 executes for it.
 */
#define BM_BENCH_OPS 10000U
#define BM_UARTFR 0x18U

static void act_bench(void)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    volatile uint32_t *fr = (volatile uint32_t *)(uintptr_t)(bm_console_base() + BM_UARTFR);
    uint64_t t0 = read_cntvct();
    uint32_t sink = 0;

    for (uint32_t i = 0; i < BM_BENCH_OPS; i++) {
        sink += *fr;
    }
    uint64_t t1 = read_cntvct();
    for (uint32_t i = 0; i < BM_BENCH_OPS; i++) {
        sink += (uint32_t)bm_hvc_call(PSCI_VERSION, 0, 0, 0);
    }
    uint64_t t2 = read_cntvct();
    if (freq == 0) {
        freq = 1;
    }
    bm_print("bench: %u uart reads in %lu ns, %u psci calls in %lu ns (%u)", BM_BENCH_OPS,
             (t1 - t0) * 1000000000UL / freq, BM_BENCH_OPS, (t2 - t1) * 1000000000UL / freq,
             sink & 1U);
}

/* "fault-storm:N": N loads from IPA 0 (never RAM on QEMU virt), each an
 * abort the partition takes back, counted but not printed one by one. */
static void act_fault_storm(const char *arg)
{
    uint64_t n;

    if (!bm_parse_u64(arg, strlen(arg), false, &n)) {
        bm_print("bad count '%s'", arg);
        return;
    }
    bm_print("fault storm: %lu loads", n);
    uint32_t before = caught_count;
    quiet_catch = true;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t v;
        __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(0UL) : "memory");
        (void)v;
    }
    quiet_catch = false;
    bm_print("fault storm: caught %u", caught_count - before);
}

/* "suspend:PS": PSCI CPU_SUSPEND with power_state PS (hex), resuming at
 * the secondary entry with this CPU's slot as context. A standby (or a
 * refusal) returns; a power-down wakes in bm_secondary_main. */
static void act_suspend(const char *arg)
{
    uint64_t ps;
    uint64_t slot = read_sysreg(tpidr_el1);

    if (!bm_parse_u64(arg, strlen(arg), true, &ps) || ps > UINT32_MAX) {
        bm_print("bad power_state '%s'", arg);
        return;
    }
    if (slot >= BM_NUM_SLOTS) {
        bm_print("no slot to resume in");
        return;
    }
    bm_print("CPU_SUSPEND 0x%lx", ps);
    suspended[slot] = 1;
    dmb_sy();
    int32_t r = psci_result(bm_hvc_call(PSCI_CPU_SUSPEND_64, ps,
                                        (uint64_t)(uintptr_t)bm_secondary_entry, slot));
    suspended[slot] = 0;
    bm_print("CPU_SUSPEND 0x%lx returned %d", ps, r);
}

/* "hvc-imm", "smc-imm": HVC #1 and SMC #0xffff with PSCI_VERSION in x0.
 * SMCCC calls use immediate 0 only, so neither is a PSCI call: under
 * Bulkhead each is UNDEFINED, and x0 comes back as it was. */
static void act_call_imm(bool smc)
{
    bm_print("%s with PSCI_VERSION in x0", smc ? "smc #0xffff" : "hvc #1");
    register uint64_t x0 __asm__("x0") = PSCI_VERSION;
    if (smc) {
        __asm__ volatile("smc #0xffff"
                         : "+r"(x0)
                         :
                         : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                           "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    } else {
        __asm__ volatile("hvc #1"
                         : "+r"(x0)
                         :
                         : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                           "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    }
    uint64_t after = x0;
    bm_print("%s: x0 = 0x%lx after", smc ? "smc #0xffff" : "hvc #1", after);
}

/* "uart-unaligned": accesses a PL011 does not take, each with a syndrome
 * (single register, no writeback) and naturally aligned (so the MMU-off
 * Device alignment check lets them reach the bus): a byte load from the
 * second byte of UARTFR, a halfword store to the upper half of UARTCR, a
 * doubleword load covering UARTDR and UARTRSR. A load that faults (and is
 * skipped) reads as the preset 0xbad0bad0. */
#define BM_UARTCR 0x30U

static void act_uart_unaligned(void)
{
    uint64_t base = bm_console_base();
    uint64_t b = 0xbad0bad0UL;
    uint64_t d = 0xbad0bad0UL;

    bm_print("ldrb from uart+0x%x", BM_UARTFR + 1U);
    __asm__ volatile("ldrb %w0, [%1]" : "+r"(b) : "r"(base + BM_UARTFR + 1U) : "memory");
    bm_print("read 0x%lx", b);
    bm_print("strh to uart+0x%x", BM_UARTCR + 2U);
    __asm__ volatile("strh %w0, [%1]" : : "r"(0xffffU), "r"(base + BM_UARTCR + 2U) : "memory");
    bm_print("ldr x from uart+0x0");
    __asm__ volatile("ldr %0, [%1]" : "+r"(d) : "r"(base) : "memory");
    bm_print("read 0x%lx", d);
    bm_print("survived uart-unaligned");
}

static void do_one_action(const char *a);

/* act=A,B,... runs each in turn. */
static void do_action(void)
{
    char one[BM_ACT_MAX];
    const char *p = cmd.act;

    while (*p != '\0') {
        uint32_t n = 0;
        while (p[n] != '\0' && p[n] != ',') {
            n++;
        }
        bm_strlcpy_n(one, sizeof(one), p, n);
        do_one_action(one);
        p += n;
        if (*p == ',') {
            p++;
        }
    }
}

/* Where the loader put us and our DTB: an image's footprint runs to _end
 * (BSS and stacks, which the file does not hold), and the DTB must lie
 * outside it or the first stack push overwrites it. */
static void act_layout(void)
{
    extern char _start_of_image[];
    extern char _end[];
    uint64_t lo = (uint64_t)(uintptr_t)_start_of_image;
    uint64_t hi = (uint64_t)(uintptr_t)_end;
    uint64_t d0 = bm_machine.dtb_base;
    uint64_t d1 = d0 + bm_machine.dtb_size;

    bm_print("layout: image 0x%lx-0x%lx, dtb 0x%lx-0x%lx: %s", lo, hi, d0, d1,
             (d0 < hi && d1 > lo) ? "DTB INSIDE THE IMAGE" : "separate");
}

/* The initrd /chosen describes: its range and a checksum of its bytes (a sum
 * of 32-bit little-endian words, the tail bytes zero-padded). */
static void act_initrd(void)
{
    if (!bm_machine.have_initrd) {
        bm_print("initrd: none in /chosen");
        return;
    }
    const uint8_t *p = (const uint8_t *)(uintptr_t)bm_machine.initrd_start;
    uint64_t n = bm_machine.initrd_end - bm_machine.initrd_start;
    uint32_t sum = 0;
    for (uint64_t i = 0; i < n; i += 4) {
        uint32_t w = 0;
        for (uint64_t k = 0; k < 4 && i + k < n; k++) {
            w |= (uint32_t)p[i + k] << (8 * k);
        }
        sum += w;
    }
    bm_print("initrd: 0x%lx-0x%lx, %lu bytes, sum 0x%x", bm_machine.initrd_start,
             bm_machine.initrd_end, n, sum);
}

static void do_one_action(const char *a)
{

    if (strcmp(a, "layout") == 0) {
        act_layout();
    } else if (strcmp(a, "initrd") == 0) {
        act_initrd();
    } else if (bm_startswith(a, "wild-read:")) {
        act_wild(a + 10, false);
    } else if (bm_startswith(a, "wild-write:")) {
        act_wild(a + 11, true);
    } else if (bm_startswith(a, "cpu-on:")) {
        act_cpu_on(a + 7);
    } else if (strcmp(a, "reset") == 0) {
        bm_print("SYSTEM_RESET");
        bm_print("SYSTEM_RESET returned %d",
                 psci_result(bm_hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0)));
    } else if (strcmp(a, "off") == 0) {
        bm_print("SYSTEM_OFF");
        bm_print("SYSTEM_OFF returned %d",
                 psci_result(bm_hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0)));
    } else if (strcmp(a, "uart-ldp") == 0) {
        /* A load pair from the (emulated) UART: no syndrome for EL2 to decode. */
        uint64_t lo;
        uint64_t hi;
        uint64_t base = bm_console_base();
        bm_print("ldp from uart 0x%lx", base);
        __asm__ volatile("ldp %0, %1, [%2]" : "=&r"(lo), "=&r"(hi) : "r"(base) : "memory");
        (void)lo;
        (void)hi;
        bm_print("survived ldp");
    } else if (strcmp(a, "uart-id") == 0) {
        uint64_t base = bm_console_base();
        uint32_t id[8];
        for (uint32_t i = 0; i < 8; i++) {
            id[i] = *(volatile uint32_t *)(uintptr_t)(base + 0xfe0u + 4u * i);
        }
        bm_print("uart id 0x%x 0x%x 0x%x 0x%x 0x%x 0x%x 0x%x 0x%x", id[0], id[1], id[2],
                 id[3], id[4], id[5], id[6], id[7]);
    } else if (strcmp(a, "actlr") == 0) {
        /* ACTLR_EL1 controls the core itself: trapped (HCR_EL2.TACR). */
        bm_print("writing ACTLR_EL1");
        __asm__ volatile("msr actlr_el1, xzr" : : : "memory");
        bm_print("survived actlr");
    } else if (strcmp(a, "dc-isw") == 0) {
        /* Set/way invalidate reaches shared caches: EL2 does it as clean+invalidate. */
        bm_print("dc isw");
        __asm__ volatile("dc isw, xzr" : : : "memory");
        bm_print("survived dc isw");
    } else if (strcmp(a, "sgi") == 0) {
        /* ICC_SGI1R_EL1: SGI 8 to Aff0 0-15 of affinity 0.0.0, i.e. at every
         * core of the board. With IRQs routed to EL2 this traps. */
        bm_print("sending SGI 8 to all cores");
        __asm__ volatile("msr S3_0_C12_C11_5, %0" : : "r"((8UL << 24) | 0xffffUL) : "memory");
        bm_print("survived sgi");
    } else if (bm_startswith(a, "suspend:")) {
        act_suspend(a + 8);
    } else if (strcmp(a, "hvc-imm") == 0) {
        act_call_imm(false);
    } else if (strcmp(a, "smc-imm") == 0) {
        act_call_imm(true);
    } else if (strcmp(a, "uart-unaligned") == 0) {
        act_uart_unaligned();
    } else if (bm_startswith(a, "fault-storm:")) {
        act_fault_storm(a + 12);
    } else if (strcmp(a, "bench") == 0) {
        act_bench();
    } else if (strcmp(a, "undef") == 0) {
        bm_print("executing udf");
        __asm__ volatile("udf #0" : : : "memory");
        bm_print("survived undef");
    } else if (strcmp(a, "smc-unknown") == 0) {
        bm_print("unknown call returned %d",
                 psci_result(bm_smc_call(SMCCC_UNKNOWN_FID, 0, 0, 0)));
    } else if (strcmp(a, "hvc-unknown") == 0) {
        bm_print("unknown call returned %d",
                 psci_result(bm_hvc_call(SMCCC_UNKNOWN_FID, 0, 0, 0)));
    } else if (strcmp(a, "psci-version") == 0) {
        int32_t v = psci_result(bm_hvc_call(PSCI_VERSION, 0, 0, 0));

        bm_print("PSCI_VERSION returned 0x%x (%u.%u)", (uint32_t)v,
                 (uint32_t)v >> PSCI_VERSION_MAJOR_SHIFT,
                 (uint32_t)v & PSCI_VERSION_MINOR_MASK);
    } else if (bm_startswith(a, "psci-features:")) {
        uint64_t id;

        if (!bm_parse_u64(a + 14, strlen(a + 14), true, &id)) {
            bm_print("bad function id '%s'", a + 14);
        } else {
            bm_print("PSCI_FEATURES 0x%lx returned %d", id,
                     psci_result(bm_hvc_call(PSCI_FEATURES, id, 0, 0)));
        }
    } else if (bm_startswith(a, "smccc:")) {
        /* "smccc:FID" or "smccc:FID:X1": HVC #0 with x0 = FID, x1 = X1
         * (SMCCC_ARCH_FEATURES and the workaround calls, test_spectre.py). */
        const char *f = a + 6;
        size_t flen = 0;
        uint64_t fid;
        uint64_t x1 = 0;

        while (f[flen] != '\0' && f[flen] != ':') {
            flen++;
        }
        if (!bm_parse_u64(f, flen, true, &fid) ||
            (f[flen] == ':' &&
             !bm_parse_u64(f + flen + 1, strlen(f + flen + 1), true, &x1))) {
            bm_print("bad SMCCC call '%s'", f);
        } else {
            bm_print("SMCCC 0x%lx (x1 0x%lx) returned %d", fid, x1,
                     psci_result(bm_hvc_call(fid, x1, 0, 0)));
        }
    } else if (!bm_irq_action(a) && !bm_fwcfg_action(a) && !bm_wdt_action(a) &&
               !bm_harden_action(a)) {
        bm_print("unknown action '%s'", a);
    }
}

/* ---- main loop ---------------------------------------------------------- */

static void __attribute__((noreturn)) run(void)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    uint64_t period;
    uint64_t next;

    if (cmd.hb_ms != 0 && freq == 0) {
        bm_print("CNTFRQ_EL0 is 0: no heartbeat");
        cmd.hb_ms = 0;
    }
    if (cmd.hb_ms == 0) {
        if (cmd.have_act) {
            do_action();
        }
        idle_forever();
    }
    period = (uint64_t)cmd.hb_ms * freq / BM_MS_PER_S;
    if (period == 0) {
        period = 1;
    }
    next = read_cntvct() + period;
    for (uint64_t k = 1;; k++) {
        uint64_t now;

        wait_until(next);
        bm_print("%s heartbeat %lu", cmd.name, k);
        if (cmd.tick_ms != 0 || cmd.ptick_ms != 0) {
            bm_irq_report_ticks(cmd.name, bm_machine.ncpus);
        }
        if (cmd.have_act && k == cmd.at) {
            if (cmd.on == bm_machine.boot_index) {
                do_action();
            } else {
                act_go = 1;
                __asm__ volatile("dsb ish\n\tsev" : : : "memory");
            }
        }
        next += period;
        now = read_cntvct();
        if ((int64_t)(now - next) >= 0) {
            next = now + period; /* an action or a stall overran: do not burst */
        }
    }
}

void bm_main(const void *dtb, uint64_t entry_count)
{
    uint64_t mpidr = my_mpidr();

    /* Before any WFE-based wait (secondary bring-up, heartbeat). */
    enable_event_stream();
    bm_read_dtb(dtb);
    if (!bm_machine.dtb_ok) {
        bm_print("no valid DTB at 0x%lx", (uint64_t)(uintptr_t)dtb);
    }
    for (uint32_t i = 0; i < bm_machine.ncpus && i < BM_MAX_CPUS; i++) {
        if (bm_machine.mpidr[i] == mpidr) {
            bm_machine.boot_index = i;
        }
    }
    /* Our lock slot is our DTB index, the one a secondary with that index would use. */
    write_sysreg(tpidr_el1, bm_machine.boot_index);
    parse_bootargs(bm_machine.bootargs);

    if (cmd.timestamp) {
        /* Read before the line is written: the virtual time of the first
         * console output, counted from counter zero (reset, on QEMU). */
        uint64_t now = read_cntvct();
        uint64_t freq = read_sysreg(cntfrq_el0);
        bm_print("first line at counter %lu, %lu ns; entered at counter %lu, %lu ns", now,
                 freq != 0 ? now * 1000000000UL / freq : 0UL, entry_count,
                 freq != 0 ? entry_count * 1000000000UL / freq : 0UL);
    }
    bm_print("hello from partition %s on cpu %u (mpidr 0x%lx), %u cpus, "
             "memory 0x%lx-0x%lx, boot count %u",
             cmd.name, bm_machine.boot_index, mpidr, bm_machine.ncpus, bm_machine.mem_base,
             bm_machine.mem_base + bm_machine.mem_size, bm_machine.boot_count);
    if (cmd.irq) {
        if (!bm_irq_probe(dtb)) {
            bm_print("irq: no GICv3 in the DTB");
            cmd.irq = false;
        } else {
            bm_irq_init_boot();
            if (!bm_irq_init_cpu()) {
                bm_print("irq: no redistributor for cpu %u", bm_machine.boot_index);
                cmd.irq = false;
            } else {
                bm_irq_start_timers(cmd.tick_ms, cmd.ptick_ms);
            }
        }
    }
    if (cmd.smp) {
        start_secondaries();
    }
    run();
}

/* ---- exceptions --------------------------------------------------------- */

static bool skippable(uint64_t ec)
{
    return ec == ESR_EC_UNKNOWN || ec == ESR_EC_IABT_LOW || ec == ESR_EC_IABT_CUR ||
           ec == ESR_EC_DABT_LOW || ec == ESR_EC_DABT_CUR;
}

void bm_exception(struct bm_frame *frame, uint64_t index)
{
    uint64_t kind = index % 4;
    uint64_t esr;
    uint64_t ec;
    uint64_t far;

    if (kind == VEC_KIND_IRQ && cmd.irq) {
        bm_irq_handle(frame->pad);
        return;
    }
    if (kind == VEC_KIND_IRQ || kind == VEC_KIND_FIQ) {
        /* Unmasked only with "irq": seeing one otherwise means the
         * hypervisor broke PSTATE. */
        bm_print("unexpected %s (vector 0x%lx), parking",
                 kind == VEC_KIND_IRQ ? "IRQ" : "FIQ", index * VECTOR_ENTRY_SIZE);
        bm_park();
    }
    esr = read_sysreg(esr_el1);
    far = read_sysreg(far_el1);
    ec = (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
    if (kind == VEC_KIND_SYNC && bm_probe_active) {
        /* A hardening probe (harden.c): whatever its instruction raised is
         * its answer; carry on after it. */
        bm_probe_ec = ec;
        bm_probe_caught++;
        frame->elr += 4;
        return;
    }
    caught_count++;
    if (!quiet_catch) {
        bm_print("caught EC=0x%02lx ESR=0x%lx FAR=0x%lx ELR=0x%lx", ec, esr, far,
                 frame->elr);
    }
    if (kind != VEC_KIND_SYNC || !skippable(ec)) {
        bm_print("parking cpu %lu", read_sysreg(tpidr_el1));
        bm_park();
    }
    /*
     * Skipping a faulting fetch usually faults again at the next word; stop
     * after a few in a row instead of printing forever.
     */
    if (ec == ESR_EC_IABT_LOW || ec == ESR_EC_IABT_CUR) {
        iabt_streak = frame->elr == last_iabt_elr + 4 ? iabt_streak + 1 : 1;
        last_iabt_elr = frame->elr;
        if (iabt_streak >= BM_IABT_STREAK_MAX) {
            bm_print("instruction aborts keep coming, parking cpu %lu",
                     read_sysreg(tpidr_el1));
            bm_park();
        }
    }
    frame->elr += 4; /* every A64 instruction is 4 bytes */
}
