/*
 * core/dtb_header.c: what EL2 maps of the board's DTB (arch/arm64/setup.c).
 * A header that says less than the truth must never shrink the mapping
 * below what libfdt may read: old versions, blocks past totalsize and an
 * odd block order all fall back to the whole totalsize.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dtb_header.h"

static uint8_t hdr[64];

static void put32(unsigned int off, uint32_t v)
{
	hdr[off] = (uint8_t)(v >> 24);
	hdr[off + 1u] = (uint8_t)(v >> 16);
	hdr[off + 2u] = (uint8_t)(v >> 8);
	hdr[off + 3u] = (uint8_t)v;
}

/* A v17 header as dtc and QEMU lay it out: header, reservation block,
 * structure block, strings block, padding up to totalsize. */
static void make(uint32_t total, uint32_t version, uint32_t rsv, uint32_t st, uint32_t st_size,
		 uint32_t str, uint32_t str_size)
{
	memset(hdr, 0, sizeof(hdr));
	put32(0, DTB_MAGIC);
	put32(4, total);
	put32(8, st);
	put32(12, str);
	put32(16, rsv);
	put32(20, version);
	put32(32, str_size);
	put32(36, st_size);
}

static void test_fields(void **state)
{
	(void)state;
	make(0x100000, 17, 0x28, 0x38, 0x1000, 0x1038, 0x200);
	assert_int_equal(dtb_hdr_magic(hdr), DTB_MAGIC);
	assert_int_equal(dtb_hdr_totalsize(hdr), 0x100000);
}

static void test_qemu_layout_maps_to_the_end_of_strings(void **state)
{
	(void)state;
	/* QEMU virt: 1 MiB totalsize, a few KiB of blocks. */
	make(0x100000, 17, 0x28, 0x38, 0x1000, 0x1038, 0x200);
	assert_int_equal(dtb_hdr_used_size(hdr, 0x100000), 0x1238);
	/* Strings before the structure: the later end counts. */
	make(0x100000, 17, 0x28, 0x300, 0x2000, 0x40, 0x100);
	assert_int_equal(dtb_hdr_used_size(hdr, 0x100000), 0x2300);
	/* Exactly totalsize is fine. */
	make(0x2300, 17, 0x28, 0x300, 0x2000, 0x40, 0x100);
	assert_int_equal(dtb_hdr_used_size(hdr, 0x2300), 0x2300);
}

static void test_falls_back_to_totalsize(void **state)
{
	(void)state;
	/* v16: no size_dt_struct. */
	make(0x100000, 16, 0x28, 0x38, 0x1000, 0x1038, 0x200);
	assert_int_equal(dtb_hdr_used_size(hdr, 0x100000), 0x100000);
	/* A block past totalsize (libfdt refuses the tree later). */
	make(0x1000, 17, 0x28, 0x38, 0x1000, 0x1038, 0x200);
	assert_int_equal(dtb_hdr_used_size(hdr, 0x1000), 0x1000);
	/* Sizes that would wrap 32 bits. */
	make(0x100000, 17, 0x28, 0x38, 0xffffffffu, 0x1038, 0x200);
	assert_int_equal(dtb_hdr_used_size(hdr, 0x100000), 0x100000);
	/* The reservation block after the blocks: its end is unknown. */
	make(0x100000, 17, 0x2000, 0x38, 0x1000, 0x1038, 0x200);
	assert_int_equal(dtb_hdr_used_size(hdr, 0x100000), 0x100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_qemu_layout_maps_to_the_end_of_strings),
		cmocka_unit_test(test_falls_back_to_totalsize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
