/*
 * The baremetal guest's exception handler: IRQs go to irq.c, a hardening
 * probe's exception is its answer, and the faults an action provokes are
 * reported and skipped so the guest survives them.
 */
#include "bm.h"
#include "bootargs.h"
#include "harden.h"
#include "irq.h"
#include "sysreg.h"

/* Instruction aborts at ELR, ELR+4, ...: give up skipping after this many. */
#define BM_IABT_STREAK_MAX 8U

/* Instruction-abort streak detection, see bm_exception(). */
static uint64_t last_iabt_elr;
/* "fault-storm": count caught exceptions without printing each one. */
volatile uint32_t caught_count;
volatile bool quiet_catch;
static uint32_t iabt_streak;

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
