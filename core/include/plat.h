/*
 * The seam between generic code and a board (platforms/NAME/platform.c).
 * A port implements every function here; nothing else in core/ or arch/
 * knows which board it runs on.
 */
#ifndef BULKHEAD_PLAT_H
#define BULKHEAD_PLAT_H

#include <stdint.h>

/* Board name, as in platforms/NAME. */
const char *plat_name(void);

/* Console used by the hypervisor. Safe with the MMU off (device access). */
void plat_console_init(void);
void plat_console_putc(char c);
/* n characters of s, as n plat_console_putc calls would write them. */
void plat_console_write(const char *s, uint32_t n);
/* Returns once everything written has left the UART (before a power-off). */
void plat_console_flush(void);
/* Console input (core/console_mux.c): the INTID of the UART's receive
 * interrupt (an SPI; 0 if the board takes no input), turning that
 * interrupt on in the UART, and one byte typed (-1 if none waits). */
uint32_t plat_console_rx_intid(void);
void plat_console_rx_enable(void);
int plat_console_getc(void);

/* Device ranges the hypervisor maps at EL2 for itself. */
struct plat_mmio_range {
	const char *name;
	uint64_t base;
	uint64_t size;
};
const struct plat_mmio_range *plat_el2_mmio_ranges(unsigned int *count);

/* The GIC's frames: distributor, and (GICv3) the first redistributor. */
uint64_t plat_gicd_base(void);
uint64_t plat_gicr_base(void);

#endif /* BULKHEAD_PLAT_H */
