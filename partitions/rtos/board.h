/*
 * What the RTOS learns from the DTB it is given (x0 at entry).
 */
#ifndef RTOS_BOARD_H
#define RTOS_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#define BOARD_MAX_MEM 4
#define BOARD_NAME_MAX 32

/* INTIDs used when the DTB does not say (QEMU virt's). */
#define BOARD_DEFAULT_VTIMER_INTID 27u

struct mem_region {
	uint64_t base;
	uint64_t size;
};

struct board {
	const void *fdt;
	uintptr_t uart;           /* 0: none found */
	uint32_t uart_intid;      /* 0: none */
	uintptr_t gicd;
	uintptr_t gicr;
	uint64_t gicr_size;
	uint64_t gicr_stride;
	uint32_t vtimer_intid;
	struct mem_region mem[BOARD_MAX_MEM];
	unsigned nmem;
	/* From /chosen/bootargs */
	char name[BOARD_NAME_MAX];
	uint32_t period_us;
	bool quiet;
	uint32_t counters_s;     /* counters=S: Bulkhead's counters hypercall every S s (0: never) */
	bool overflow;
};

extern struct board board;

/* Step 1, before the first line: the console UART and the bootargs. */
void board_early(const void *fdt);
/* Step 2: GIC, timer, memory. Returns false (and says why) on a DTB without
 * what the kernel needs. */
bool board_probe(void);

#endif
