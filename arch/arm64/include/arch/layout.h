/* Where the image sits inside the hypervisor's reserved RAM (CONFIG_HYP_BASE). */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#include "generated/autoconf.h"

/* The Image header's text_offset. Boot loaders put the image at a 2 MiB-aligned
 * base plus this; QEMU's -kernel loader moves any image asking for less than
 * its boot stub's size up by 2 MiB, so asking for 2 MiB is what both agree on.
 * [CONFIG_HYP_BASE, +HYP_TEXT_OFFSET) stays part of the hypervisor's range. */
#define HYP_TEXT_OFFSET         0x200000

/*
 * EL2 stacks. Core i's slot is [__stacks_start + i * SLOT, + SLOT), aligned
 * to SLOT; its stack is the upper half and the lower half is never mapped.
 * Every address a core's stack pointer may legally hold therefore has bit
 * HYP_STACK_SHIFT set, and an overflow clears it: exception.S tests that bit
 * before it stores anything, so an overflow stops the core with a report
 * instead of faulting again and again down into the next core's stack.
 */
#define HYP_STACK_SHIFT         CONFIG_STACK_SHIFT
#define HYP_STACK_SIZE          (1 << HYP_STACK_SHIFT)
#define HYP_STACK_SLOT          (2 * HYP_STACK_SIZE)
/* Where a core continues after its stack overflowed, just to report it. */
#define HYP_EMERGENCY_STACK     4096

#endif /* ARCH_LAYOUT_H */
