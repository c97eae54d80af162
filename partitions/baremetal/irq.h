/*
 * The baremetal guest's interrupt support (irq.c, irq_actions.c): GICv3 from
 * the DTB, the EL1 timers, and the interrupt test actions (README.md,
 * "Interrupts").
 */
#ifndef BM_IRQ_H
#define BM_IRQ_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the GICv3 (and a PL031 with its interrupt) in the DTB. */
bool bm_irq_probe(const void *dtb);
/* The distributor: boot CPU, once. */
void bm_irq_init_boot(void);
/* This CPU's redistributor and CPU interface; unmasks IRQs. */
bool bm_irq_init_cpu(void);
/* Periodic virtual / EL1 physical timer interrupts on this CPU (0: off). */
void bm_irq_start_timers(uint32_t vtick_ms, uint32_t ptick_ms);
/* One line: each CPU's timer interrupt counts. */
void bm_irq_report_ticks(const char *name, uint32_t ncpus);
/* The IRQ exception; entry_ts is CNTVCT_EL0 read in the vector. */
void bm_irq_handle(uint64_t entry_ts);
/* Runs an interrupt action if `a` names one; false if it does not. */
bool bm_irq_action(const char *a);

#endif
