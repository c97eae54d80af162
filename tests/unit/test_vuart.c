/*
 * Host tests for the emulated PL011 (core/vuart.c): which addresses it
 * covers, the transmit path into log_raw (one "[name] text\n" per line), and
 * the register file a driver sees, for every offset and access size.
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
	/* ESC [ 2 J (erase the screen) is dropped whole, not shown. */
	assert_string_equal(host_raw_text, "[uart0] x....\t... ~......y\n");
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
	};
	return cmocka_run_group_tests_name("vuart", tests, NULL, NULL);
}
