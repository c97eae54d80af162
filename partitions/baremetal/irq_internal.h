/*
 * Shared by the baremetal guest's interrupt files only (irq.c, the driver and
 * handler; irq_actions.c, the interrupt test actions): the GICv3 and PL031
 * registers, the frames found in the DTB, the counts the handler keeps and
 * the test modes the actions set for it. Not an interface of the module.
 */
#ifndef BM_IRQ_INTERNAL_H
#define BM_IRQ_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bm_config.h"
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

struct gic {
    uint64_t gicd;
    uint64_t gicr;
    uint64_t rtc;
    uint32_t rtc_intid;
    uint32_t nlines;        /* INTIDs the distributor has */
};

/* The GICv3's and the PL031's frames (bm_irq_probe) and the distributor's size. */
extern struct gic gic;
/* Per CPU slot: its redistributor frame (bm_irq_init_cpu). */
extern uint64_t cpu_gicr[BM_NUM_SLOTS];

/* Counters, per CPU slot; written only by that CPU's handler. */
/* Virtual timer interrupts taken. */
extern volatile uint32_t vticks[BM_NUM_SLOTS];
/* SGIs taken, by INTID. */
extern volatile uint32_t sgis[BM_NUM_SLOTS][16];
/* PL031 match interrupts taken, on any CPU. */
extern volatile uint32_t rtc_irqs;
/* rtc-storm: interrupts left with the level high. */
extern volatile uint32_t rtc_no_clear;
/* Interrupts of any other INTID taken. */
extern volatile uint32_t other_irqs;
/* The virtual timer's period in ticks (0: no tick). */
extern uint64_t vperiod;

/* prio-order: the SGIs in the order they were taken. */
extern volatile uint32_t order[16];
/* prio-order: how many of order[] are filled. */
extern volatile uint32_t norder;

/* disable-active: set to have the vtimer handler disable its interrupt once. */
extern volatile bool disable_in_handler;
/* disable-active: the CPU slot whose handler does it. */
extern volatile uint32_t disable_cpu;
/* disable-active: how many times a handler did it. */
extern volatile uint32_t disabled_in_handler;

/* latency: set while the vtimer handler records samples instead of ticking. */
extern volatile bool lat_mode;
/* latency: the CPU slot that measures. */
extern volatile uint32_t lat_cpu;
/* latency: the counter value the timer is armed for. */
extern volatile uint64_t lat_deadline;
/* latency: samples taken so far. */
extern volatile uint32_t lat_n;
/* latency: ticks from each deadline to the IRQ vector. */
extern uint32_t lat_samples[LAT_MAX_SAMPLES];

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

static inline uint32_t slot(void)
{
    return (uint32_t)read_sysreg(tpidr_el1);
}

/* Enables (on) or disables a PPI or SGI at this CPU's redistributor. */
void enable_private(uint32_t intid, bool on);

#endif
