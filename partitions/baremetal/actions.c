/*
 * The baremetal guest's "act=" actions: each misbehaves (or asks something)
 * in one way and prints what came of it; those of irq.c, fwcfg.c, wdt.c and
 * harden.c are tried last.
 */
#include "actions.h"
#include "bm.h"
#include "bootargs.h"
#include "fwcfg.h"
#include "harden.h"
#include "irq.h"
#include "machine.h"
#include "psci.h"
#include "sysreg.h"
#include "wdt.h"

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
void do_action(void)
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
