/*
 * GICv3: distributor, this core's redistributor, system-register CPU
 * interface. Group 1 interrupts, EOImode 0 (what direct mode requires).
 */
#ifndef RTOS_GIC_H
#define RTOS_GIC_H

#include <stdbool.h>
#include <stdint.h>

bool gic_init(uintptr_t gicd, uintptr_t gicr, uint64_t gicr_size, uint64_t stride);
/* Enables intid (SGI/PPI in our redistributor, SPI routed to this core). */
void gic_enable(uint32_t intid);

#endif
