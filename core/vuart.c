/*
 * Emulated PL011, see vuart.h. Register offsets, bits and reset values from
 * the PL011 Technical Reference Manual (Arm DDI 0183G), chapter 3.
 *
 * The transmit FIFO never fills: a byte written to UARTDR is taken at once
 * into the partition's console line. The receive side is a FIFO the
 * console's input fills (vuart_receive); its levels, and the interrupts
 * they raise, follow the TRM as a driver observes them.
 */
#include "bh_string.h"
#include "log.h"
#include "vuart.h"

#define VUART_PAGE              0x1000u
#define VUART_REG_MASK          0x3u    /* registers are 32-bit words */

#define UARTDR                  0x000u
#define UARTRSR                 0x004u  /* UARTECR when written */
#define UARTFR                  0x018u
#define UARTILPR                0x020u
#define UARTIBRD                0x024u
#define UARTFBRD                0x028u
#define UARTLCR_H               0x02cu
#define UARTCR                  0x030u
#define UARTIFLS                0x034u
#define UARTIMSC                0x038u
#define UARTRIS                 0x03cu
#define UARTMIS                 0x040u
#define UARTICR                 0x044u
#define UARTDMACR               0x048u
#define UARTPERIPHID0           0xfe0u

/* UARTDR on read: the data byte and its error flags (overrun at bit 11). */
#define UARTDR_DATA_MASK        0xffu
#define UARTDR_OE               (1u << 11)
/* UARTRSR: overrun error. */
#define UARTRSR_OE              (1u << 3)
/* UARTFR */
#define UARTFR_RXFE             (1u << 4)
#define UARTFR_TXFF             (1u << 5)
#define UARTFR_RXFF             (1u << 6)
#define UARTFR_TXFE             (1u << 7)
/* UARTLCR_H: FIFOs enabled (else one-byte holding registers). */
#define UARTLCR_H_FEN           (1u << 4)
#define UARTLCR_H_MASK          0xffu
/* UARTCR: reset value has TXE and RXE set, UARTEN clear. */
#define UARTCR_RESET            0x0300u
#define UARTCR_MASK             0xff87u
/* UARTIFLS: RXIFLSEL in [5:3], TXIFLSEL in [2:0]; reset is half-full for both. */
#define UARTIFLS_RESET          0x12u
#define UARTIFLS_MASK           0x3fu
#define UARTIFLS_RX_SHIFT       3u
#define UARTIFLS_SEL_MASK       0x7u
/* Interrupt bits, the same in IMSC, RIS, MIS and ICR. */
#define UART_INT_RX             (1u << 4)
#define UART_INT_TX             (1u << 5)
#define UART_INT_RT             (1u << 6)
#define UART_INT_OE             (1u << 10)
#define UART_INT_MASK           0x7ffu
#define UARTIBRD_MASK           0xffffu
/* Output filter states (escape_swallowed). */
#define VUART_ESC               0x1bu
#define VUART_BS                0x08u
#define VUART_ESC_NONE          0u
#define VUART_ESC_SEEN          1u
#define VUART_ESC_CSI           2u
#define VUART_CSI_FINAL_MIN     0x40u
#define VUART_CSI_FINAL_MAX     0x7eu
#define UARTFBRD_MASK           0x3fu

/* PrimeCell identification (PeriphID0-3, CellID0-3), which Linux's AMBA bus
 * reads to match the driver: part 0x011, designer 0x41 (Arm), revision 3
 * (r1p5, whose FIFOs are 32 deep: Linux sizes them by this revision). */
static const uint8_t primecell_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

void vuart_init(struct vuart *u, const char *name, uint64_t base_ipa, uint32_t intid)
{
	memset(u, 0, sizeof(*u));
	u->name = name;
	u->base_ipa = base_ipa;
	u->intid = intid;
	u->cr = UARTCR_RESET;
	u->ifls = UARTIFLS_RESET;
}

void vuart_reset(struct vuart *u)
{
	vuart_flush(u);
	uint32_t live = u->live;
	vuart_init(u, u->name, u->base_ipa, u->intid);
	u->live = live;
}

int vuart_covers(const struct vuart *u, uint64_t ipa)
{
	return u->base_ipa != 0 && ipa >= u->base_ipa && ipa - u->base_ipa < VUART_PAGE;
}

void vuart_flush(struct vuart *u)
{
	if (u->len > 0) {
		u->line[u->len] = '\0';
		log_tagged_line(u, u->name, u->line);
		u->len = 0;
	}
}

void vuart_set_live(struct vuart *u, int live)
{
	if (u->live && !live) {
		log_tagged_close(u);
	}
	u->live = live != 0;
}

/* Terminal control sequences are dropped whole: ESC and the byte after it,
 * or ESC '[', its parameters and its final byte (0x40-0x7e; ECMA-48 CSI).
 * The partition's terminal is the operator's, shared with every other
 * partition: nothing it sends may move the cursor, recolour, or ask the
 * terminal to answer (a shell's ESC[6n cursor query would be answered into
 * whichever partition has the input focus). */
static int escape_swallowed(struct vuart *u, char c)
{
	unsigned char b = (unsigned char)c;
	switch (u->esc) {
	case VUART_ESC_NONE:
		if (b == VUART_ESC) {
			u->esc = VUART_ESC_SEEN;
			return 1;
		}
		return 0;
	case VUART_ESC_SEEN:
		u->esc = b == '[' ? VUART_ESC_CSI : VUART_ESC_NONE;
		return 1;
	default:
		if (b >= VUART_CSI_FINAL_MIN && b <= VUART_CSI_FINAL_MAX) {
			u->esc = VUART_ESC_NONE;
		}
		return 1;
	}
}

static void put_char(struct vuart *u, char c)
{
	if (c == '\n') {
		u->esc = VUART_ESC_NONE;
		/* A line cut at the maximum length already went out: its newline
		 * ends it rather than printing an empty line after it. */
		if (u->wrapped && u->len == 0) {
			u->wrapped = 0;
			return;
		}
		/* An empty line is still a line the partition printed. */
		u->line[u->len] = '\0';
		log_tagged_line(u, u->name, u->line);
		u->len = 0;
		return;
	}
	if (c == '\r') {
		return;
	}
	if (escape_swallowed(u, c)) {
		return;
	}
	if ((unsigned char)c == VUART_BS) {
		/* Backspace takes back the last byte of the line: a shell echoes
		 * an erased character as BS, space, BS. */
		if (u->len > 0) {
			u->len--;
			u->line[u->len] = '\0';
			if (u->live) {
				log_tagged_partial(u, u->name, u->line, u->len);
			}
		}
		return;
	}
	u->wrapped = 0;
	/* Control and non-ASCII bytes are shown as '.', so a partition cannot
	 * send escape sequences to the operator's terminal. */
	if ((unsigned char)c < 0x20u && c != '\t') {
		c = '.';
	} else if ((unsigned char)c >= 0x7fu) {
		c = '.';
	}
	u->line[u->len++] = c;
	u->line[u->len] = '\0';
	if (u->len == VUART_LINE_MAX) {
		vuart_flush(u);
		u->wrapped = 1;
	} else if (u->live) {
		log_tagged_partial(u, u->name, u->line, u->len);
	}
}

/* Entries the driver sees in the receive FIFO: 32, or 1 with the FIFOs off. */
static uint32_t fifo_depth(const struct vuart *u)
{
	return (u->lcr_h & UARTLCR_H_FEN) != 0 ? VUART_FIFO_DEPTH : 1u;
}

/* The receive interrupt's trigger level: RXIFLSEL 0..4 is 1/8, 1/4, 1/2,
 * 3/4, 7/8 full (reserved values behave as 1/2 here); one byte with the
 * FIFOs off. */
static uint32_t rx_trigger(const struct vuart *u)
{
	static const uint32_t eighths[8] = { 1u, 2u, 4u, 6u, 7u, 4u, 4u, 4u };
	if ((u->lcr_h & UARTLCR_H_FEN) == 0) {
		return 1u;
	}
	uint32_t sel = (u->ifls >> UARTIFLS_RX_SHIFT) & UARTIFLS_SEL_MASK;
	return VUART_FIFO_DEPTH * eighths[sel] / 8u;
}

/* UARTRIS. Receive is level-like: RXRIS while the FIFO is at or above its
 * trigger level. The receive timeout (RTRIS: data waiting below the level
 * and none arriving for 32 bit periods) is taken as elapsed as soon as the
 * input burst has been queued, since nothing paces it here; so RTRIS is
 * set while any byte waits, and reading the FIFO empty clears both, as on
 * the PL011. TX and overrun are events, latched until UARTICR. */
static uint32_t raw_status(const struct vuart *u)
{
	uint32_t ris = u->ris_latched;
	if (u->rx_count >= rx_trigger(u)) {
		ris |= UART_INT_RX;
	}
	if (u->rx_count > 0) {
		ris |= UART_INT_RT;
	}
	return ris;
}

int vuart_irq_level(const struct vuart *u)
{
	return (raw_status(u) & u->imsc) != 0;
}

int vuart_receive(struct vuart *u, uint8_t c)
{
	if (u->rx_count == VUART_RX_MAX) {
		u->rx_dropped++;
		u->rsr |= UARTRSR_OE;
		u->ris_latched |= UART_INT_OE;
		return 0;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_RX_MAX] = c;
	u->rx_count++;
	return 1;
}

static uint32_t read_data(struct vuart *u)
{
	if (u->rx_count == 0) {
		/* An empty FIFO reads as zero (the TRM leaves it undefined). */
		return 0;
	}
	uint32_t v = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1u) % VUART_RX_MAX;
	u->rx_count--;
	if ((u->rsr & UARTRSR_OE) != 0) {
		/* The overrun is reported once, with the next byte read (the
		 * PL011 flags the byte the lost data followed). */
		v |= UARTDR_OE;
		u->rsr &= ~UARTRSR_OE;
	}
	return v;
}

static uint32_t read_reg(struct vuart *u, uint64_t off)
{
	switch (off) {
	case UARTDR:
		return read_data(u);
	case UARTRSR:
		return u->rsr;
	case UARTFR: {
		uint32_t fr = UARTFR_TXFE;
		if (u->rx_count == 0) {
			fr |= UARTFR_RXFE;
		}
		if (u->rx_count >= fifo_depth(u)) {
			fr |= UARTFR_RXFF;
		}
		return fr;
	}
	case UARTIBRD:
		return u->ibrd;
	case UARTFBRD:
		return u->fbrd;
	case UARTLCR_H:
		return u->lcr_h;
	case UARTCR:
		return u->cr;
	case UARTIFLS:
		return u->ifls;
	case UARTIMSC:
		return u->imsc;
	case UARTRIS:
		return raw_status(u);
	case UARTMIS:
		return raw_status(u) & u->imsc;
	default:
		break;
	}
	if (off >= UARTPERIPHID0 && off < UARTPERIPHID0 + 0x20u && (off & 3u) == 0) {
		return primecell_id[(off - UARTPERIPHID0) / 4u];
	}
	/* ILPR, DMACR (no DMA) and everything unassigned. */
	return 0;
}

static void write_reg(struct vuart *u, uint64_t off, uint32_t v)
{
	switch (off) {
	case UARTDR:
		put_char(u, (char)(v & UARTDR_DATA_MASK));
		/* The byte left the (never full) FIFO at once: it is at or below
		 * any transmit trigger level, which raises TXRIS. */
		u->ris_latched |= UART_INT_TX;
		break;
	case UARTRSR:
		/* UARTECR: any write clears the error flags. */
		u->rsr = 0;
		break;
	case UARTIBRD:
		u->ibrd = v & UARTIBRD_MASK;
		break;
	case UARTFBRD:
		u->fbrd = v & UARTFBRD_MASK;
		break;
	case UARTLCR_H:
		u->lcr_h = v & UARTLCR_H_MASK;
		break;
	case UARTCR:
		u->cr = v & UARTCR_MASK;
		break;
	case UARTIFLS:
		u->ifls = v & UARTIFLS_MASK;
		break;
	case UARTIMSC:
		u->imsc = v & UART_INT_MASK;
		break;
	case UARTICR:
		/* Clears the latched events; receive status follows the FIFO. */
		u->ris_latched &= ~(v & UART_INT_MASK);
		break;
	default:
		/* DMACR, read-only and unassigned: ignored. */
		break;
	}
}

/* Whether the PL011 takes an access of size bytes at offset. It sits on a
 * 32-bit APB and decodes its registers by word address (PADDR[11:2]): an
 * access must start at a register's first byte and be 8, 16 or 32 bits wide
 * (Linux's driver uses 16-bit accesses, its early console 8-bit UARTDR
 * writes). One that starts inside a register (unaligned, or a narrow access
 * to its upper bytes) or is 64 bits wide (two registers at once) has no
 * meaning to it: shifting or dropping it would answer something no PL011
 * answers. */
static int access_taken(uint64_t offset, unsigned int size)
{
	return (offset & VUART_REG_MASK) == 0 && (size == 1u || size == 2u || size == 4u);
}

int vuart_access(struct vuart *u, uint64_t offset, int is_write, unsigned int size,
		 uint64_t *value)
{
	if (!access_taken(offset, size)) {
		return 0;
	}
	if (is_write) {
		write_reg(u, offset, (uint32_t)*value);
		return 1;
	}
	/* A narrower read returns the register's low bytes. */
	uint64_t v = read_reg(u, offset);
	if (size < 4u) {
		v &= (1UL << (8u * size)) - 1u;
	}
	*value = v;
	return 1;
}
