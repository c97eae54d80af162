#ifndef RTOS_MMU_H
#define RTOS_MMU_H

#include <stdbool.h>

/* Identity-maps the DTB's memory (Normal, write-back) and devices
 * (Device-nGnRE), leaves every stack guard page unmapped, and turns the
 * EL1 MMU and caches on. */
bool mmu_init(void);

#endif
