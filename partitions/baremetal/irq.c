/*
 * Interrupts in the baremetal guest: a GICv3 driver whose frames come from
 * the DTB (natively the board's, in a partition the emulated ones), the EL1
 * timers as periodic interrupts on every CPU, the PL031's match interrupt,
 * SGIs between CPUs, and the interrupt test actions the system tests and the
 * latency benchmark drive. Handlers only count and re-arm; everything is
 * printed outside interrupt context (the console lock is not re-entrant).
 */
#include "bm.h"
#include "fdt.h"
#include "irq.h"
#include "machine.h"
#include "sysreg.h"

/* GICv3 (Arm IHI 0069, chapter 12) */
#define GICD_CTLR               0x0000u
#define GICD_CTLR_RWP           (1u << 31)
#define GICD_CTLR_ARE           (1u << 4)
#define GICD_CTLR_ENABLE_G1     (1u << 1)
#define GICD_TYPER              0x0004u
#define GICD_TYPER_LINES_MASK   0x1fu
#define GICD_IGROUPR(n)         (0x0080u + 4u * (n))
#define GICD_ISENABLER(n)       (0x0100u + 4u * (n))
#define GICD_ICENABLER(n)       (0x0180u + 4u * (n))
#define GICD_ISPENDR(n)         (0x0200u + 4u * (n))
#define GICD_ISACTIVER(n)       (0x0300u + 4u * (n))
#define GICD_IPRIORITYR(n)      (0x0400u + (n))
#define GICD_ICFGR(n)           (0x0c00u + 4u * (n))
#define GICD_IROUTER(n)         (0x6000u + 8u * (n))
#define GICR_FRAME              0x20000u
#define GICR_TYPER              0x0008u
#define GICR_TYPER_LAST         (1ull << 4)
#define GICR_TYPER_AFF_SHIFT    32
#define GICR_WAKER              0x0014u
#define GICR_WAKER_SLEEP        (1u << 1)
#define GICR_WAKER_ASLEEP       (1u << 2)
#define GICR_SGI                0x10000u
#define GICR_IGROUPR0           (GICR_SGI + 0x0080u)
#define GICR_ISENABLER0         (GICR_SGI + 0x0100u)
#define GICR_ICENABLER0         (GICR_SGI + 0x0180u)
#define GICR_IPRIORITYR(n)      (GICR_SGI + 0x0400u + (n))
#define GIC_MAX_FRAMES          64u
#define GIC_WAIT_POLLS          1000000u
#define GIC_SPURIOUS            1020u
#define GIC_PRIO_DEFAULT        0xa0u

#define PPI_VTIMER              27u
#define PPI_PTIMER              30u
#define SGI_PING                3u
#define SGI_STORM               4u

/* CNT[VP]_CTL_EL0 */
#define CNT_CTL_ENABLE          (1u << 0)
#define CNT_CTL_IMASK           (1u << 1)

/* PL031 (ARM PrimeCell RTC TRM) */
#define RTC_DR                  0x000u
#define RTC_MR                  0x004u
#define RTC_IMSC                0x010u
#define RTC_MIS                 0x018u
#define RTC_ICR                 0x01cu

/* ICC_SGI1R_EL1 fields */
#define SGI1R_INTID_SHIFT       24
#define SGI1R_AFF1_SHIFT        16
#define SGI1R_AFF2_SHIFT        32
#define SGI1R_IRM               (1ull << 40)
#define SGI1R_RS_SHIFT          44
#define SGI1R_AFF3_SHIFT        48

#define LAT_MAX_SAMPLES         10000u
#define LAT_HIST_BUCKETS        64u
#define LAT_HIST_PER_LINE       16u   /* a line stays under the emulated UART's 160 */

struct gic {
    uint64_t gicd;
    uint64_t gicr;
    uint64_t rtc;
    uint32_t rtc_intid;
    uint32_t nlines;        /* INTIDs the distributor has */
};

static struct gic gic;
static uint64_t cpu_gicr[BM_NUM_SLOTS];

/* Counters, per CPU slot; written only by that CPU's handler. */
static volatile uint32_t vticks[BM_NUM_SLOTS];
static volatile uint32_t pticks[BM_NUM_SLOTS];
static volatile uint32_t sgis[BM_NUM_SLOTS][16];
static volatile uint32_t rtc_irqs;
static volatile uint32_t rtc_no_clear;   /* rtc-storm: interrupts left with the level high */
static volatile uint32_t other_irqs;
static uint64_t vperiod;
static uint64_t pperiod;

/* prio-order: the order SGIs were taken in. */
static volatile uint32_t order[16];
static volatile uint32_t norder;

/* disable-active: the vtimer handler disables its own interrupt once. */
static volatile bool disable_in_handler;
static volatile uint32_t disable_cpu;
static volatile uint32_t disabled_in_handler;

/* latency mode */
static volatile bool lat_mode;
static volatile uint32_t lat_cpu;
static volatile uint64_t lat_deadline;
static volatile uint32_t lat_n;
/* Written before read: kept out of BSS (baremetal.lds, .noclear). */
static uint32_t lat_samples[LAT_MAX_SAMPLES] __attribute__((section(".noclear")));

/*
 * Device accesses as single loads and stores with a plain base register:
 * the compiler may otherwise use writeback or pair forms, which an emulated
 * device cannot decode (no syndrome; the hypervisor answers with an abort,
 * as Linux's readl/writel never give it cause to).
 */
static inline uint32_t rd32(uint64_t a)
{
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}

static inline void wr32(uint64_t a, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline uint64_t rd64(uint64_t a)
{
    uint64_t v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}

static inline void wr64(uint64_t a, uint64_t v)
{
    __asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline uint8_t rd8(uint64_t a)
{
    uint8_t v;
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}

static inline void wr8(uint64_t a, uint8_t v)
{
    __asm__ volatile("strb %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static uint32_t slot(void)
{
    return (uint32_t)read_sysreg(tpidr_el1);
}

/* ---- the DTB ---------------------------------------------------------------- */

static bool has_compatible(const struct fdt *f, long node, const char *want)
{
    uint32_t len = 0;
    const char *c = (const char *)fdt_prop(f, node, "compatible", &len);
    uint32_t i = 0;

    while (c != NULL && i < len) {
        if (strcmp(c + i, want) == 0) {
            return true;
        }
        i += (uint32_t)strnlen(c + i, len - i) + 1u;
    }
    return false;
}

static long find_compatible(const struct fdt *f, const char *want)
{
    long root = fdt_root(f);

    for (long n = fdt_first_child(f, root); n >= 0; n = fdt_next_sibling(f, n)) {
        if (has_compatible(f, n, want)) {
            return n;
        }
    }
    return -1;
}

static bool reg_n(const struct fdt *f, long node, uint32_t idx, uint64_t *base)
{
    uint32_t len = 0;
    const uint8_t *reg = fdt_prop(f, node, "reg", &len);

    /* Root #address-cells and #size-cells are 2 in every DTB we get. */
    if (reg == NULL || len < (idx + 1u) * 16u) {
        return false;
    }
    return fdt_read_cells(reg + idx * 16u, 2, base);
}

bool bm_irq_probe(const void *dtb)
{
    struct fdt f;

    if (!fdt_init(&f, dtb)) {
        return false;
    }
    long g = find_compatible(&f, "arm,gic-v3");
    if (g < 0 || !reg_n(&f, g, 0, &gic.gicd) || !reg_n(&f, g, 1, &gic.gicr)) {
        return false;
    }
    long rtc = find_compatible(&f, "arm,pl031");
    uint32_t len = 0;
    const uint8_t *irq = rtc >= 0 ? fdt_prop(&f, rtc, "interrupts", &len) : NULL;
    if (irq != NULL && len >= 12 && fdt_be32(irq) == 0 && reg_n(&f, rtc, 0, &gic.rtc)) {
        gic.rtc_intid = 32u + fdt_be32(irq + 4);   /* <0 N flags>: SPI N */
    }
    return true;
}

/* ---- the GIC ------------------------------------------------------------------ */

static bool wait_clear(uint64_t addr, uint32_t bit)
{
    for (uint32_t i = 0; i < GIC_WAIT_POLLS; i++) {
        if ((rd32(addr) & bit) == 0) {
            return true;
        }
    }
    return false;
}

void bm_irq_init_boot(void)
{
    gic.nlines = 32u * ((rd32(gic.gicd + GICD_TYPER) & GICD_TYPER_LINES_MASK) + 1u);
    wr32(gic.gicd + GICD_CTLR, 0);
    (void)wait_clear(gic.gicd + GICD_CTLR, GICD_CTLR_RWP);
    /* Natively (one Security state) SPIs reset to Group 0; in a partition
     * the groups read as zero and ignore this: they are Group 1 already. */
    for (uint32_t n = 1; n < gic.nlines / 32u; n++) {
        wr32(gic.gicd + GICD_IGROUPR(n), 0xffffffffu);
    }
    wr32(gic.gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
    (void)wait_clear(gic.gicd + GICD_CTLR, GICD_CTLR_RWP);
}

static uint64_t find_gicr(uint64_t mpidr)
{
    uint64_t aff = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);

    for (uint32_t i = 0; i < GIC_MAX_FRAMES; i++) {
        uint64_t frame = gic.gicr + (uint64_t)i * GICR_FRAME;
        uint64_t typer = rd64(frame + GICR_TYPER);
        if ((typer >> GICR_TYPER_AFF_SHIFT) == aff) {
            return frame;
        }
        if ((typer & GICR_TYPER_LAST) != 0) {
            break;
        }
    }
    return 0;
}

bool bm_irq_init_cpu(void)
{
    uint64_t rd = find_gicr(read_sysreg(mpidr_el1) & MPIDR_AFF_MASK);

    if (rd == 0) {
        return false;
    }
    cpu_gicr[slot()] = rd;
    wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
    (void)wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP);
    wr32(rd + GICR_IGROUPR0, 0xffffffffu);
    for (uint32_t i = 0; i < 32u; i++) {
        wr8(rd + GICR_IPRIORITYR(i), GIC_PRIO_DEFAULT);
    }
    /* Every SGI on; the timers when asked. */
    wr32(rd + GICR_ISENABLER0, 0xffffu);
    write_sysreg(S3_0_C12_C12_5, read_sysreg(S3_0_C12_C12_5) | 1u);   /* ICC_SRE_EL1.SRE */
    isb();
    write_sysreg(S3_0_C4_C6_0, 0xff);                                /* ICC_PMR_EL1 */
    write_sysreg(S3_0_C12_C12_3, 0);                                 /* ICC_BPR1_EL1 */
    write_sysreg(S3_0_C12_C12_4, 0);                                 /* ICC_CTLR_EL1: EOImode 0 */
    write_sysreg(S3_0_C12_C12_7, 1);                                 /* ICC_IGRPEN1_EL1 */
    isb();
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    return true;
}

static void enable_private(uint32_t intid, bool on)
{
    uint64_t rd = cpu_gicr[slot()];
    wr32(rd + (on ? GICR_ISENABLER0 : GICR_ICENABLER0), 1u << intid);
}

/* ---- timers --------------------------------------------------------------------- */

void bm_irq_start_timers(uint32_t vtick_ms, uint32_t ptick_ms)
{
    uint64_t freq = read_sysreg(cntfrq_el0);

    if (vtick_ms != 0) {
        vperiod = freq * vtick_ms / 1000u;
        write_sysreg(cntv_cval_el0, read_cntvct() + vperiod);
        write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
        enable_private(PPI_VTIMER, true);
    }
    if (ptick_ms != 0) {
        pperiod = freq * ptick_ms / 1000u;
        write_sysreg(cntp_cval_el0, read_sysreg(cntpct_el0) + pperiod);
        write_sysreg(cntp_ctl_el0, CNT_CTL_ENABLE);
        enable_private(PPI_PTIMER, true);
    }
    isb();
}

void bm_irq_report_ticks(const char *name, uint32_t ncpus)
{
    char line[160];
    size_t used = 0;

    line[0] = '\0';
    for (uint32_t i = 0; i < ncpus && i < BM_MAX_CPUS && used + 1u < sizeof(line); i++) {
        used += bm_snprintf(line + used, sizeof(line) - used, " cpu%u %u/%u", i, vticks[i],
                            pticks[i]);
    }
    bm_print("%s ticks (virtual/physical):%s", name, line);
}

/* ---- the handler -------------------------------------------------------------------- */

static void on_vtimer(uint32_t s, uint64_t entry_ts)
{
    if (lat_mode && s == lat_cpu) {
        uint64_t d = entry_ts - lat_deadline;
        if (lat_n < LAT_MAX_SAMPLES) {
            lat_samples[lat_n] = d > 0xffffffffu ? 0xffffffffu : (uint32_t)d;
        }
        lat_n++;
        write_sysreg(cntv_ctl_el0, CNT_CTL_IMASK);   /* one shot */
        return;
    }
    vticks[s]++;
    if (disable_in_handler && s == disable_cpu) {
        /* Disable the interrupt while it is active (before the EOI): it
         * must still be deactivated, or it never fires again. */
        disable_in_handler = false;
        enable_private(PPI_VTIMER, false);
        disabled_in_handler++;
    }
    write_sysreg(cntv_cval_el0, read_sysreg(cntv_cval_el0) + vperiod);
}

void bm_irq_handle(uint64_t entry_ts)
{
    uint32_t s = slot();

    for (uint32_t i = 0; i < 16u; i++) {
        uint32_t intid = (uint32_t)read_sysreg(S3_0_C12_C12_0) & 0xffffffu;   /* ICC_IAR1_EL1 */
        if (intid >= GIC_SPURIOUS) {
            break;
        }
        if (intid == PPI_VTIMER) {
            on_vtimer(s, entry_ts);
        } else if (intid == PPI_PTIMER) {
            pticks[s]++;
            write_sysreg(cntp_cval_el0, read_sysreg(cntp_cval_el0) + pperiod);
        } else if (intid < 16u) {
            sgis[s][intid]++;
            if (norder < 16u) {
                order[norder++] = intid;
            }
        } else if (gic.rtc_intid != 0 && intid == gic.rtc_intid) {
            rtc_irqs++;
            if (rtc_no_clear != 0) {
                /* Storm: the level stays high, so it fires again at once
                 * (and starves this CPU of anything else) until the count
                 * runs out. */
                rtc_no_clear--;
            } else {
                wr32(gic.rtc + RTC_IMSC, 0);
                wr32(gic.rtc + RTC_ICR, 1);
            }
        } else {
            other_irqs++;
        }
        write_sysreg(S3_0_C12_C12_1, intid);                                    /* ICC_EOIR1_EL1 */
    }
    isb();
}

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
