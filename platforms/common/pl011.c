/*
 * PL011 polled transmit and receive. The firmware (or QEMU) has already set the baud
 * rate; Bulkhead only makes sure the UART and its transmitter are enabled, so
 * the console works whether or not a boot loader touched it.
 */
#include "pl011.h"

/* Bounds the wait for FIFO space: a wedged UART must not hang a core that
 * is reporting a fault, it just loses characters. */
#define PL011_TX_SPIN_LIMIT     1000000u

static inline uint32_t rd(uintptr_t base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void wr(uintptr_t base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

void pl011_init(uintptr_t base)
{
	uint32_t cr = rd(base, PL011_CR);
	if ((cr & (PL011_CR_UARTEN | PL011_CR_TXE)) != (PL011_CR_UARTEN | PL011_CR_TXE)) {
		wr(base, PL011_LCR_H, PL011_LCR_H_WLEN_8 | PL011_LCR_H_FEN);
		wr(base, PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
	}
}

void pl011_putc(uintptr_t base, char c)
{
	for (uint32_t spin = 0; spin < PL011_TX_SPIN_LIMIT; spin++) {
		if ((rd(base, PL011_FR) & PL011_FR_TXFF) == 0) {
			break;
		}
	}
	wr(base, PL011_DR, (uint8_t)c);
}

/* How many characters the transmit FIFO takes once FR.TXFE says it is
 * empty: 16 in the PL011 r1p4 and earlier (r1p5 has 32; 16 is safe for
 * both), 1 with the FIFOs off (LCR_H.FEN clear: a one-character holding
 * register). */
#define PL011_TX_FIFO_MIN       16u

void pl011_write(uintptr_t base, const char *s, uint32_t n)
{
	/* One status read per FIFO's worth, not per character: a boot line
	 * costs a fraction of what per-character polling does. */
	uint32_t burst = (rd(base, PL011_LCR_H) & PL011_LCR_H_FEN) != 0 ? PL011_TX_FIFO_MIN : 1u;
	while (n > 0) {
		for (uint32_t spin = 0; spin < PL011_TX_SPIN_LIMIT; spin++) {
			if ((rd(base, PL011_FR) & PL011_FR_TXFE) != 0) {
				break;
			}
		}
		uint32_t k = n < burst ? n : burst;
		for (uint32_t i = 0; i < k; i++) {
			wr(base, PL011_DR, (uint8_t)s[i]);
		}
		s += k;
		n -= k;
	}
}

/* Waits (boundedly, as pl011_putc) until the last character has left the
 * shift register: FR.BUSY stays set while the FIFO holds data or a character
 * is being sent (PL011 TRM, UARTFR). */
void pl011_flush(uintptr_t base)
{
	for (uint32_t spin = 0; spin < PL011_TX_SPIN_LIMIT; spin++) {
		if ((rd(base, PL011_FR) & PL011_FR_BUSY) == 0) {
			break;
		}
	}
}

void pl011_rx_enable(uintptr_t base)
{
	wr(base, PL011_CR, rd(base, PL011_CR) | PL011_CR_RXE);
	wr(base, PL011_IMSC, rd(base, PL011_IMSC) | PL011_INT_RX | PL011_INT_RT);
}

int pl011_getc(uintptr_t base)
{
	if ((rd(base, PL011_FR) & PL011_FR_RXFE) != 0) {
		return -1;
	}
	/* Reading UARTDR takes the byte; the error flags above it (framing,
	 * parity, break, overrun) are dropped with their byte. */
	return (int)(rd(base, PL011_DR) & PL011_DR_DATA_MASK);
}
