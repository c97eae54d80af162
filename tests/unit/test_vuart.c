/*
 * Host tests for the emulated PL011 (core/vuart.c): which addresses it
 * covers, the transmit path into log_raw (one "[name] text\n" per line), and
 * the register file a driver sees, for every offset and access size; the
 * receive FIFO, its flags and interrupts (RX, RT, TX, OE; MIS and the level),
 * vuart_reset, the escape filter and live partial lines, and a seeded random
 * sweep checked against a model after every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vuart.h"
#include "host_fakes.h"

#define BASE 0x09000000UL
#define PAGE 0x1000u
#define JUNK 0xdeadbeefcafef00dULL

#define R_DR    0x000u
#define R_RSR   0x004u
#define R_FR    0x018u
#define R_ILPR  0x020u
#define R_IBRD  0x024u
#define R_FBRD  0x028u
#define R_LCR_H 0x02cu
#define R_CR    0x030u
#define R_IFLS  0x034u
#define R_IMSC  0x038u
#define R_RIS   0x03cu
#define R_MIS   0x040u
#define R_ICR   0x044u
#define R_DMACR 0x048u
#define R_ID0   0xfe0u

/* UARTFR */
#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)
#define FR_RXFF   (1u << 6)
#define FR_TXFE   (1u << 7)
/* UARTLCR_H: FIFOs enabled. */
#define LCR_H_FEN (1u << 4)
/* UARTIFLS: RXIFLSEL in [5:3]. */
#define IFLS_RX_SHIFT 3u
/* Interrupt bits, the same in IMSC, RIS, MIS and ICR. */
#define INT_RX    (1u << 4)
#define INT_TX    (1u << 5)
#define INT_RT    (1u << 6)
#define INT_OE    (1u << 10)
#define INT_ALL   0x7ffu
/* UARTDR on read: overrun flag above the data byte; UARTRSR's overrun bit. */
#define DR_OE     (1u << 11)
#define RSR_OE    (1u << 3)
/* The driver's view of the receive FIFO, and the backlog behind it. */
#define RX_FIFO   32u
#define RX_MAX    256u

static struct vuart u;

static const uint8_t primecell_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static int setup(void **state)
{
	(void)state;
	host_fakes_reset();
	vuart_init(&u, "uart0", BASE, 0);
	return 0;
}

/* An access the UART takes. */
static uint64_t rd(uint64_t off, unsigned int size)
{
	uint64_t v = JUNK;
	assert_int_equal(vuart_access(&u, off, 0, size, &v), 1);
	return v;
}

static void wr(uint64_t off, unsigned int size, uint64_t val)
{
	uint64_t v = val;
	assert_int_equal(vuart_access(&u, off, 1, size, &v), 1);
	/* A store does not write back into the value. */
	assert_int_equal(v, val);
}

/* An access no PL011 takes: refused (the caller injects an external abort),
 * with nothing read into the value and nothing written. */
static void refused(uint64_t off, int is_write, unsigned int size)
{
	uint64_t v = is_write ? 0x2121212121212121ULL : JUNK;   /* '!' in every byte */
	uint64_t before = v;
	assert_int_equal(vuart_access(&u, off, is_write, size, &v), 0);
	assert_int_equal(v, before);
}

/* Whether the PL011 takes an access: at a register's first byte, 8, 16 or
 * 32 bits wide. */
static int takes(uint64_t off, unsigned int size)
{
	return (off & 3u) == 0 && (size == 1u || size == 2u || size == 4u);
}

static void put(char c)
{
	wr(R_DR, 4, (uint8_t)c);
}

static void puts_uart(const char *s)
{
	for (; *s != '\0'; s++) {
		put(*s);
	}
}

/* ---- vuart_covers ---------------------------------------------------------- */

static void test_covers_page(void **state)
{
	(void)state;
	assert_int_equal(vuart_covers(&u, BASE), 1);
	assert_int_equal(vuart_covers(&u, BASE + 0x18u), 1);
	assert_int_equal(vuart_covers(&u, BASE + 0xfffu), 1);
	assert_int_equal(vuart_covers(&u, BASE + 0x1000u), 0);
	assert_int_equal(vuart_covers(&u, BASE - 1u), 0);
	assert_int_equal(vuart_covers(&u, BASE - 0x1000u), 0);
	assert_int_equal(vuart_covers(&u, 0), 0);
	assert_int_equal(vuart_covers(&u, UINT64_MAX), 0);
}

static void test_covers_zero_base_covers_nothing(void **state)
{
	(void)state;
	vuart_init(&u, "none", 0, 0);
	assert_int_equal(vuart_covers(&u, 0), 0);
	assert_int_equal(vuart_covers(&u, 0x18), 0);
	assert_int_equal(vuart_covers(&u, 0xfff), 0);
	assert_int_equal(vuart_covers(&u, 0x1000), 0);
	assert_int_equal(vuart_covers(&u, BASE), 0);
}

static void test_covers_top_of_address_space(void **state)
{
	(void)state;
	vuart_init(&u, "top", 0xfffffffffffff000ULL, 0);
	assert_int_equal(vuart_covers(&u, UINT64_MAX), 1);
	assert_int_equal(vuart_covers(&u, 0xfffffffffffff000ULL), 1);
	assert_int_equal(vuart_covers(&u, 0xffffffffffffefffULL), 0);
	assert_int_equal(vuart_covers(&u, 0), 0);
}

/* ---- Transmit ---------------------------------------------------------------- */

static void test_init_state(void **state)
{
	(void)state;
	memset(&u, 0xa5, sizeof(u));
	vuart_init(&u, "console", BASE, 0);
	assert_string_equal(u.name, "console");
	assert_int_equal(u.base_ipa, BASE);
	assert_int_equal(u.len, 0);
	assert_int_equal(u.lcr_h, 0);
	assert_int_equal(u.ibrd, 0);
	assert_int_equal(u.fbrd, 0);
	assert_int_equal(u.imsc, 0);
	assert_int_equal(rd(R_CR, 4), 0x300);
	assert_int_equal(rd(R_IFLS, 4), 0x12);
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 0);
}

static void test_line_emitted_on_newline(void **state)
{
	(void)state;
	puts_uart("hello, world");
	assert_int_equal(host_raw_calls, 0);
	assert_int_equal(u.len, 12);
	put('\n');
	assert_int_equal(host_raw_calls, 1);
	assert_string_equal(host_raw_text, "[uart0] hello, world\n");
	assert_int_equal(u.len, 0);

	puts_uart("second\n");
	assert_int_equal(host_raw_calls, 2);
	assert_string_equal(host_raw_text, "[uart0] hello, world\n[uart0] second\n");
	assert_int_equal(host_raw_overflow, 0);
}

static void test_only_low_byte_of_dr_is_sent(void **state)
{
	(void)state;
	wr(R_DR, 4, 0xffffff41u);   /* 'A' with junk above bit 7 */
	wr(R_DR, 2, 0x0f42u);
	wr(R_DR, 1, '\n');
	assert_int_equal(host_raw_calls, 1);
	assert_string_equal(host_raw_text, "[uart0] AB\n");
}

static void test_carriage_return_dropped(void **state)
{
	(void)state;
	puts_uart("a\r\nb\rc\r\n\r");
	assert_int_equal(host_raw_calls, 2);
	assert_string_equal(host_raw_text, "[uart0] a\n[uart0] bc\n");
	assert_int_equal(u.len, 0);
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 2);
}

static void test_control_and_high_bytes_shown_as_dot(void **state)
{
	(void)state;
	static const uint8_t in[] = { 'x', 0x00, 0x01, 0x07, 0x08, '\t', 0x0b, 0x0c, 0x1b, '[',
				      '2', 'J', 0x1f, ' ', '~', 0x7f, 0x80, 0x9b, 0xc3, 0xa9,
				      0xff, 'y' };
	for (size_t i = 0; i < sizeof(in); i++) {
		wr(R_DR, 1, in[i]);
	}
	assert_int_equal(host_raw_calls, 0);
	put('\n');
	assert_int_equal(host_raw_calls, 1);
	/* ESC [ 2 J (erase the screen) is dropped whole, not shown; the
	 * backspace (0x08) takes back the '.' of 0x07. */
	assert_string_equal(host_raw_text, "[uart0] x..\t... ~......y\n");
}

static void test_backspace_takes_back_a_byte(void **state)
{
	(void)state;
	static const char in[] = "ab\b \bc\b\b\bxy";
	vuart_set_live(&u, 1);
	for (size_t i = 0; i + 1 < sizeof(in); i++) {
		wr(R_DR, 1, (uint8_t)in[i]);
		if (i == 2) {
			/* The erase is shown at once on the focused console. */
			assert_string_equal(host_partial_text, "[uart0] a");
		}
	}
	assert_string_equal(host_partial_text, "[uart0] xy");
	put('\n');
	/* One backspace more than the line held is ignored. */
	assert_string_equal(host_raw_text, "[uart0] xy\n");
}

static void test_empty_line(void **state)
{
	(void)state;
	put('\n');
	assert_int_equal(host_raw_calls, 1);
	assert_string_equal(host_raw_text, "[uart0] \n");
	put('\r');
	put('\n');
	assert_int_equal(host_raw_calls, 2);
	assert_string_equal(host_raw_text, "[uart0] \n[uart0] \n");
}

static void test_full_line_flushed_without_newline(void **state)
{
	(void)state;
	char expect[VUART_LINE_MAX + 64];
	char line[VUART_LINE_MAX + 1];

	for (unsigned int i = 0; i < VUART_LINE_MAX; i++) {
		line[i] = (char)('a' + i % 26u);
	}
	line[VUART_LINE_MAX] = '\0';

	for (unsigned int i = 0; i < VUART_LINE_MAX - 1u; i++) {
		put(line[i]);
	}
	assert_int_equal(host_raw_calls, 0);
	assert_int_equal(u.len, VUART_LINE_MAX - 1u);
	put(line[VUART_LINE_MAX - 1u]);
	assert_int_equal(host_raw_calls, 1);
	assert_int_equal(u.len, 0);
	snprintf(expect, sizeof(expect), "[uart0] %s\n", line);
	assert_string_equal(host_raw_text, expect);

	/* The next character starts a new line. */
	puts_uart("Z\n");
	assert_int_equal(host_raw_calls, 2);
	snprintf(expect, sizeof(expect), "[uart0] %s\n[uart0] Z\n", line);
	assert_string_equal(host_raw_text, expect);
	assert_int_equal(host_raw_overflow, 0);
}

static void test_newline_right_after_a_full_line_is_not_an_empty_line(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < VUART_LINE_MAX; i++) {
		put('x');
	}
	assert_int_equal(host_raw_calls, 1);
	put('\n');
	assert_int_equal(host_raw_calls, 1);
	/* A second newline is a real empty line again. */
	put('\n');
	assert_int_equal(host_raw_calls, 2);
	puts_uart("ok\n");
	assert_int_equal(host_raw_calls, 3);
}

static void test_long_line_split_every_line_max(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 2u * VUART_LINE_MAX + 5u; i++) {
		put('q');
	}
	assert_int_equal(host_raw_calls, 2);
	assert_int_equal(u.len, 5);
	assert_int_equal(host_raw_len, 2u * (8u + VUART_LINE_MAX + 1u));
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 3);
	assert_string_equal(host_raw_text + host_raw_len - 14u, "[uart0] qqqqq\n");
}

static void test_dropped_bytes_do_not_fill_line(void **state)
{
	(void)state;
	/* '\r' takes no space in the line: VUART_LINE_MAX of them emit nothing. */
	for (unsigned int i = 0; i < VUART_LINE_MAX * 2u; i++) {
		put('\r');
	}
	assert_int_equal(host_raw_calls, 0);
	assert_int_equal(u.len, 0);
}

static void test_flush(void **state)
{
	(void)state;
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 0);
	assert_int_equal(host_raw_len, 0);

	puts_uart("partial");
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 1);
	assert_string_equal(host_raw_text, "[uart0] partial\n");
	assert_int_equal(u.len, 0);

	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 1);

	puts_uart("next\n");
	assert_int_equal(host_raw_calls, 2);
	assert_string_equal(host_raw_text, "[uart0] partial\n[uart0] next\n");
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 2);
}

static void test_name_is_the_prefix(void **state)
{
	(void)state;
	vuart_init(&u, "rtos-1", BASE, 0);
	puts_uart("%s %d\n");
	assert_string_equal(host_raw_text, "[rtos-1] %s %d\n");
}

/* ---- Registers ----------------------------------------------------------------- */

static void test_fr_reads_txfe_rxfe(void **state)
{
	(void)state;
	assert_int_equal(rd(R_FR, 4), 0x90);
	assert_int_equal(rd(R_FR, 2), 0x90);
	assert_int_equal(rd(R_FR, 1), 0x90);
	refused(R_FR, 0, 8);
	refused(R_FR + 1u, 0, 1);
	/* Still empty with characters buffered, and read-only. */
	puts_uart("abc");
	wr(R_FR, 4, 0);
	wr(R_FR, 4, 0xffffffffu);
	assert_int_equal(rd(R_FR, 4), 0x90);
}

static void test_cr_reset_and_mask(void **state)
{
	(void)state;
	assert_int_equal(rd(R_CR, 4), 0x300);
	wr(R_CR, 4, 0xffffffffu);
	assert_int_equal(rd(R_CR, 4), 0xff87);
	wr(R_CR, 4, 0x78u);        /* reserved bits 3-6 only */
	assert_int_equal(rd(R_CR, 4), 0);
	wr(R_CR, 4, 0x301u);
	assert_int_equal(rd(R_CR, 4), 0x301);
	refused(R_CR, 1, 8);
	assert_int_equal(rd(R_CR, 4), 0x301);
	wr(R_CR, 2, 0x101u);
	assert_int_equal(rd(R_CR, 4), 0x101);
}

static void test_rw_registers_masked(void **state)
{
	(void)state;
	assert_int_equal(rd(R_IBRD, 4), 0);
	assert_int_equal(rd(R_FBRD, 4), 0);
	assert_int_equal(rd(R_LCR_H, 4), 0);
	assert_int_equal(rd(R_IFLS, 4), 0x12);
	assert_int_equal(rd(R_IMSC, 4), 0);

	wr(R_IBRD, 4, 0xffffffffu);
	wr(R_FBRD, 4, 0xffffffffu);
	wr(R_LCR_H, 4, 0xffffffffu);
	wr(R_IFLS, 4, 0xffffffffu);
	wr(R_IMSC, 4, 0xffffffffu);
	assert_int_equal(rd(R_IBRD, 4), 0xffff);
	assert_int_equal(rd(R_FBRD, 4), 0x3f);
	assert_int_equal(rd(R_LCR_H, 4), 0xff);
	assert_int_equal(rd(R_IFLS, 4), 0x3f);
	assert_int_equal(rd(R_IMSC, 4), 0x7ff);

	/* Typical Linux pl011 setup values read back unchanged. */
	wr(R_IBRD, 4, 0x1a);
	wr(R_FBRD, 4, 0x3);
	wr(R_LCR_H, 4, 0x70);
	wr(R_IFLS, 4, 0x0);
	wr(R_IMSC, 4, 0x50);
	assert_int_equal(rd(R_IBRD, 4), 0x1a);
	assert_int_equal(rd(R_FBRD, 4), 0x3);
	assert_int_equal(rd(R_LCR_H, 4), 0x70);
	assert_int_equal(rd(R_IFLS, 4), 0x0);
	assert_int_equal(rd(R_IMSC, 4), 0x50);

	/* The registers are independent of each other. */
	wr(R_IBRD, 4, 0x12345u);
	assert_int_equal(rd(R_IBRD, 4), 0x2345);
	assert_int_equal(rd(R_FBRD, 4), 0x3);
	assert_int_equal(rd(R_CR, 4), 0x300);
	assert_int_equal(host_raw_calls, 0);
}

static void test_write_only_and_status_registers(void **state)
{
	(void)state;
	static const uint32_t regs[] = { R_DR, R_RSR, R_ILPR, R_RIS, R_MIS, R_ICR, R_DMACR };
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		if (regs[i] != R_DR) {
			wr(regs[i], 4, 0xffffffffu);
		}
		assert_int_equal(rd(regs[i], 4), 0);
	}
	/* UARTDR reads 0 even with a character buffered: no input. */
	put('k');
	assert_int_equal(rd(R_DR, 4), 0);
	assert_int_equal(rd(R_DR, 1), 0);
	assert_int_equal(u.len, 1);
}

static void test_primecell_ids(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 8u; i++) {
		uint64_t off = R_ID0 + 4u * i;
		assert_int_equal(rd(off, 4), primecell_id[i]);
		assert_int_equal(rd(off, 2), primecell_id[i]);
		assert_int_equal(rd(off, 1), primecell_id[i]);
		/* Only whole registers: not two at once, not their upper bytes. */
		refused(off, 0, 8);
		refused(off + 1u, 0, 1);
		refused(off + 2u, 0, 1);
		refused(off + 3u, 0, 1);
		refused(off + 2u, 0, 2);
		/* Read-only. */
		wr(off, 4, 0);
		assert_int_equal(rd(off, 4), primecell_id[i]);
	}
	/* The word below the IDs is not an ID register. */
	assert_int_equal(rd(R_ID0 - 4u, 4), 0);
}

static void test_narrow_reads_take_the_low_bytes(void **state)
{
	(void)state;
	wr(R_CR, 4, 0x381u);
	assert_int_equal(rd(R_CR, 1), 0x81);
	assert_int_equal(rd(R_CR, 2), 0x381);
	wr(R_IBRD, 4, 0xabcdu);
	assert_int_equal(rd(R_IBRD, 1), 0xcd);
	assert_int_equal(rd(R_IBRD, 2), 0xabcd);
}

static void test_access_inside_a_register_refused(void **state)
{
	(void)state;
	/* Naturally aligned but not at a register's first byte: the PL011
	 * decodes word addresses only. Before, reads came back shifted and
	 * writes were dropped. */
	wr(R_CR, 4, 0x381u);
	wr(R_IBRD, 4, 0xabcdu);
	for (unsigned int b = 1; b < 4u; b++) {
		refused(R_CR + b, 0, 1);
		refused(R_IBRD + b, 0, 1);
		refused(R_DR + b, 1, 1);
		refused(R_CR + b, 1, 1);
		refused(R_FBRD + b, 1, 1);
		refused(R_LCR_H + b, 1, 1);
		refused(R_IFLS + b, 1, 1);
		refused(R_IMSC + b, 1, 1);
	}
	refused(R_CR + 2u, 0, 2);
	refused(R_IBRD + 2u, 1, 2);
	refused(R_DR + 2u, 1, 2);
	/* Unaligned (a core lets them through only to Normal memory). */
	refused(R_IBRD + 1u, 0, 4);
	refused(R_IBRD + 2u, 1, 4);
	refused(R_IBRD + 3u, 0, 2);
	refused(R_DR + 1u, 1, 2);
	refused(R_DR + 3u, 1, 4);
	/* Nothing was sent or changed. */
	assert_int_equal(u.len, 0);
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 0);
	assert_int_equal(rd(R_CR, 4), 0x381);
	assert_int_equal(rd(R_IBRD, 4), 0xabcd);
	assert_int_equal(rd(R_FBRD, 4), 0);
	assert_int_equal(rd(R_LCR_H, 4), 0);
	assert_int_equal(rd(R_IFLS, 4), 0x12);
	assert_int_equal(rd(R_IMSC, 4), 0);
}

static void test_64_bit_accesses_refused(void **state)
{
	(void)state;
	/* A doubleword covers two registers (or starts inside one). */
	wr(R_CR, 4, 0xff87u);
	for (uint64_t off = 0; off < PAGE; off++) {
		refused(off, 0, 8);
		refused(off, 1, 8);
	}
	assert_int_equal(u.len, 0);
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 0);
	assert_int_equal(rd(R_CR, 4), 0xff87);
	assert_int_equal(rd(R_IBRD, 4), 0);
}

static void test_odd_sizes_refused(void **state)
{
	(void)state;
	/* No syndrome gives these, but the UART is total over its inputs. */
	static const unsigned int sizes[] = { 0, 3, 5, 6, 7, 16, 32, UINT32_MAX };
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		refused(R_DR, 1, sizes[s]);
		refused(R_FR, 0, sizes[s]);
		refused(R_CR, 1, sizes[s]);
	}
	assert_int_equal(u.len, 0);
	assert_int_equal(rd(R_CR, 4), 0x300);
}

static void test_narrow_write_at_word_offset_writes_register(void **state)
{
	(void)state;
	/* The value given is what is written, whatever the size. */
	wr(R_IBRD, 1, 0x7u);
	assert_int_equal(rd(R_IBRD, 4), 0x7);
	wr(R_DR, 1, 'm');
	assert_int_equal(u.len, 1);
	assert_int_equal(u.line[0], 'm');
}

/* The register file as a driver should see it after setup() plus whatever the
 * test wrote; 0 for everything unassigned. */
static uint32_t model_word(uint64_t word)
{
	switch (word) {
	case R_FR:
		return 0x90;
	case R_CR:
		return 0x300;
	case R_IFLS:
		return 0x12;
	default:
		break;
	}
	if (word >= R_ID0 && word < PAGE) {
		return primecell_id[(word - R_ID0) / 4u];
	}
	return 0;
}

static int is_rw_register(uint64_t word)
{
	return word == R_DR || word == R_IBRD || word == R_FBRD || word == R_LCR_H ||
	       word == R_CR || word == R_IFLS || word == R_IMSC;
}

static void test_sweep_reads(void **state)
{
	(void)state;
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int nonzero_words = 0;

	for (uint64_t off = 0; off < PAGE; off++) {
		for (size_t s = 0; s < 4; s++) {
			if (!takes(off, sizes[s])) {
				refused(off, 0, sizes[s]);
				continue;
			}
			uint64_t mask = sizes[s] >= 4u ? 0xffffffffULL
						       : (1ULL << (8u * sizes[s])) - 1u;
			uint64_t expect = (uint64_t)model_word(off) & mask;
			uint64_t got = rd(off, sizes[s]);
			if (got != expect) {
				fail_msg("read offset 0x%03llx size %u: got 0x%llx, expected 0x%llx",
					 (unsigned long long)off, sizes[s], (unsigned long long)got,
					 (unsigned long long)expect);
			}
		}
		if ((off & 3u) == 0 && rd(off, 4) != 0) {
			nonzero_words++;
		}
	}
	/* FR, CR, IFLS and the seven non-zero ID bytes (PeriphID3 is 0). */
	assert_int_equal(nonzero_words, 3 + 7);
	assert_int_equal(host_raw_calls, 0);
}

static void test_sweep_writes_to_unassigned_ignored(void **state)
{
	(void)state;
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	for (uint64_t off = 0; off < PAGE; off++) {
		for (size_t s = 0; s < 4; s++) {
			if (!takes(off, sizes[s])) {
				refused(off, 1, sizes[s]);
			} else if (!is_rw_register(off)) {
				wr(off, sizes[s], UINT64_MAX);
				wr(off, sizes[s], 0);
			}
		}
	}
	/* Nothing changed: every register still reads its reset value, and no
	 * character was sent. */
	for (uint64_t off = 0; off < PAGE; off += 4) {
		uint64_t got = rd(off, 4);
		if (got != model_word(off)) {
			fail_msg("offset 0x%03llx reads 0x%llx after the sweep, expected 0x%x",
				 (unsigned long long)off, (unsigned long long)got,
				 model_word(off));
		}
	}
	assert_int_equal(u.len, 0);
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 0);
}

static void test_sweep_every_word_every_size(void **state)
{
	(void)state;
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	/* Writes everywhere (including the registers), then reads everywhere:
	 * must be total, and unknown words still read 0. The 64-bit ones are
	 * refused. */
	for (uint64_t off = 0; off < PAGE; off += 4) {
		for (size_t s = 0; s < 4; s++) {
			if (takes(off, sizes[s])) {
				wr(off, sizes[s], 0x0000000000000021ULL);   /* '!' into DR */
			} else {
				refused(off, 1, sizes[s]);
			}
		}
	}
	assert_int_equal(u.len, 3);
	for (uint64_t off = 0; off < PAGE; off += 4) {
		if (is_rw_register(off) || off == R_FR || off >= R_ID0) {
			continue;
		}
		for (size_t s = 0; s < 4; s++) {
			if (takes(off, sizes[s])) {
				assert_int_equal(rd(off, sizes[s]), 0);
			} else {
				refused(off, 0, sizes[s]);
			}
		}
	}
	assert_int_equal(rd(R_CR, 4), 0x21 & 0xff87);
	assert_int_equal(rd(R_IBRD, 4), 0x21);
	assert_int_equal(rd(R_FBRD, 4), 0x21);
	assert_int_equal(rd(R_LCR_H, 4), 0x21);
	assert_int_equal(rd(R_IFLS, 4), 0x21);
	assert_int_equal(rd(R_IMSC, 4), 0x21);
	vuart_flush(&u);
	assert_string_equal(host_raw_text, "[uart0] !!!\n");
}

/* ---- Receive ------------------------------------------------------------------- */

/* A byte typed for the partition, queued. */
static void recv(uint8_t c)
{
	assert_int_equal(vuart_receive(&u, c), 1);
}

static void recv_n(unsigned int n, uint8_t first)
{
	for (unsigned int i = 0; i < n; i++) {
		recv((uint8_t)(first + i));
	}
}

static void read_n(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		assert_int_not_equal(rd(R_FR, 4) & FR_RXFE, FR_RXFE);
		(void)rd(R_DR, 4);
	}
}

static void fifo_on(void)
{
	wr(R_LCR_H, 4, 0x60u | LCR_H_FEN);   /* 8 bits, FIFOs on, as Linux sets it */
}

static void test_rx_empty(void **state)
{
	(void)state;
	assert_int_equal(rd(R_FR, 4) & FR_RXFE, FR_RXFE);
	assert_int_equal(rd(R_FR, 4) & FR_RXFF, 0);
	assert_int_equal(rd(R_DR, 4), 0);
	assert_int_equal(rd(R_DR, 2), 0);
	assert_int_equal(rd(R_DR, 1), 0);
	assert_int_equal(rd(R_RIS, 4) & (INT_RX | INT_RT), 0);
	assert_int_equal(rd(R_RIS, 4), 0);
	/* Reading an empty FIFO leaves it empty, and does not make it "full"
	 * with FIFOs off either (1-byte holding register). */
	assert_int_equal(u.rx_count, 0);
	assert_int_equal(rd(R_FR, 4), FR_RXFE | FR_TXFE);
	fifo_on();
	assert_int_equal(rd(R_FR, 4), FR_RXFE | FR_TXFE);
	assert_int_equal(rd(R_DR, 4), 0);
	assert_int_equal(rd(R_RIS, 4), 0);
}

static void test_rx_bytes_come_out_in_order(void **state)
{
	(void)state;
	static const uint8_t in[] = { 'h', 'e', 'l', 'l', 'o', 0x00, 0x7f, 0x80, 0xff, '\n' };
	for (size_t i = 0; i < sizeof(in); i++) {
		recv(in[i]);
	}
	assert_int_equal(u.rx_count, sizeof(in));
	assert_int_equal(rd(R_FR, 4) & FR_RXFE, 0);
	for (size_t i = 0; i < sizeof(in); i++) {
		assert_int_equal(rd(R_FR, 4) & FR_RXFE, 0);
		assert_int_equal(rd(R_DR, 4), in[i]);
	}
	assert_int_equal(rd(R_FR, 4) & FR_RXFE, FR_RXFE);
	assert_int_equal(rd(R_DR, 4), 0);
	/* Input never reaches the console output. */
	vuart_flush(&u);
	assert_int_equal(host_raw_calls, 0);
}

static void test_rx_ring_wraps_in_order(void **state)
{
	(void)state;
	/* 200 in, 150 out, 200 more: the backlog's ring wraps and still
	 * gives the bytes back in the order they came. */
	for (unsigned int i = 0; i < 200u; i++) {
		recv((uint8_t)i);
	}
	for (unsigned int i = 0; i < 150u; i++) {
		assert_int_equal(rd(R_DR, 4), (uint8_t)i);
	}
	for (unsigned int i = 200; i < 400u; i++) {
		recv((uint8_t)(i * 7u));
	}
	assert_int_equal(u.rx_count, 250);
	for (unsigned int i = 150; i < 200u; i++) {
		assert_int_equal(rd(R_DR, 4), (uint8_t)i);
	}
	for (unsigned int i = 200; i < 400u; i++) {
		assert_int_equal(rd(R_DR, 4), (uint8_t)(i * 7u));
	}
	assert_int_equal(rd(R_FR, 4) & FR_RXFE, FR_RXFE);
	assert_int_equal(u.rx_dropped, 0);
}

static void test_rx_full_flag_with_fifo(void **state)
{
	(void)state;
	fifo_on();
	recv_n(RX_FIFO - 1u, 'a');
	assert_int_equal(rd(R_FR, 4) & (FR_RXFF | FR_RXFE), 0);
	recv('x');
	assert_int_equal(rd(R_FR, 4) & (FR_RXFF | FR_RXFE), FR_RXFF);
	/* The backlog beyond 32 keeps it full. */
	recv_n(10, 'A');
	assert_int_equal(rd(R_FR, 4) & FR_RXFF, FR_RXFF);
	read_n(10);
	assert_int_equal(rd(R_FR, 4) & FR_RXFF, FR_RXFF);
	read_n(1);
	assert_int_equal(rd(R_FR, 4) & (FR_RXFF | FR_RXFE), 0);
	/* Transmit is never full. */
	assert_int_equal(rd(R_FR, 4) & (FR_TXFF | FR_TXFE), FR_TXFE);
}

static void test_rx_full_flag_without_fifo(void **state)
{
	(void)state;
	wr(R_LCR_H, 4, 0x60u);   /* 8 bits, FIFOs off */
	assert_int_equal(rd(R_FR, 4) & (FR_RXFF | FR_RXFE), FR_RXFE);
	recv('a');
	assert_int_equal(rd(R_FR, 4) & (FR_RXFF | FR_RXFE), FR_RXFF);
	recv('b');
	assert_int_equal(rd(R_FR, 4) & (FR_RXFF | FR_RXFE), FR_RXFF);
	/* Turning the FIFOs on makes the same two bytes "not full"... */
	fifo_on();
	assert_int_equal(rd(R_FR, 4) & (FR_RXFF | FR_RXFE), 0);
	/* ...and off again, full. */
	wr(R_LCR_H, 4, 0x60u);
	assert_int_equal(rd(R_FR, 4) & FR_RXFF, FR_RXFF);
	assert_int_equal(rd(R_DR, 4), 'a');
	assert_int_equal(rd(R_FR, 4) & FR_RXFF, FR_RXFF);
	assert_int_equal(rd(R_DR, 4), 'b');
	assert_int_equal(rd(R_FR, 4) & (FR_RXFF | FR_RXFE), FR_RXFE);
}

static void test_rx_backlog_overrun(void **state)
{
	(void)state;
	fifo_on();
	for (unsigned int i = 0; i < RX_MAX; i++) {
		recv((uint8_t)i);
	}
	assert_int_equal(u.rx_count, RX_MAX);
	assert_int_equal(u.rx_dropped, 0);
	assert_int_equal(rd(R_RIS, 4) & INT_OE, 0);
	assert_int_equal(rd(R_RSR, 4), 0);

	/* The 257th is dropped, counted, and raises the overrun. */
	assert_int_equal(vuart_receive(&u, 0xaa), 0);
	assert_int_equal(u.rx_count, RX_MAX);
	assert_int_equal(u.rx_dropped, 1);
	assert_int_equal(rd(R_RIS, 4) & INT_OE, INT_OE);
	assert_int_equal(rd(R_RSR, 4) & RSR_OE, RSR_OE);
	assert_int_equal(vuart_receive(&u, 0xbb), 0);
	assert_int_equal(u.rx_dropped, 2);
	assert_int_equal(u.rx_count, RX_MAX);

	/* Reported once, on the next byte read; the bytes kept are the first
	 * 256, in order, and none of the dropped ones. */
	assert_int_equal(rd(R_DR, 4), DR_OE | 0u);
	assert_int_equal(rd(R_DR, 4), 1u);
	assert_int_equal(rd(R_RSR, 4) & RSR_OE, 0);
	for (unsigned int i = 2; i < RX_MAX; i++) {
		assert_int_equal(rd(R_DR, 4), i);
	}
	assert_int_equal(rd(R_FR, 4) & FR_RXFE, FR_RXFE);
	assert_int_equal(rd(R_DR, 4), 0);

	/* RIS.OE is an event: it outlives the FIFO emptying, and only ICR's
	 * OE bit clears it. */
	assert_int_equal(rd(R_RIS, 4) & INT_OE, INT_OE);
	wr(R_ICR, 4, INT_ALL & ~INT_OE);
	assert_int_equal(rd(R_RIS, 4) & INT_OE, INT_OE);
	wr(R_ICR, 4, INT_OE);
	assert_int_equal(rd(R_RIS, 4) & INT_OE, 0);
	assert_int_equal(rd(R_RIS, 4), 0);
	/* Room again: queued, no new overrun. */
	recv('z');
	assert_int_equal(rd(R_RIS, 4) & INT_OE, 0);
	assert_int_equal(rd(R_DR, 4), 'z');
	assert_int_equal(u.rx_dropped, 2);
}

static void test_rx_overrun_flag_on_the_byte_after_the_drop(void **state)
{
	(void)state;
	recv_n(RX_MAX, 0);
	/* Make room, drop nothing: no overrun flagged. */
	assert_int_equal(rd(R_DR, 4), 0);
	recv('A');
	assert_int_equal(u.rx_dropped, 0);
	/* Now drop one: the next read carries bit 11 (once), whatever byte it is. */
	assert_int_equal(vuart_receive(&u, 'B'), 0);
	assert_int_equal(rd(R_DR, 4), DR_OE | 1u);
	for (unsigned int i = 2; i < RX_MAX; i++) {
		assert_int_equal(rd(R_DR, 4) & DR_OE, 0);
	}
	assert_int_equal(rd(R_DR, 4), 'A');
	assert_int_equal(u.rx_count, 0);
}

/* ---- Receive interrupts -------------------------------------------------------- */

static void check_mis(void)
{
	uint64_t ris = rd(R_RIS, 4);
	uint64_t imsc = rd(R_IMSC, 4);
	assert_int_equal(rd(R_MIS, 4), ris & imsc);
	assert_int_equal(vuart_irq_level(&u), (ris & imsc) != 0);
}

static void test_irq_masked_is_low(void **state)
{
	(void)state;
	fifo_on();
	wr(R_IMSC, 4, 0);
	assert_int_equal(vuart_irq_level(&u), 0);
	for (unsigned int i = 0; i < RX_MAX + 4u; i++) {
		(void)vuart_receive(&u, (uint8_t)i);
		assert_int_equal(vuart_irq_level(&u), 0);
		assert_int_equal(rd(R_MIS, 4), 0);
	}
	put('x');
	assert_int_equal(vuart_irq_level(&u), 0);
	/* Everything is raised underneath. */
	assert_int_equal(rd(R_RIS, 4), INT_RX | INT_RT | INT_TX | INT_OE);
	assert_int_equal(rd(R_MIS, 4), 0);
	/* Any one mask bit brings it up. */
	wr(R_IMSC, 4, INT_OE);
	assert_int_equal(vuart_irq_level(&u), 1);
	assert_int_equal(rd(R_MIS, 4), INT_OE);
	wr(R_IMSC, 4, INT_ALL & ~(INT_RX | INT_RT | INT_TX | INT_OE));
	assert_int_equal(vuart_irq_level(&u), 0);
	assert_int_equal(rd(R_MIS, 4), 0);
}

static void test_irq_rx_trigger_levels(void **state)
{
	(void)state;
	static const unsigned int trigger[5] = { 4, 8, 16, 24, 28 };
	for (unsigned int sel = 0; sel < 5u; sel++) {
		vuart_init(&u, "uart0", BASE, 0);
		fifo_on();
		wr(R_IFLS, 4, (sel << IFLS_RX_SHIFT) | 0x2u);
		wr(R_IMSC, 4, INT_RX);
		assert_int_equal(vuart_irq_level(&u), 0);
		for (unsigned int n = 1; n <= RX_FIFO + 2u; n++) {
			recv((uint8_t)n);
			int want = n >= trigger[sel];
			if (vuart_irq_level(&u) != want ||
			    ((rd(R_RIS, 4) & INT_RX) != 0) != want) {
				fail_msg("RXIFLSEL %u, %u bytes: level %d, RIS 0x%llx, want %d",
					 sel, n, vuart_irq_level(&u),
					 (unsigned long long)rd(R_RIS, 4), want);
			}
			check_mis();
		}
		/* Reading it down: low again just below the trigger. */
		for (unsigned int n = RX_FIFO + 2u; n > 0; n--) {
			assert_int_equal(vuart_irq_level(&u), n >= trigger[sel]);
			(void)rd(R_DR, 4);
		}
		assert_int_equal(vuart_irq_level(&u), 0);
		assert_int_equal(rd(R_RIS, 4), 0);
	}
}

static void test_irq_rx_trigger_follows_ifls_and_fen(void **state)
{
	(void)state;
	fifo_on();
	wr(R_IMSC, 4, INT_RX);
	recv_n(10, 'a');
	/* Reset IFLS is 1/2 (16): 10 bytes are below it. */
	assert_int_equal(vuart_irq_level(&u), 0);
	wr(R_IFLS, 4, 1u << IFLS_RX_SHIFT);   /* 1/4: 8 */
	assert_int_equal(vuart_irq_level(&u), 1);
	wr(R_IFLS, 4, 2u << IFLS_RX_SHIFT);
	assert_int_equal(vuart_irq_level(&u), 0);
	/* FIFOs off: one byte is the trigger, whatever IFLS says. */
	wr(R_IFLS, 4, 4u << IFLS_RX_SHIFT);
	wr(R_LCR_H, 4, 0x60u);
	assert_int_equal(vuart_irq_level(&u), 1);
	assert_int_equal(rd(R_RIS, 4) & INT_RX, INT_RX);
}

static void test_irq_rx_without_fifo_at_one_byte(void **state)
{
	(void)state;
	static const uint32_t ifls[] = { 0x00, 0x12, 0x20, 0x3f };
	for (size_t i = 0; i < sizeof(ifls) / sizeof(ifls[0]); i++) {
		vuart_init(&u, "uart0", BASE, 0);
		wr(R_LCR_H, 4, 0x60u);
		wr(R_IFLS, 4, ifls[i]);
		wr(R_IMSC, 4, INT_RX);
		assert_int_equal(vuart_irq_level(&u), 0);
		assert_int_equal(rd(R_RIS, 4) & INT_RX, 0);
		recv('a');
		assert_int_equal(vuart_irq_level(&u), 1);
		assert_int_equal(rd(R_RIS, 4) & INT_RX, INT_RX);
		check_mis();
		assert_int_equal(rd(R_DR, 4), 'a');
		assert_int_equal(vuart_irq_level(&u), 0);
		assert_int_equal(rd(R_RIS, 4) & INT_RX, 0);
	}
}

static void test_irq_rt_any_byte(void **state)
{
	(void)state;
	fifo_on();
	wr(R_IMSC, 4, INT_RT);
	assert_int_equal(vuart_irq_level(&u), 0);
	recv('a');
	/* One byte, below the RX trigger: RT alone. */
	assert_int_equal(vuart_irq_level(&u), 1);
	assert_int_equal(rd(R_RIS, 4) & (INT_RX | INT_RT), INT_RT);
	assert_int_equal(rd(R_MIS, 4), INT_RT);
	assert_int_equal(rd(R_DR, 4), 'a');
	assert_int_equal(vuart_irq_level(&u), 0);
	assert_int_equal(rd(R_RIS, 4) & INT_RT, 0);

	/* With many bytes, it stays up until the last one is read. */
	recv_n(40, 'A');
	for (unsigned int n = 40; n > 0; n--) {
		assert_int_equal(vuart_irq_level(&u), 1);
		assert_int_equal(rd(R_RIS, 4) & INT_RT, INT_RT);
		(void)rd(R_DR, 4);
	}
	assert_int_equal(vuart_irq_level(&u), 0);
	assert_int_equal(rd(R_RIS, 4) & INT_RT, 0);
}

static void test_irq_read_empty_drops_level(void **state)
{
	(void)state;
	fifo_on();
	wr(R_IMSC, 4, INT_RX | INT_RT);
	recv_n(20, '0');
	assert_int_equal(vuart_irq_level(&u), 1);
	assert_int_equal(rd(R_MIS, 4), INT_RX | INT_RT);
	read_n(5);                          /* 15: below 1/2, RT still up */
	assert_int_equal(rd(R_MIS, 4), INT_RT);
	assert_int_equal(vuart_irq_level(&u), 1);
	read_n(14);
	assert_int_equal(vuart_irq_level(&u), 1);
	read_n(1);
	assert_int_equal(vuart_irq_level(&u), 0);
	assert_int_equal(rd(R_RIS, 4), 0);
	assert_int_equal(rd(R_MIS, 4), 0);
}

static void test_icr_does_not_clear_rx_status(void **state)
{
	(void)state;
	/* Receive status follows the FIFO: ICR cannot clear it while data
	 * waits (the driver would otherwise miss input). */
	fifo_on();
	wr(R_IMSC, 4, INT_RX | INT_RT);
	recv_n(20, 'a');
	wr(R_ICR, 4, INT_ALL);
	assert_int_equal(rd(R_RIS, 4) & (INT_RX | INT_RT), INT_RX | INT_RT);
	assert_int_equal(vuart_irq_level(&u), 1);
	assert_int_equal(u.rx_count, 20);
}

static void test_mis_is_ris_and_imsc(void **state)
{
	(void)state;
	fifo_on();
	for (unsigned int st = 0; st < 6u; st++) {
		switch (st) {
		case 0: break;                              /* nothing */
		case 1: recv('a'); break;                   /* RT */
		case 2: recv_n(20, 'b'); break;             /* RX, RT */
		case 3: put('y'); break;                    /* + TX */
		case 4: while (vuart_receive(&u, 'c')) {} break;   /* + OE */
		case 5: read_n(u.rx_count); wr(R_ICR, 4, INT_TX); break;   /* OE only */
		default: break;
		}
		for (uint32_t imsc = 0; imsc <= INT_ALL; imsc++) {
			wr(R_IMSC, 4, imsc);
			uint64_t ris = rd(R_RIS, 4);
			uint64_t mis = rd(R_MIS, 4);
			if (mis != (ris & imsc) || vuart_irq_level(&u) != ((ris & imsc) != 0)) {
				fail_msg("state %u IMSC 0x%x: RIS 0x%llx MIS 0x%llx level %d", st,
					 imsc, (unsigned long long)ris, (unsigned long long)mis,
					 vuart_irq_level(&u));
			}
		}
	}
	assert_int_equal(rd(R_RIS, 4), INT_OE);
}

static void test_irq_tx(void **state)
{
	(void)state;
	assert_int_equal(rd(R_RIS, 4) & INT_TX, 0);
	wr(R_IMSC, 4, INT_TX);
	assert_int_equal(vuart_irq_level(&u), 0);
	put('a');
	assert_int_equal(rd(R_RIS, 4) & INT_TX, INT_TX);
	assert_int_equal(rd(R_MIS, 4), INT_TX);
	assert_int_equal(vuart_irq_level(&u), 1);
	/* Masked: still raised, not driven. */
	wr(R_IMSC, 4, INT_RX | INT_RT | INT_OE);
	assert_int_equal(rd(R_RIS, 4) & INT_TX, INT_TX);
	assert_int_equal(vuart_irq_level(&u), 0);
	wr(R_IMSC, 4, INT_TX);
	assert_int_equal(vuart_irq_level(&u), 1);
	/* Other ICR bits leave it; ICR.TX clears it. */
	wr(R_ICR, 4, INT_RX | INT_RT | INT_OE);
	assert_int_equal(rd(R_RIS, 4) & INT_TX, INT_TX);
	wr(R_ICR, 4, INT_TX);
	assert_int_equal(rd(R_RIS, 4) & INT_TX, 0);
	assert_int_equal(rd(R_MIS, 4), 0);
	assert_int_equal(vuart_irq_level(&u), 0);
	/* Every write latches it again, a narrow one too, and one that only
	 * ends a line or is dropped from the output ('\r', ESC). */
	static const uint8_t bytes[] = { 'b', '\n', '\r', 0x1b };
	for (size_t i = 0; i < sizeof(bytes); i++) {
		wr(R_DR, 1, bytes[i]);
		assert_int_equal(vuart_irq_level(&u), 1);
		wr(R_ICR, 2, INT_TX);
		assert_int_equal(vuart_irq_level(&u), 0);
	}
	/* A refused write is not a write. */
	refused(R_DR + 1u, 1, 1);
	refused(R_DR, 1, 8);
	assert_int_equal(rd(R_RIS, 4) & INT_TX, 0);
	assert_int_equal(vuart_irq_level(&u), 0);
}

static void test_irq_oe_level(void **state)
{
	(void)state;
	wr(R_IMSC, 4, INT_OE);
	recv_n(RX_MAX, 0);
	assert_int_equal(vuart_irq_level(&u), 0);
	assert_int_equal(vuart_receive(&u, 1), 0);
	assert_int_equal(vuart_irq_level(&u), 1);
	assert_int_equal(rd(R_MIS, 4), INT_OE);
	wr(R_ICR, 4, INT_OE);
	assert_int_equal(vuart_irq_level(&u), 0);
}

/* ---- Side effects of reads ----------------------------------------------------- */

static void test_narrow_dr_read_pops_one_byte(void **state)
{
	(void)state;
	recv('a');
	recv('b');
	recv('c');
	recv('d');
	assert_int_equal(rd(R_DR, 1), 'a');
	assert_int_equal(u.rx_count, 3);
	assert_int_equal(rd(R_DR, 2), 'b');
	assert_int_equal(u.rx_count, 2);
	assert_int_equal(rd(R_DR, 4), 'c');
	assert_int_equal(rd(R_DR, 1), 'd');
	assert_int_equal(u.rx_count, 0);
	assert_int_equal(rd(R_DR, 1), 0);
	/* A refused read takes nothing. */
	recv('e');
	refused(R_DR, 0, 8);
	refused(R_DR + 1u, 0, 1);
	refused(R_DR + 2u, 0, 2);
	assert_int_equal(u.rx_count, 1);
	assert_int_equal(rd(R_DR, 2), 'e');
}

static void test_narrow_dr_read_keeps_overrun_in_16_bits(void **state)
{
	(void)state;
	recv_n(RX_MAX, 0x40);
	assert_int_equal(vuart_receive(&u, 0), 0);
	/* Linux reads UARTDR 16 bits wide: bit 11 is inside. */
	assert_int_equal(rd(R_DR, 2), DR_OE | 0x40u);
	assert_int_equal(rd(R_DR, 2), 0x41u);
}

static void test_status_reads_change_nothing(void **state)
{
	(void)state;
	static const uint32_t regs[] = { R_FR, R_RIS, R_MIS, R_RSR, R_IMSC, R_IFLS, R_LCR_H };
	static const unsigned int sizes[] = { 1, 2, 4 };
	fifo_on();
	wr(R_IMSC, 4, INT_RX | INT_RT | INT_TX | INT_OE);
	for (unsigned int i = 0; i < RX_MAX; i++) {
		recv((uint8_t)(i + 3u));
	}
	assert_int_equal(vuart_receive(&u, 0), 0);
	put('t');

	struct vuart before = u;
	uint64_t v0[sizeof(regs) / sizeof(regs[0])];
	for (size_t r = 0; r < sizeof(regs) / sizeof(regs[0]); r++) {
		v0[r] = rd(regs[r], 4);
	}
	for (unsigned int pass = 0; pass < 3u; pass++) {
		for (size_t r = 0; r < sizeof(regs) / sizeof(regs[0]); r++) {
			for (size_t s = 0; s < 3u; s++) {
				uint64_t mask = sizes[s] == 4u ? 0xffffffffULL
							       : (1ULL << (8u * sizes[s])) - 1u;
				assert_int_equal(rd(regs[r], sizes[s]), v0[r] & mask);
			}
		}
	}
	assert_memory_equal(&before, &u, sizeof(u));
	assert_int_equal(v0[1], INT_RX | INT_RT | INT_TX | INT_OE);
	assert_int_equal(v0[2], INT_RX | INT_RT | INT_TX | INT_OE);
	/* The overrun is still waiting for the next byte. */
	assert_int_equal(rd(R_DR, 4), DR_OE | 3u);
}

/* ---- vuart_reset ---------------------------------------------------------------- */

static void test_reset(void **state)
{
	(void)state;
	fifo_on();
	wr(R_IFLS, 4, 0);
	wr(R_IMSC, 4, INT_ALL);
	wr(R_CR, 4, 0x301u);
	wr(R_IBRD, 4, 0x1a);
	for (unsigned int i = 0; i < RX_MAX + 3u; i++) {
		(void)vuart_receive(&u, 'q');
	}
	vuart_set_live(&u, 1);
	puts_uart("text");
	assert_int_equal(vuart_irq_level(&u), 1);
	assert_int_equal(host_raw_calls, 0);
	unsigned int partials = host_partial_calls;

	vuart_reset(&u);

	/* The partial line went out as a line. */
	assert_int_equal(host_raw_calls, 1);
	assert_string_equal(host_raw_text, "[uart0] text\n");
	assert_int_equal(u.len, 0);
	/* Input discarded, registers at their reset values, nothing raised. */
	assert_int_equal(u.rx_count, 0);
	assert_int_equal(u.rx_dropped, 0);
	assert_int_equal(rd(R_FR, 4), FR_RXFE | FR_TXFE);
	assert_int_equal(rd(R_DR, 4), 0);
	assert_int_equal(rd(R_IMSC, 4), 0);
	assert_int_equal(rd(R_CR, 4), 0x300);
	assert_int_equal(rd(R_IFLS, 4), 0x12);
	assert_int_equal(rd(R_LCR_H, 4), 0);
	assert_int_equal(rd(R_IBRD, 4), 0);
	assert_int_equal(rd(R_RIS, 4), 0);
	assert_int_equal(rd(R_MIS, 4), 0);
	assert_int_equal(rd(R_RSR, 4), 0);
	assert_int_equal(vuart_irq_level(&u), 0);
	assert_string_equal(u.name, "uart0");
	assert_int_equal(u.base_ipa, BASE);
	assert_int_equal(vuart_covers(&u, BASE), 1);
	/* The dropped backlog leaves no overrun for the new run's first byte. */
	recv('n');
	assert_int_equal(rd(R_DR, 4), 'n');
	/* Live survives: the next byte is shown at once. */
	assert_int_equal(u.live, 1);
	put('x');
	assert_int_equal(host_partial_calls, partials + 1u);
	assert_string_equal(host_partial_text, "[uart0] x");
}

static void test_reset_keeps_live_off(void **state)
{
	(void)state;
	vuart_set_live(&u, 0);
	vuart_reset(&u);
	assert_int_equal(u.live, 0);
	put('x');
	assert_int_equal(host_partial_calls, 0);
	/* Nothing to flush: reset prints nothing. */
	vuart_reset(&u);
	vuart_reset(&u);
	assert_int_equal(host_raw_calls, 1);
	assert_string_equal(host_raw_text, "[uart0] x\n");
}

static void test_reset_ends_a_pending_escape(void **state)
{
	(void)state;
	puts_uart("old\x1b[1");
	vuart_reset(&u);
	assert_string_equal(host_raw_text, "[uart0] old\n");
	/* Nothing of the old run's sequence eats the new run's output. */
	puts_uart("new\n");
	assert_string_equal(host_raw_text, "[uart0] old\n[uart0] new\n");
}

/* ---- Output filter and live mode ------------------------------------------------ */

static void test_escape_sequences_dropped(void **state)
{
	(void)state;
	/* ESC c (reset the terminal): ESC and one byte. */
	puts_uart("a\x1b" "cb\n");
	assert_string_equal(host_raw_text, "[uart0] ab\n");
	/* ESC [ 6 n (cursor position query). */
	puts_uart("x\x1b[6ny\n");
	assert_string_equal(host_raw_text, "[uart0] ab\n[uart0] xy\n");
	/* ESC [ 1 ; 3 1 m (bold red), then text. */
	puts_uart("\x1b[1;31mred\x1b[0m!\n");
	assert_string_equal(host_raw_text, "[uart0] ab\n[uart0] xy\n[uart0] red!\n");
	/* Only the final byte ends a CSI: parameters and intermediates
	 * (0x20-0x3f) go with it; what follows is shown. */
	puts_uart("\x1b[?25 !@Z\n");
	assert_string_equal(host_raw_text,
			    "[uart0] ab\n[uart0] xy\n[uart0] red!\n[uart0] Z\n");
	/* ESC ESC: the second is the first's one byte. */
	puts_uart("\x1b\x1bq\n");
	assert_string_equal(host_raw_text,
			    "[uart0] ab\n[uart0] xy\n[uart0] red!\n[uart0] Z\n[uart0] q\n");
	assert_int_equal(host_raw_calls, 5);
}

static void test_newline_ends_escape_sequence(void **state)
{
	(void)state;
	/* A CSI cut short by a newline: the line is printed, and the next
	 * line is not taken for the rest of the sequence. */
	puts_uart("ab\x1b[12");
	put('\n');
	assert_int_equal(host_raw_calls, 1);
	assert_string_equal(host_raw_text, "[uart0] ab\n");
	puts_uart("12cd\n");
	assert_string_equal(host_raw_text, "[uart0] ab\n[uart0] 12cd\n");
	/* ESC alone before a newline. */
	puts_uart("e\x1b\nf\n");
	assert_string_equal(host_raw_text, "[uart0] ab\n[uart0] 12cd\n[uart0] e\n[uart0] f\n");
	assert_int_equal(u.esc, 0);
}

static void test_live_shows_partial_line(void **state)
{
	(void)state;
	vuart_set_live(&u, 1);
	put('a');
	assert_int_equal(host_partial_calls, 1);
	assert_string_equal(host_partial_text, "[uart0] a");
	put('b');
	assert_int_equal(host_partial_calls, 2);
	assert_string_equal(host_partial_text, "[uart0] ab");
	/* The byte that ends the line prints the line, not a partial. */
	put('\n');
	assert_int_equal(host_partial_calls, 2);
	assert_string_equal(host_raw_text, "[uart0] ab\n");
	/* Bytes that add nothing to the line show nothing new. */
	puts_uart("\r\x1b[2J");
	assert_int_equal(host_partial_calls, 2);
	put('c');
	assert_int_equal(host_partial_calls, 3);
	assert_string_equal(host_partial_text, "[uart0] c");
	/* Live off: partials stop; the line still comes out whole. */
	vuart_set_live(&u, 0);
	puts_uart("de");
	assert_int_equal(host_partial_calls, 3);
	put('\n');
	assert_string_equal(host_raw_text, "[uart0] ab\n[uart0] cde\n");
	assert_int_equal(host_raw_overflow, 0);
	/* Any non-zero turns it on. */
	vuart_set_live(&u, 7);
	assert_int_equal(u.live, 1);
	put('z');
	assert_int_equal(host_partial_calls, 4);
	assert_string_equal(host_partial_text, "[uart0] z");
}

static void test_live_off_by_default(void **state)
{
	(void)state;
	puts_uart("abc");
	assert_int_equal(host_partial_calls, 0);
	put('\n');
	assert_int_equal(host_partial_calls, 0);
	assert_string_equal(host_raw_text, "[uart0] abc\n");
}

static void test_live_no_partial_for_the_byte_that_fills_the_line(void **state)
{
	(void)state;
	vuart_set_live(&u, 1);
	for (unsigned int i = 0; i < VUART_LINE_MAX - 1u; i++) {
		put('x');
	}
	assert_int_equal(host_partial_calls, VUART_LINE_MAX - 1u);
	assert_int_equal(host_raw_calls, 0);
	put('x');
	/* That byte ended the line (cut at the maximum): a line, no partial. */
	assert_int_equal(host_partial_calls, VUART_LINE_MAX - 1u);
	assert_int_equal(host_raw_calls, 1);
	put('y');
	assert_int_equal(host_partial_calls, VUART_LINE_MAX);
	assert_string_equal(host_partial_text, "[uart0] y");
	assert_int_equal(host_raw_overflow, 0);
}

/* ---- Property sweep ------------------------------------------------------------- */

static uint32_t rng_state;

static uint32_t rng(void)
{
	/* xorshift32: the same sequence on every run. */
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

static void test_property_sweep(void **state)
{
	(void)state;
	static const unsigned int eighths[8] = { 1, 2, 4, 6, 7, 4, 4, 4 };
	/* A model of what the driver should see. */
	uint8_t q[RX_MAX];
	unsigned int q_head = 0, q_count = 0, dropped = 0;
	int oe_pending = 0, oe_ris = 0, tx_ris = 0;
	unsigned int max_seen = 0, drops_seen = 0, level_seen = 0;

	rng_state = 0x2545f491u;
	for (unsigned int step = 0; step < 2000u; step++) {
		uint32_t r = rng();
		switch (r % 8u) {
		case 0:
		case 1: {
			/* A burst of typing (a paste fills the backlog). */
			unsigned int n = 1u + (r >> 8) % 64u;
			for (unsigned int i = 0; i < n; i++) {
				uint8_t c = (uint8_t)rng();
				int took = vuart_receive(&u, c);
				if (q_count == RX_MAX) {
					assert_int_equal(took, 0);
					dropped++;
					drops_seen++;
					oe_pending = 1;
					oe_ris = 1;
				} else {
					assert_int_equal(took, 1);
					q[(q_head + q_count) % RX_MAX] = c;
					q_count++;
				}
			}
			break;
		}
		case 2:
		case 3: {
			unsigned int n = 1u + (r >> 8) % 48u;
			for (unsigned int i = 0; i < n; i++) {
				uint64_t want = 0;
				if (q_count > 0) {
					want = q[q_head] | (oe_pending ? DR_OE : 0u);
					oe_pending = 0;
					q_head = (q_head + 1u) % RX_MAX;
					q_count--;
				}
				uint64_t got = rd(R_DR, 4);
				if (got != want) {
					fail_msg("step %u: DR read 0x%llx, expected 0x%llx", step,
						 (unsigned long long)got, (unsigned long long)want);
				}
			}
			break;
		}
		case 4: {
			uint32_t v = rng();
			wr(R_ICR, 4, v);
			if ((v & INT_OE) != 0) {
				oe_ris = 0;
			}
			if ((v & INT_TX) != 0) {
				tx_ris = 0;
			}
			break;
		}
		case 5:
			wr(R_IMSC, 4, rng());
			break;
		case 6:
			if ((r >> 8) & 1u) {
				wr(R_IFLS, 4, rng());
			} else {
				wr(R_LCR_H, 4, rng());
			}
			break;
		default:
			put((char)('a' + (r >> 8) % 26u));
			tx_ris = 1;
			break;
		}

		/* Invariants. */
		uint64_t fr = rd(R_FR, 4);
		uint64_t ris = rd(R_RIS, 4);
		uint64_t mis = rd(R_MIS, 4);
		uint64_t imsc = rd(R_IMSC, 4);
		uint64_t lcr_h = rd(R_LCR_H, 4);
		uint64_t ifls = rd(R_IFLS, 4);
		int fen = (lcr_h & LCR_H_FEN) != 0;
		unsigned int trig = fen ? RX_FIFO * eighths[(ifls >> IFLS_RX_SHIFT) & 7u] / 8u : 1u;
		uint64_t want_ris = (q_count >= trig ? INT_RX : 0u) | (q_count > 0 ? INT_RT : 0u) |
				    (tx_ris ? INT_TX : 0u) | (oe_ris ? INT_OE : 0u);
		int level = vuart_irq_level(&u);

		if (mis != (ris & imsc)) {
			fail_msg("step %u: MIS 0x%llx != RIS 0x%llx & IMSC 0x%llx", step,
				 (unsigned long long)mis, (unsigned long long)ris,
				 (unsigned long long)imsc);
		}
		if (((fr & FR_RXFE) != 0) != (u.rx_count == 0) || u.rx_count != q_count) {
			fail_msg("step %u: FR 0x%llx with %u queued (model %u)", step,
				 (unsigned long long)fr, u.rx_count, q_count);
		}
		if (((fr & FR_RXFF) != 0) != (q_count >= (fen ? RX_FIFO : 1u))) {
			fail_msg("step %u: FR 0x%llx, %u queued, FEN %d", step,
				 (unsigned long long)fr, q_count, fen);
		}
		if (level != (mis != 0)) {
			fail_msg("step %u: level %d, MIS 0x%llx", step, level,
				 (unsigned long long)mis);
		}
		if (u.rx_count > RX_MAX) {
			fail_msg("step %u: %u queued", step, u.rx_count);
		}
		if (ris != want_ris) {
			fail_msg("step %u: RIS 0x%llx, expected 0x%llx (%u queued, trigger %u)",
				 step, (unsigned long long)ris, (unsigned long long)want_ris,
				 q_count, trig);
		}
		assert_int_equal(u.rx_dropped, dropped);
		if (q_count > max_seen) {
			max_seen = q_count;
		}
		level_seen += (unsigned int)level;
	}
	/* The sequence reached the corners it is meant to check. */
	assert_int_equal(max_seen, RX_MAX);
	assert_true(drops_seen > 0);
	assert_true(level_seen > 0 && level_seen < 2000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_covers_page, setup),
		cmocka_unit_test_setup(test_newline_right_after_a_full_line_is_not_an_empty_line, setup),
		cmocka_unit_test_setup(test_covers_zero_base_covers_nothing, setup),
		cmocka_unit_test_setup(test_covers_top_of_address_space, setup),
		cmocka_unit_test_setup(test_init_state, setup),
		cmocka_unit_test_setup(test_line_emitted_on_newline, setup),
		cmocka_unit_test_setup(test_only_low_byte_of_dr_is_sent, setup),
		cmocka_unit_test_setup(test_carriage_return_dropped, setup),
		cmocka_unit_test_setup(test_control_and_high_bytes_shown_as_dot, setup),
		cmocka_unit_test_setup(test_empty_line, setup),
		cmocka_unit_test_setup(test_backspace_takes_back_a_byte, setup),
		cmocka_unit_test_setup(test_full_line_flushed_without_newline, setup),
		cmocka_unit_test_setup(test_long_line_split_every_line_max, setup),
		cmocka_unit_test_setup(test_dropped_bytes_do_not_fill_line, setup),
		cmocka_unit_test_setup(test_flush, setup),
		cmocka_unit_test_setup(test_name_is_the_prefix, setup),
		cmocka_unit_test_setup(test_fr_reads_txfe_rxfe, setup),
		cmocka_unit_test_setup(test_cr_reset_and_mask, setup),
		cmocka_unit_test_setup(test_rw_registers_masked, setup),
		cmocka_unit_test_setup(test_write_only_and_status_registers, setup),
		cmocka_unit_test_setup(test_primecell_ids, setup),
		cmocka_unit_test_setup(test_narrow_reads_take_the_low_bytes, setup),
		cmocka_unit_test_setup(test_access_inside_a_register_refused, setup),
		cmocka_unit_test_setup(test_64_bit_accesses_refused, setup),
		cmocka_unit_test_setup(test_odd_sizes_refused, setup),
		cmocka_unit_test_setup(test_narrow_write_at_word_offset_writes_register, setup),
		cmocka_unit_test_setup(test_sweep_reads, setup),
		cmocka_unit_test_setup(test_sweep_writes_to_unassigned_ignored, setup),
		cmocka_unit_test_setup(test_sweep_every_word_every_size, setup),
		cmocka_unit_test_setup(test_rx_empty, setup),
		cmocka_unit_test_setup(test_rx_bytes_come_out_in_order, setup),
		cmocka_unit_test_setup(test_rx_ring_wraps_in_order, setup),
		cmocka_unit_test_setup(test_rx_full_flag_with_fifo, setup),
		cmocka_unit_test_setup(test_rx_full_flag_without_fifo, setup),
		cmocka_unit_test_setup(test_rx_backlog_overrun, setup),
		cmocka_unit_test_setup(test_rx_overrun_flag_on_the_byte_after_the_drop, setup),
		cmocka_unit_test_setup(test_irq_masked_is_low, setup),
		cmocka_unit_test_setup(test_irq_rx_trigger_levels, setup),
		cmocka_unit_test_setup(test_irq_rx_trigger_follows_ifls_and_fen, setup),
		cmocka_unit_test_setup(test_irq_rx_without_fifo_at_one_byte, setup),
		cmocka_unit_test_setup(test_irq_rt_any_byte, setup),
		cmocka_unit_test_setup(test_irq_read_empty_drops_level, setup),
		cmocka_unit_test_setup(test_icr_does_not_clear_rx_status, setup),
		cmocka_unit_test_setup(test_mis_is_ris_and_imsc, setup),
		cmocka_unit_test_setup(test_irq_tx, setup),
		cmocka_unit_test_setup(test_irq_oe_level, setup),
		cmocka_unit_test_setup(test_narrow_dr_read_pops_one_byte, setup),
		cmocka_unit_test_setup(test_narrow_dr_read_keeps_overrun_in_16_bits, setup),
		cmocka_unit_test_setup(test_status_reads_change_nothing, setup),
		cmocka_unit_test_setup(test_reset, setup),
		cmocka_unit_test_setup(test_reset_keeps_live_off, setup),
		cmocka_unit_test_setup(test_reset_ends_a_pending_escape, setup),
		cmocka_unit_test_setup(test_escape_sequences_dropped, setup),
		cmocka_unit_test_setup(test_newline_ends_escape_sequence, setup),
		cmocka_unit_test_setup(test_live_shows_partial_line, setup),
		cmocka_unit_test_setup(test_live_off_by_default, setup),
		cmocka_unit_test_setup(test_live_no_partial_for_the_byte_that_fills_the_line, setup),
		cmocka_unit_test_setup(test_property_sweep, setup),
	};
	return cmocka_run_group_tests_name("vuart", tests, NULL, NULL);
}
