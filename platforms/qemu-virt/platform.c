/* QEMU virt: the board hooks of core/include/plat.h. */
#include "plat.h"
#include "plat/platform.h"
#include "../common/pl011.h"

static const struct plat_mmio_range el2_mmio[] = {
	{ "GIC", PLAT_GIC_BASE, PLAT_GIC_SIZE },
	{ "UART", PLAT_UART_BASE, PLAT_UART_SIZE },
};

void plat_console_init(void)
{
	pl011_init(PLAT_UART_BASE);
}

void plat_console_putc(char c)
{
	pl011_putc(PLAT_UART_BASE, c);
}

void plat_console_write(const char *s, uint32_t n)
{
	pl011_write(PLAT_UART_BASE, s, n);
}

void plat_console_flush(void)
{
	pl011_flush(PLAT_UART_BASE);
}

uint32_t plat_console_rx_intid(void)
{
	return PLAT_UART_INTID;
}

void plat_console_rx_enable(void)
{
	pl011_rx_enable(PLAT_UART_BASE);
}

int plat_console_getc(void)
{
	return pl011_getc(PLAT_UART_BASE);
}

const struct plat_mmio_range *plat_el2_mmio_ranges(unsigned int *count)
{
	*count = sizeof(el2_mmio) / sizeof(el2_mmio[0]);
	return el2_mmio;
}

uint64_t plat_gicd_base(void)
{
	return PLAT_GICD_BASE;
}

uint64_t plat_gicr_base(void)
{
	return PLAT_GICR_BASE;
}

const char *plat_name(void)
{
	return PLAT_NAME;
}
