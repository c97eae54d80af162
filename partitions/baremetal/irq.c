/*
 * Interrupts in the baremetal guest: a GICv3 driver whose frames come from
 * the DTB (natively the board's, in a partition the emulated ones), the EL1
 * timers as periodic interrupts on every CPU, the PL031's match interrupt,
 * SGIs between CPUs; the interrupt test actions the system tests and the
 * latency benchmark drive are in irq_actions.c. Handlers only count and
 * re-arm; everything is printed outside interrupt context (the console lock
 * is not re-entrant).
 */
#include "bm.h"
#include "fdt.h"
#include "irq.h"
#include "irq_internal.h"
#include "machine.h"
#include "sysreg.h"

struct gic gic;
uint64_t cpu_gicr[BM_NUM_SLOTS];

/* Counters, per CPU slot; written only by that CPU's handler. */
volatile uint32_t vticks[BM_NUM_SLOTS];
static volatile uint32_t pticks[BM_NUM_SLOTS];
volatile uint32_t sgis[BM_NUM_SLOTS][16];
volatile uint32_t rtc_irqs;
volatile uint32_t rtc_no_clear;   /* rtc-storm: interrupts left with the level high */
volatile uint32_t other_irqs;
uint64_t vperiod;
static uint64_t pperiod;

/* prio-order: the order SGIs were taken in. */
volatile uint32_t order[16];
volatile uint32_t norder;

/* disable-active: the vtimer handler disables its own interrupt once. */
volatile bool disable_in_handler;
volatile uint32_t disable_cpu;
volatile uint32_t disabled_in_handler;

/* latency mode */
volatile bool lat_mode;
volatile uint32_t lat_cpu;
volatile uint64_t lat_deadline;
volatile uint32_t lat_n;
/* Written before read: kept out of BSS (baremetal.lds, .noclear). */
uint32_t lat_samples[LAT_MAX_SAMPLES] __attribute__((section(".noclear")));

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

void enable_private(uint32_t intid, bool on)
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
