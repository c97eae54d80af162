/*
 * Emulated PL011 (transmit side), see vuart.h. Register offsets and reset
 * values from the PL011 TRM (Arm DDI 0183G), section 3.2.
 */
#include "bh_string.h"
#include "log.h"
#include "vuart.h"

#define VUART_PAGE              0x1000u
#define VUART_REG_MASK          0x3u    /* registers are 32-bit words */

#define UARTDR                  0x000u
#define UARTRSR                 0x004u
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

/* Transmit FIFO empty, receive FIFO empty: output never waits, input is
 * not emulated yet. */
#define UARTFR_TXFE             (1u << 7)
#define UARTFR_RXFE             (1u << 4)
/* Reset values: UARTCR has TXE and RXE set, UARTIFLS half-full marks. */
#define UARTCR_RESET            0x0300u
#define UARTIFLS_RESET          0x12u

/* PrimeCell identification (PeriphID0-3, CellID0-3), which Linux's AMBA bus
 * reads to match the driver: part 0x011, designer 0x41 (Arm), revision 3. */
static const uint8_t primecell_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

void vuart_init(struct vuart *u, const char *name, uint64_t base_ipa)
{
	memset(u, 0, sizeof(*u));
	u->name = name;
	u->base_ipa = base_ipa;
	u->cr = UARTCR_RESET;
	u->ifls = UARTIFLS_RESET;
}

int vuart_covers(const struct vuart *u, uint64_t ipa)
{
	return u->base_ipa != 0 && ipa >= u->base_ipa && ipa - u->base_ipa < VUART_PAGE;
}

void vuart_flush(struct vuart *u)
{
	if (u->len > 0) {
		u->line[u->len] = '\0';
		log_raw("[%s] %s\n", u->name, u->line);
		u->len = 0;
	}
}

static void put_char(struct vuart *u, char c)
{
	if (c == '\n') {
		/* A line cut at the maximum length already went out: its newline
		 * ends it rather than printing an empty line after it. */
		if (u->wrapped && u->len == 0) {
			u->wrapped = 0;
			return;
		}
		/* An empty line is still a line the partition printed. */
		u->line[u->len] = '\0';
		log_raw("[%s] %s\n", u->name, u->line);
		u->len = 0;
		return;
	}
	if (c == '\r') {
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
	if (u->len == VUART_LINE_MAX) {
		vuart_flush(u);
		u->wrapped = 1;
	}
}

static uint32_t read_reg(const struct vuart *u, uint64_t off)
{
	switch (off) {
	case UARTFR:
		return UARTFR_TXFE | UARTFR_RXFE;
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
	default:
		break;
	}
	if (off >= UARTPERIPHID0 && off < UARTPERIPHID0 + 0x20u && (off & 3u) == 0) {
		return primecell_id[(off - UARTPERIPHID0) / 4u];
	}
	/* UARTDR (no input), RSR, RIS, MIS, DMACR and everything unassigned. */
	return 0;
}

static void write_reg(struct vuart *u, uint64_t off, uint32_t v)
{
	switch (off) {
	case UARTDR:
		put_char(u, (char)(v & 0xffu));
		break;
	case UARTIBRD:
		u->ibrd = v & 0xffffu;
		break;
	case UARTFBRD:
		u->fbrd = v & 0x3fu;
		break;
	case UARTLCR_H:
		u->lcr_h = v & 0xffu;
		break;
	case UARTCR:
		u->cr = v & 0xff87u;
		break;
	case UARTIFLS:
		u->ifls = v & 0x3fu;
		break;
	case UARTIMSC:
		u->imsc = v & 0x7ffu;
		break;
	default:
		/* ICR, RSR (error clear), DMACR, read-only and unassigned: ignored. */
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
