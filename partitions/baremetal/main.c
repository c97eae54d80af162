/*
 * baremetal: a small EL1 test guest for Bulkhead partitions (and for running
 * natively on QEMU virt). It reports what its DTB gives it, optionally starts
 * its other CPUs, prints a heartbeat and performs one misbehaviour on request,
 * surviving the faults it provokes so a test can see containment work.
 */
#include "actions.h"
#include "bm.h"
#include "bootargs.h"
#include "irq.h"
#include "machine.h"
#include "psci.h"
#include "sysreg.h"

#define BM_MS_PER_S 1000U
/* Bounded wait for one secondary CPU to report in, in seconds of counter time. */
#define BM_CPU_UP_TIMEOUT_S 10U
/* Fallback poll count for that wait when CNTFRQ_EL0 reads 0. */
#define BM_CPU_UP_POLLS 100000000UL
/* Event stream period target: about 1/10000 s, so WFE-based waits are precise. */
#define BM_EVENT_STREAM_HZ 10000U

/* start.S gives the boot CPU its own stack; secondaries use bm_stacks[slot]. */
uint8_t bm_boot_stack[BM_STACK_SIZE] __attribute__((aligned(16), section(".stacks")));
uint8_t bm_stacks[BM_NUM_SLOTS][BM_STACK_SIZE] __attribute__((aligned(16), section(".stacks")));

/* Set by each secondary once it has printed; polled by the boot CPU. */
static volatile uint32_t cpu_up[BM_NUM_SLOTS];
/* Set by "suspend:" before CPU_SUSPEND: a CPU entering bm_secondary_main
 * with its flag set woke from a power-down state, not from CPU_ON. */
volatile uint32_t suspended[BM_NUM_SLOTS];

static uint64_t my_mpidr(void)
{
    return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
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

int32_t cpu_on(uint64_t mpidr, uint64_t slot)
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
