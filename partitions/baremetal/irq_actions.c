/*
 * The baremetal guest's interrupt test actions (README.md, "Interrupts"):
 * SGIs within and past the partition, attacks on SPIs it does not own, the
 * PL031's interrupt, interrupts left pending over a restart, and the
 * interrupt latency benchmark. Results are printed here, outside interrupt
 * context; irq.c's handler only counts.
 */
#include "bm.h"
#include "irq.h"
#include "irq_internal.h"
#include "machine.h"
#include "sysreg.h"

#define LAT_HIST_BUCKETS        64u
#define LAT_HIST_PER_LINE       16u   /* a line stays under the emulated UART's 160 */

/* ---- actions ------------------------------------------------------------------------ */

static uint64_t sgi1r_for(uint64_t mpidr, uint32_t intid)
{
    uint64_t aff0 = mpidr & 0xff;
    return ((uint64_t)intid << SGI1R_INTID_SHIFT) | (((mpidr >> 8) & 0xff) << SGI1R_AFF1_SHIFT) |
           (((mpidr >> 16) & 0xff) << SGI1R_AFF2_SHIFT) |
           (((mpidr >> 32) & 0xff) << SGI1R_AFF3_SHIFT) | ((aff0 >> 4) << SGI1R_RS_SHIFT) |
           (1ull << (aff0 & 0xf));
}

static void send_sgi_raw(uint64_t v)
{
    __asm__ volatile("dsb ishst" ::: "memory");
    write_sysreg(S3_0_C12_C11_5, v);                                 /* ICC_SGI1R_EL1 */
    isb();
}

/* Waits up to ms of counter time for *ctr to pass `above`. */
static bool wait_count(volatile uint32_t *ctr, uint32_t above, uint32_t ms)
{
    uint64_t deadline = read_cntvct() + read_sysreg(cntfrq_el0) * ms / 1000u;

    while (*ctr <= above) {
        if ((int64_t)(read_cntvct() - deadline) >= 0) {
            return false;
        }
        wfe();
    }
    return true;
}

/* Lets interrupts in flight arrive. */
static void settle_ms(uint32_t ms)
{
    uint64_t until = read_cntvct() + read_sysreg(cntfrq_el0) * ms / 1000u;
    while ((int64_t)(read_cntvct() - until) < 0) {
        wfe();
    }
}

static uint32_t sum_sgis(uint32_t intid)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < BM_NUM_SLOTS; i++) {
        n += sgis[i][intid];
    }
    return n;
}

/* sgi-to:V: SGI 3 to the DTB's CPU V. */
static void act_sgi_to(uint32_t v)
{
    if (v >= bm_machine.ncpus || v >= BM_MAX_CPUS) {
        bm_print("sgi-to: no cpu %u", v);
        return;
    }
    uint32_t before = sgis[v][SGI_PING];
    send_sgi_raw(sgi1r_for(bm_machine.mpidr[v], SGI_PING));
    bm_print("sgi %u to cpu %u: %s", SGI_PING, v,
             wait_count(&sgis[v][SGI_PING], before, 200) ? "delivered" : "NOT delivered");
}

/* sgi-foreign: SGIs aimed past the partition (a CPU index it does not have,
 * other affinity levels, the hypervisor's SGI 8), then IRM=1 (every other
 * CPU of its own). */
static void act_sgi_foreign(void)
{
    uint32_t before = sum_sgis(SGI_PING);
    uint32_t before8 = sum_sgis(8);

    send_sgi_raw(((uint64_t)SGI_PING << SGI1R_INTID_SHIFT) | (1ull << (bm_machine.ncpus & 0xf)));
    send_sgi_raw(((uint64_t)SGI_PING << SGI1R_INTID_SHIFT) | (1ull << SGI1R_AFF1_SHIFT) | 0xffff);
    send_sgi_raw(((uint64_t)SGI_PING << SGI1R_INTID_SHIFT) | (1ull << SGI1R_AFF2_SHIFT) | 0xffff);
    send_sgi_raw(((uint64_t)SGI_PING << SGI1R_INTID_SHIFT) | (1ull << SGI1R_AFF3_SHIFT) | 0xffff);
    send_sgi_raw(((uint64_t)SGI_PING << SGI1R_INTID_SHIFT) | (1ull << SGI1R_RS_SHIFT) | 0xffff);
    send_sgi_raw((8ull << SGI1R_INTID_SHIFT) | 0xffff);
    settle_ms(50);
    bm_print("sgi-foreign: sgi %u received %u times, sgi 8 %u times", SGI_PING,
             sum_sgis(SGI_PING) - before, sum_sgis(8) - before8);
    before = sum_sgis(SGI_PING);
    send_sgi_raw(((uint64_t)SGI_PING << SGI1R_INTID_SHIFT) | SGI1R_IRM);
    /* Every other CPU of ours should take it: waited for up to 2 s of
     * counter time (a vCPU thread of a 20-core QEMU on a 2-core host may
     * not run for a while), then 50 ms more for any extra to show. */
    uint32_t others = bm_machine.ncpus > 0 ? bm_machine.ncpus - 1u : 0u;
    uint64_t deadline = read_cntvct() + read_sysreg(cntfrq_el0) * 2u;
    while (sum_sgis(SGI_PING) - before < others && (int64_t)(read_cntvct() - deadline) < 0) {
        wfe();
    }
    settle_ms(50);
    bm_print("sgi-foreign: broadcast received %u times", sum_sgis(SGI_PING) - before);
}

/* spi-attack:N: every configuration register of SPI N, as a partition that
 * does not own it would try, then what it reads back. */
static void act_spi_attack(uint32_t intid)
{
    uint32_t w = intid / 32u, bit = 1u << (intid % 32u);

    wr32(gic.gicd + GICD_ISENABLER(w), bit);
    wr32(gic.gicd + GICD_ISPENDR(w), bit);
    wr32(gic.gicd + GICD_ISACTIVER(w), bit);
    wr8(gic.gicd + GICD_IPRIORITYR(intid), 0);
    wr32(gic.gicd + GICD_ICFGR(intid / 16u), 0xffffffffu);
    wr64(gic.gicd + GICD_IROUTER(intid), 0);
    wr32(gic.gicd + GICD_ICENABLER(w), bit);
    bm_print("spi-attack %u: enabled %u pending %u active %u priority 0x%x route 0x%lx", intid,
             (rd32(gic.gicd + GICD_ISENABLER(w)) & bit) != 0,
             (rd32(gic.gicd + GICD_ISPENDR(w)) & bit) != 0,
             (rd32(gic.gicd + GICD_ISACTIVER(w)) & bit) != 0,
             rd8(gic.gicd + GICD_IPRIORITYR(intid)),
             rd64(gic.gicd + GICD_IROUTER(intid)));
}

/* hyp-sgi: the hypervisor's SGI 8 on our own redistributor: disable it,
 * lowest priority, and send it to ourselves. */
static void act_hyp_sgi(void)
{
    uint64_t rd = cpu_gicr[slot()];
    wr32(rd + GICR_ICENABLER0, 1u << 8);
    wr8(rd + GICR_IPRIORITYR(8), 0xff);
    send_sgi_raw((8ull << SGI1R_INTID_SHIFT) | 1u);
    bm_print("hyp-sgi: enable reads 0x%x, priority 0x%x", rd32(rd + GICR_ISENABLER0) & (1u << 8),
             rd8(rd + GICR_IPRIORITYR(8)));
}

/* sgi-storm:N: N SGIs to ourselves, as fast as the writes go. */
static void act_sgi_storm(uint32_t n)
{
    uint32_t s = slot();
    uint32_t before = sgis[s][SGI_STORM];
    uint64_t me = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
    for (uint32_t i = 0; i < n; i++) {
        send_sgi_raw(sgi1r_for(me, SGI_STORM));
    }
    (void)wait_count(&sgis[s][SGI_STORM], before + n - 1u, 100);
    bm_print("sgi-storm: sent %u, received %u", n, sgis[s][SGI_STORM] - before);
}

/* prio-order: SGIs 0-7 with priorities so that 7 is the most urgent, sent
 * least urgent first while interrupts are masked: more at once than the
 * GIC's list registers; they must be taken most urgent first. */
static void act_prio_order(void)
{
    uint64_t rd = cpu_gicr[slot()];
    uint64_t me = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
    char line[64];
    size_t used = 0;

    for (uint32_t i = 0; i < 8u; i++) {
        wr8(rd + GICR_IPRIORITYR(i), (uint8_t)(0x80u - 0x10u * i));
    }
    __asm__ volatile("msr daifset, #2" ::: "memory");
    norder = 0;
    for (uint32_t i = 0; i < 8u; i++) {
        send_sgi_raw(sgi1r_for(me, i));
    }
    /* Let them all arrive before unmasking. */
    settle_ms(10);
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    (void)wait_count(&norder, 7, 200);
    line[0] = '\0';
    for (uint32_t i = 0; i < norder && i < 16u && used + 1u < sizeof(line); i++) {
        used += bm_snprintf(line + used, sizeof(line) - used, " %u", order[i]);
    }
    bm_print("priority order:%s", line);
    for (uint32_t i = 0; i < 8u; i++) {
        wr8(rd + GICR_IPRIORITYR(i), GIC_PRIO_DEFAULT);
    }
}

/* disable-active: the virtual timer's handler disables its interrupt while
 * it is active; re-enabled, it must fire again (it was deactivated). */
static void act_disable_active(void)
{
    uint32_t s = slot();
    if (vperiod == 0) {
        bm_irq_start_timers(10, 0);
    }
    disable_cpu = s;
    disable_in_handler = true;
    (void)wait_count(&disabled_in_handler, 0, 500);
    uint32_t at = vticks[s];
    write_sysreg(cntv_cval_el0, read_cntvct() + vperiod);
    enable_private(PPI_VTIMER, true);
    bm_print("disable-active: disabled in handler %u, fired again: %s", disabled_in_handler,
             wait_count(&vticks[s], at, 500) ? "yes" : "NO");
}

/* rtc-irq: the PL031's match interrupt, one second ahead. */
static void act_rtc_irq(void)
{
    if (gic.rtc == 0) {
        bm_print("rtc-irq: no pl031 in the DTB");
        return;
    }
    uint32_t w = gic.rtc_intid / 32u, bit = 1u << (gic.rtc_intid % 32u);
    uint32_t before = rtc_irqs;
    wr64(gic.gicd + GICD_IROUTER(gic.rtc_intid), read_sysreg(mpidr_el1) & MPIDR_AFF_MASK);
    wr32(gic.gicd + GICD_ISENABLER(w), bit);
    wr32(gic.rtc + RTC_ICR, 1);
    wr32(gic.rtc + RTC_MR, rd32(gic.rtc + RTC_DR) + 1u);
    wr32(gic.rtc + RTC_IMSC, 1);
    bool got = wait_count(&rtc_irqs, before, 3000);
    wr32(gic.rtc + RTC_IMSC, 0);
    bm_print("rtc-irq: interrupt %u %s (%u so far)", gic.rtc_intid, got ? "taken" : "NOT taken",
             rtc_irqs);
}

/* rtc-arm: the PL031's match interrupt one second ahead, enabled and
 * routed here, without waiting for it. */
static void act_rtc_arm(void)
{
    uint32_t w = gic.rtc_intid / 32u, bit = 1u << (gic.rtc_intid % 32u);
    wr64(gic.gicd + GICD_IROUTER(gic.rtc_intid), read_sysreg(mpidr_el1) & MPIDR_AFF_MASK);
    wr32(gic.gicd + GICD_ISENABLER(w), bit);
    wr32(gic.rtc + RTC_ICR, 1);
    wr32(gic.rtc + RTC_MR, rd32(gic.rtc + RTC_DR) + 1u);
    wr32(gic.rtc + RTC_IMSC, 1);
    bm_print("rtc-arm: interrupt %u armed", gic.rtc_intid);
}

/* rtc-storm:N: the PL031's level interrupt left asserted for N interrupts
 * (the handler does not clear it), then cleared: an interrupt storm on this
 * CPU. */
static void act_rtc_storm(uint32_t n)
{
    if (gic.rtc == 0) {
        bm_print("rtc-storm: no pl031 in the DTB");
        return;
    }
    uint32_t w = gic.rtc_intid / 32u, bit = 1u << (gic.rtc_intid % 32u);
    uint32_t before = rtc_irqs;
    wr64(gic.gicd + GICD_IROUTER(gic.rtc_intid), read_sysreg(mpidr_el1) & MPIDR_AFF_MASK);
    wr32(gic.gicd + GICD_ISENABLER(w), bit);
    rtc_no_clear = n;
    wr32(gic.rtc + RTC_ICR, 1);
    wr32(gic.rtc + RTC_MR, rd32(gic.rtc + RTC_DR) + 1u);
    wr32(gic.rtc + RTC_IMSC, 1);
    bool done = wait_count(&rtc_irqs, before + n, 5000);
    wr32(gic.rtc + RTC_IMSC, 0);
    wr32(gic.rtc + RTC_ICR, 1);
    rtc_no_clear = 0;
    bm_print("rtc-storm: %u interrupts%s", rtc_irqs - before, done ? "" : " (timed out)");
}

/* stale-check: in the first run, leave interrupts pending (an SGI to this
 * CPU with IRQs masked, the RTC's match) and restart the partition; in the
 * next run, report whether any of them arrived. */
static void act_stale_check(void)
{
    if (bm_machine.boot_count <= 1) {
        uint64_t me = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
        __asm__ volatile("msr daifset, #2" ::: "memory");
        send_sgi_raw(sgi1r_for(me, 5));
        if (gic.rtc != 0) {
            uint32_t w = gic.rtc_intid / 32u, bit = 1u << (gic.rtc_intid % 32u);
            wr32(gic.gicd + GICD_ISENABLER(w), bit);
            wr32(gic.gicd + GICD_ISPENDR(w), bit);
            wr32(gic.rtc + RTC_MR, rd32(gic.rtc + RTC_DR));
            wr32(gic.rtc + RTC_IMSC, 1);
        }
        settle_ms(10);
        bm_print("stale-check: restarting with interrupts pending");
        (void)bm_hvc_call(0x84000009u, 0, 0, 0);   /* PSCI SYSTEM_RESET */
        bm_print("stale-check: SYSTEM_RESET returned");
        return;
    }
    settle_ms(100);
    bm_print("stale-check: run %u received sgi 5: %u, rtc: %u, other: %u",
             bm_machine.boot_count, sum_sgis(5), rtc_irqs, other_irqs);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
    return a < b ? -1 : (a > b ? 1 : 0);
}

static void sort_u32(uint32_t *a, uint32_t n)
{
    /* Shell sort: no recursion, no allocation, fine for 10,000 samples. */
    for (uint32_t gap = n / 2u; gap > 0; gap /= 2u) {
        for (uint32_t i = gap; i < n; i++) {
            uint32_t v = a[i];
            uint32_t j = i;
            while (j >= gap && cmp_u32(a[j - gap], v) > 0) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = v;
        }
    }
}

/*
 * The sorted samples as a histogram: LAT_HIST_BUCKETS buckets of equal width
 * from the minimum, wide enough to hold the maximum (bucket i counts samples
 * in [min + i * width, min + (i + 1) * width)). A header line, then
 * LAT_HIST_PER_LINE counts a line, each line led by its first bucket's index.
 */
static void print_latency_hist(uint32_t n)
{
    static uint32_t counts[LAT_HIST_BUCKETS];
    uint32_t lo = lat_samples[0];
    uint64_t span = (uint64_t)lat_samples[n - 1u] - lo + 1u;
    uint64_t width = (span + LAT_HIST_BUCKETS - 1u) / LAT_HIST_BUCKETS;

    for (uint32_t b = 0; b < LAT_HIST_BUCKETS; b++) {
        counts[b] = 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        counts[((uint64_t)lat_samples[i] - lo) / width]++;
    }
    bm_print("latency-hist: %u buckets of %lu ticks from %u", LAT_HIST_BUCKETS, width, lo);
    for (uint32_t b = 0; b < LAT_HIST_BUCKETS; b += LAT_HIST_PER_LINE) {
        char line[LAT_HIST_PER_LINE * 7u];
        size_t used = 0;

        line[0] = '\0';
        for (uint32_t i = b; i < b + LAT_HIST_PER_LINE && used + 1u < sizeof(line); i++) {
            used += bm_snprintf(line + used, sizeof(line) - used, " %u", counts[i]);
        }
        bm_print("latency-hist %u:%s", b, line);
    }
}

/* latency:N: the virtual timer armed a little ahead, N times; ticks from the
 * deadline to the IRQ vector's first instructions. */
static void act_latency(uint32_t n)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    uint64_t ahead = freq / 20000u;   /* 50 us */

    if (n > LAT_MAX_SAMPLES) {
        n = LAT_MAX_SAMPLES;
    }
    enable_private(PPI_VTIMER, true);
    lat_cpu = slot();
    lat_mode = true;
    lat_n = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t before = lat_n;
        lat_deadline = read_cntvct() + ahead;
        write_sysreg(cntv_cval_el0, lat_deadline);
        write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
        isb();
        while (lat_n == before) {
            wfi();
        }
    }
    lat_mode = false;
    if (vperiod != 0) {
        /* Back to the periodic tick this CPU had. */
        write_sysreg(cntv_cval_el0, read_cntvct() + vperiod);
        write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
        isb();
    }
    sort_u32(lat_samples, n);
    bm_print("latency: %u samples, min %u p50 %u p99 %u max %u ticks (counter %lu Hz)", n,
             lat_samples[0], lat_samples[n / 2u], lat_samples[(uint64_t)n * 99u / 100u],
             lat_samples[n - 1u], freq);
    print_latency_hist(n);
}

bool bm_irq_action(const char *a)
{
    uint64_t v;

    if (gic.gicd == 0) {
        if (bm_startswith(a, "sgi") || bm_startswith(a, "spi") || bm_startswith(a, "hyp-sgi") ||
            bm_startswith(a, "prio") || bm_startswith(a, "disable-") ||
            bm_startswith(a, "rtc-") || bm_startswith(a, "latency") ||
            bm_startswith(a, "stale-check")) {
            bm_print("%s: no GICv3 in the DTB", a);
            return true;
        }
        return false;
    }
    if (bm_startswith(a, "sgi-to:") && bm_parse_u64(a + 7, strnlen(a + 7, 8), false, &v)) {
        act_sgi_to((uint32_t)v);
    } else if (strcmp(a, "sgi-foreign") == 0) {
        act_sgi_foreign();
    } else if (bm_startswith(a, "spi-attack:") &&
               bm_parse_u64(a + 11, strnlen(a + 11, 8), false, &v) && v >= 32 && v < 1020) {
        act_spi_attack((uint32_t)v);
    } else if (strcmp(a, "hyp-sgi") == 0) {
        act_hyp_sgi();
    } else if (bm_startswith(a, "sgi-storm:") &&
               bm_parse_u64(a + 10, strnlen(a + 10, 12), false, &v) && v > 0 &&
               v <= 100000000u) {
        act_sgi_storm((uint32_t)v);
    } else if (strcmp(a, "prio-order") == 0) {
        act_prio_order();
    } else if (strcmp(a, "disable-active") == 0) {
        act_disable_active();
    } else if (strcmp(a, "rtc-irq") == 0) {
        act_rtc_irq();
    } else if (bm_startswith(a, "rtc-storm:") &&
               bm_parse_u64(a + 10, strnlen(a + 10, 8), false, &v) && v <= 10000000) {
        act_rtc_storm((uint32_t)v);
    } else if (strcmp(a, "rtc-arm") == 0 && gic.rtc != 0) {
        act_rtc_arm();
    } else if (strcmp(a, "stale-check") == 0) {
        act_stale_check();
    } else if (bm_startswith(a, "latency:") &&
               bm_parse_u64(a + 8, strnlen(a + 8, 8), false, &v) && v > 0) {
        act_latency((uint32_t)v);
    } else {
        return false;
    }
    return true;
}
