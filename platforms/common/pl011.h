/* Arm PrimeCell UART (PL011): polled transmit, interrupt-driven receive. */
#ifndef PLAT_PL011_H
#define PLAT_PL011_H

#include <stdint.h>

/* Register offsets and flags, from the PL011 Technical Reference Manual (DDI 0183). */
#define PL011_DR                0x000u
#define PL011_FR                0x018u
#define PL011_IBRD              0x024u
#define PL011_FBRD              0x028u
#define PL011_LCR_H             0x02cu
#define PL011_CR                0x030u
#define PL011_IMSC              0x038u
#define PL011_ICR               0x044u
#define PL011_DR_DATA_MASK      0xffu
#define PL011_INT_RX            (1u << 4)   /* receive (FIFO at its level) */
#define PL011_INT_RT            (1u << 6)   /* receive timeout */
#define PL011_FR_TXFE           (1u << 7)
#define PL011_FR_TXFF           (1u << 5)
#define PL011_FR_RXFE           (1u << 4)
#define PL011_FR_BUSY           (1u << 3)
#define PL011_LCR_H_WLEN_8      (3u << 5)
#define PL011_LCR_H_FEN         (1u << 4)
#define PL011_CR_UARTEN         (1u << 0)
#define PL011_CR_TXE            (1u << 8)
#define PL011_CR_RXE            (1u << 9)

void pl011_init(uintptr_t base);
void pl011_putc(uintptr_t base, char c);
/* n characters, polling the status once per FIFO's worth. */
void pl011_write(uintptr_t base, const char *s, uint32_t n);
void pl011_flush(uintptr_t base);
/* Unmasks the receive and receive-timeout interrupts: together they signal
 * any byte waiting, however few. */
void pl011_rx_enable(uintptr_t base);
/* One received byte, or -1 if the receive FIFO is empty. */
int pl011_getc(uintptr_t base);

#endif /* PLAT_PL011_H */
