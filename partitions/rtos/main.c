/*
 * Boot: the first line as early as possible (only the UART and the bootargs
 * are read from the DTB before it), then the rest of the DTB, the MMU with
 * guard pages, the GIC, the kernel and the application.
 */
#include <stdint.h>

#include "app.h"
#include "arch.h"
#include "board.h"
#include "gic.h"
#include "kernel.h"
#include "mmu.h"
#include "pl011.h"
#include "rtos.h"

#define NS_PER_S 1000000000ull

extern char _start_of_image[];

static uint64_t ticks_to_ns(uint64_t t, uint64_t f)
{
	/* Split so t * 1e9 cannot overflow. */
	return (t / f) * NS_PER_S + (t % f) * NS_PER_S / f;
}

/* Our own: libfdt is built with the stack protector, picolibc's would exit. */
void __stack_chk_fail(void)
{
	console_raw("rtos: stack protector tripped; halted\n");
	rtos_halt();
}

void rtos_main(const void *fdt, uint64_t t_entry)
{
	uint64_t t_first;
	uint64_t f = read_sysreg(cntfrq_el0);

	board_early(fdt);
	pl011_init(board.uart);
	t_first = cntvct();
	console_raw("rtos: %s first line at counter %lu (%lu ns), entry at counter %lu (%lu ns)\n",
		    board.name, (unsigned long)t_first, (unsigned long)ticks_to_ns(t_first, f),
		    (unsigned long)t_entry, (unsigned long)ticks_to_ns(t_entry, f));
	if (!board_probe()) {
		rtos_halt();
	}
	kernel_init();
	if (!mmu_init()) {
		rtos_halt();
	}
	if (!gic_init(board.gicd, board.gicr, board.gicr_size, board.gicr_stride)) {
		rtos_halt();
	}
	(void)irq_register(board.vtimer_intid, kernel_timer_irq, NULL);
	console_raw("rtos: %s: uart 0x%lx intid %u, gicd 0x%lx, gicr 0x%lx, timer intid %u, "
		    "memory 0x%lx-0x%lx, image 0x%lx, period %u us, cntfrq %lu Hz\n", board.name,
		    (unsigned long)board.uart, board.uart_intid, (unsigned long)board.gicd,
		    (unsigned long)board.gicr, board.vtimer_intid, (unsigned long)board.mem[0].base,
		    (unsigned long)(board.mem[0].base + board.mem[0].size),
		    (unsigned long)(uintptr_t)_start_of_image, (unsigned)board.period_us, (unsigned long)f);
	app_init();
	kernel_start();
}
