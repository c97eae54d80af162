/*
 * Host tests for the VMSAv8-64 4 KiB-granule table builder
 * (arch/arm64/pgtable.c). Expected descriptors are written out in hex, from
 * the Arm ARM's field layout, rather than rebuilt from the header's macros,
 * so a wrong macro shows up here too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/pgtable.h"

#define KIB (1024UL)
#define MIB (1024UL * KIB)
#define GIB (1024UL * MIB)

#define POOL_MAX 16u

/* Attribute sets the hypervisor uses, built from the header's names. */
#define S1_NORMAL  (PTE_S1_ATTRIDX(0) | PTE_SH_INNER | PTE_AF | PTE_S1_AP1_RES1)
#define S1_DEVICE  (PTE_S1_ATTRIDX(1) | PTE_AF | PTE_S1_AP1_RES1 | PTE_XN)
#define S1_RO      (S1_NORMAL | PTE_S1_AP_RO | PTE_XN)
#define S2_NORMAL  (PTE_S2_MEMATTR_NORMAL_WB | PTE_S2_AP_RW | PTE_SH_INNER | PTE_AF)
#define S2_DEVICE  (PTE_S2_MEMATTR_DEVICE_nGnRE | PTE_S2_AP_RW | PTE_AF | PTE_XN)
#define S2_RO      (PTE_S2_MEMATTR_NORMAL_WB | PTE_S2_AP_READ | PTE_SH_INNER | PTE_AF)

#define XN_BIT     0x0040000000000000UL

static _Alignas(4096) uint64_t pool_mem[POOL_MAX][PT_ENTRIES];
static struct pt_pool pool;
static struct pt pt;

/* Fresh pool of `ntables` tables (filled with junk, so the builder must
 * clear what it takes) and a table rooted in it. */
static void fresh(uint32_t ntables, uint32_t start_level, uint32_t ia_bits)
{
	memset(pool_mem, 0xa5, sizeof(pool_mem));
	pool.tables = pool_mem;
	pool.ntables = ntables;
	pool.used = 0;
	memset(&pt, 0, sizeof(pt));
	assert_int_equal(pt_init(&pt, &pool, start_level, ia_bits), PT_OK);
	assert_int_equal(pool.used, 1);
	assert_ptr_equal(pt.root, pool_mem[0]);
}

static int setup_l1_39(void **state)
{
	(void)state;
	fresh(POOL_MAX, 1, 39);
	return 0;
}

/* Leaf at `ia` and the level it was found at; level is 99 if unmapped. */
static uint64_t leaf(uint64_t ia, uint32_t *level)
{
	*level = 99;
	return pt_lookup(&pt, ia, level);
}

static void assert_leaf(uint64_t ia, uint64_t want_desc, uint32_t want_level)
{
	uint32_t level;
	uint64_t desc = leaf(ia, &level);
	assert_int_equal(desc, want_desc);
	assert_int_equal(level, want_level);
}

static void assert_unmapped(uint64_t ia)
{
	uint32_t level;
	assert_int_equal(leaf(ia, &level), 0);
	assert_int_equal(level, 99);
}

/* ---- encodings ----------------------------------------------------------- */

static void test_header_encodings(void **state)
{
	(void)state;
	assert_int_equal(PT_LEVEL_SHIFT(0), 39);
	assert_int_equal(PT_LEVEL_SHIFT(1), 30);
	assert_int_equal(PT_LEVEL_SHIFT(2), 21);
	assert_int_equal(PT_LEVEL_SHIFT(3), 12);
	assert_int_equal(PT_LEVEL_SIZE(1), GIB);
	assert_int_equal(PT_LEVEL_SIZE(2), 2 * MIB);
	assert_int_equal(PT_LEVEL_SIZE(3), 4 * KIB);
	assert_int_equal(PTE_TYPE_BLOCK, 0x1);
	assert_int_equal(PTE_TYPE_TABLE, 0x3);
	assert_int_equal(PTE_TYPE_PAGE, 0x3);
	assert_int_equal(PTE_SH_INNER, 0x300);
	assert_int_equal(PTE_AF, 0x400);
	assert_int_equal(PTE_XN, XN_BIT);
	assert_int_equal(PTE_S1_ATTRIDX(7), 0x1c);
	assert_int_equal(PTE_S1_AP_RO, 0x80);
	assert_int_equal(PTE_S1_AP1_RES1, 0x40);
	assert_int_equal(PTE_S2_MEMATTR_DEVICE_nGnRE, 0x4);
	assert_int_equal(PTE_S2_MEMATTR_NORMAL_WB, 0x3c);
	assert_int_equal(PTE_S2_AP_READ, 0x40);
	assert_int_equal(PTE_S2_AP_WRITE, 0x80);
	assert_int_equal(PTE_ADDR_MASK, 0x0000fffffffff000UL);
	assert_int_equal(PTE_ATTR_MASK, 0xffff000000000ffcUL);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(pt_strerror(PT_OK), "ok");
	assert_string_equal(pt_strerror(PT_EALIGN), "not page aligned");
	assert_string_equal(pt_strerror(PT_ERANGE), "outside the address range");
	assert_string_equal(pt_strerror(PT_ENOMEM), "translation-table pool exhausted");
	assert_string_equal(pt_strerror(PT_EEXIST), "overlaps an existing mapping");
	assert_string_equal(pt_strerror(-99), "unknown error");
	assert_string_equal(pt_strerror(1), "unknown error");
}

/* ---- pt_init -------------------------------------------------------------- */

static void test_init_takes_cleared_root(void **state)
{
	(void)state;
	fresh(4, 1, 39);
	assert_int_equal(pt.start_level, 1);
	assert_int_equal(pt.ia_bits, 39);
	assert_ptr_equal(pt.pool, &pool);
	for (uint32_t i = 0; i < PT_ENTRIES; i++) {
		assert_int_equal(pt.root[i], 0);
	}
	/* Only the root was cleared: the rest of the pool is untouched. */
	assert_int_equal(pool_mem[1][0], 0xa5a5a5a5a5a5a5a5UL);
}

static void test_init_errors(void **state)
{
	struct pt t;
	(void)state;
	memset(pool_mem, 0, sizeof(pool_mem));
	pool.tables = pool_mem;
	pool.ntables = POOL_MAX;
	pool.used = 0;

	assert_int_equal(pt_init(&t, &pool, 2, 30), PT_ERANGE);   /* start level 2 */
	assert_int_equal(pt_init(&t, &pool, 1, 40), PT_ERANGE);   /* level 1 resolves 39 bits */
	assert_int_equal(pt_init(&t, &pool, 0, 49), PT_ERANGE);   /* level 0 resolves 48 bits */
	assert_int_equal(pt_init(&t, &pool, 1, 24), PT_ERANGE);   /* below the minimum */
	assert_int_equal(pool.used, 0);

	assert_int_equal(pt_init(&t, &pool, 0, 48), PT_OK);
	assert_int_equal(pt_init(&t, &pool, 1, 25), PT_OK);
	assert_int_equal(pool.used, 2);

	pool.ntables = 2;
	assert_int_equal(pt_init(&t, &pool, 1, 39), PT_ENOMEM);
	assert_int_equal(pool.used, 2);
}

/* ---- mapping sizes and levels -------------------------------------------- */

static void test_map_4k_page(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 4 * KIB, S1_NORMAL), PT_OK);
	/* root + level-2 table + level-3 table */
	assert_int_equal(pool.used, 3);

	assert_leaf(0x40000000, 0x40000743UL, 3);
	assert_leaf(0x40000fff, 0x40000743UL, 3);
	assert_unmapped(0x3ffff000);
	assert_unmapped(0x40001000);
	assert_unmapped(0x0);

	/* The walk goes through table descriptors pointing at pool tables. */
	assert_int_equal(pt.root[1], (uint64_t)(uintptr_t)pool_mem[1] | 0x3);
	assert_int_equal(pool_mem[1][0], (uint64_t)(uintptr_t)pool_mem[2] | 0x3);
	assert_int_equal(pool_mem[2][0], 0x40000743UL);
	/* New tables were cleared apart from the one entry. */
	assert_int_equal(pool_mem[1][1], 0);
	assert_int_equal(pool_mem[2][1], 0);
	assert_int_equal(pool_mem[2][511], 0);
}

static void test_map_2m_becomes_l2_block(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40200000, 0x40200000, 2 * MIB, S2_NORMAL), PT_OK);
	/* root + one level-2 table, no level-3 table */
	assert_int_equal(pool.used, 2);
	assert_leaf(0x40200000, 0x402007fdUL, 2);
	assert_leaf(0x403ff000, 0x402007fdUL, 2);
	assert_leaf(0x403fffff, 0x402007fdUL, 2);
	assert_unmapped(0x401ff000);
	assert_unmapped(0x40400000);
	assert_int_equal(pool_mem[1][1], 0x402007fdUL);
}

static void test_map_1g_becomes_l1_block(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, GIB, S1_DEVICE), PT_OK);
	/* Only the root table. */
	assert_int_equal(pool.used, 1);
	assert_leaf(0x80000000, 0x0040000080000445UL, 1);
	assert_leaf(0xbfffffff, 0x0040000080000445UL, 1);
	assert_unmapped(0x7ffff000);
	assert_unmapped(0xc0000000);
	assert_int_equal(pt.root[2], 0x0040000080000445UL);
}

static void test_map_several_blocks_and_last_entry(void **state)
{
	(void)state;
	/* 2 GiB + 2 MiB from 1 GiB: two level-1 blocks, then one level-2 block. */
	assert_int_equal(pt_map(&pt, GIB, GIB, 2 * GIB + 2 * MIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 2);
	assert_leaf(GIB, 0x400007fdUL, 1);
	assert_leaf(2 * GIB + 5, 0x800007fdUL, 1);
	assert_leaf(3 * GIB + 0x1fffff, 0xc00007fdUL, 2);
	assert_unmapped(3 * GIB + 2 * MIB);

	/* The very last GiB of a 39-bit space sits in root entry 511. */
	assert_int_equal(pt_map(&pt, 0x7fc0000000UL, 0x7fc0000000UL, GIB, S2_NORMAL), PT_OK);
	assert_int_equal(pt.root[511], 0x7fc00007fdUL);
	assert_leaf(0x7fffffffffUL, 0x7fc00007fdUL, 1);
}

static void test_map_3m_unaligned_mixes_pages_and_blocks(void **state)
{
	(void)state;
	/* [0x40180000, 0x40480000): 512 KiB of pages, a 2 MiB block, 512 KiB of pages. */
	assert_int_equal(pt_map(&pt, 0x40180000, 0x40180000, 3 * MIB, S1_NORMAL), PT_OK);
	/* root, one level-2 table, two level-3 tables */
	assert_int_equal(pool.used, 4);

	assert_unmapped(0x4017f000);
	assert_leaf(0x40180000, 0x40180743UL, 3);
	assert_leaf(0x401ff000, 0x401ff743UL, 3);
	assert_leaf(0x40200000, 0x40200741UL, 2);
	assert_leaf(0x40300000, 0x40200741UL, 2);
	assert_leaf(0x403ff000, 0x40200741UL, 2);
	assert_leaf(0x40400000, 0x40400743UL, 3);
	assert_leaf(0x4047f000, 0x4047f743UL, 3);
	assert_unmapped(0x40480000);
	/* Level-3 entries below the start of the range stay empty. */
	assert_int_equal(pool_mem[2][0x17f], 0);
	assert_int_equal(pool_mem[2][0x180], 0x40180743UL);
}

static void test_map_3m_unaligned_start_only(void **state)
{
	(void)state;
	/* [0x40100000, 0x40400000): 1 MiB of pages, then one 2 MiB block. */
	assert_int_equal(pt_map(&pt, 0x40100000, 0x40100000, 3 * MIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 3);
	assert_unmapped(0x400ff000);
	assert_leaf(0x40100000, 0x401007ffUL, 3);
	assert_leaf(0x401ff000, 0x401ff7ffUL, 3);
	assert_leaf(0x40200000, 0x402007fdUL, 2);
	assert_leaf(0x403ff000, 0x402007fdUL, 2);
	assert_unmapped(0x40400000);
}

static void test_misaligned_oa_forces_pages(void **state)
{
	uint32_t level;
	(void)state;
	/* ia is 2 MiB aligned but oa only 4 KiB aligned: no block possible. */
	assert_int_equal(pt_map(&pt, 0x40200000, 0x80001000, 2 * MIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 3);
	assert_leaf(0x40200000, 0x800017ffUL, 3);
	assert_leaf(0x403ff000, 0x802007ffUL, 3);
	uint64_t d = leaf(0x40345678, &level);
	assert_int_equal(pt_leaf_oa(d, level, 0x40345678), 0x80146678UL);
}

/* ---- descriptor bits ------------------------------------------------------ */

static void test_stage1_descriptor_bits(void **state)
{
	uint32_t level;
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 4 * KIB, S1_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0x09000000, 0x09000000, 4 * KIB, S1_DEVICE), PT_OK);
	assert_int_equal(pt_map(&pt, 0x40001000, 0x40001000, 4 * KIB, S1_RO), PT_OK);
	assert_int_equal(pt_map(&pt, 0x40200000, 0x40200000, 2 * MIB, S1_RO), PT_OK);

	/* Normal memory page: AttrIndx 0, inner shareable, AF, AP = RW. */
	uint64_t d = leaf(0x40000000, &level);
	assert_int_equal(d, 0x0000000040000743UL);
	assert_int_equal(d & 0x3, 0x3);           /* page */
	assert_int_equal((d >> 2) & 0x7, 0);      /* AttrIndx */
	assert_int_equal((d >> 6) & 0x3, 0x1);    /* AP[2:1] = RW, AP[1] RES1 */
	assert_int_equal((d >> 8) & 0x3, 0x3);    /* SH inner */
	assert_int_equal((d >> 10) & 0x1, 1);     /* AF */
	assert_int_equal((d >> 54) & 0x1, 0);     /* executable */

	/* Device page: AttrIndx 1, non-shareable, AF, XN. */
	d = leaf(0x09000000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(d, 0x0040000009000447UL);
	assert_int_equal((d >> 2) & 0x7, 1);
	assert_int_equal((d >> 8) & 0x3, 0);
	assert_int_equal((d >> 54) & 0x1, 1);

	/* Read-only page: AP[2] set. */
	d = leaf(0x40001000, &level);
	assert_int_equal(d, 0x00400000400017c3UL);
	assert_int_equal((d >> 7) & 0x1, 1);

	/* Read-only block: type bits 01, same attributes. */
	d = leaf(0x40200000, &level);
	assert_int_equal(level, 2);
	assert_int_equal(d, 0x00400000402007c1UL);
	assert_int_equal(d & 0x3, 0x1);
}

static void test_stage2_descriptor_bits(void **state)
{
	uint32_t level;
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 4 * KIB, S2_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0x08000000, 0x08000000, 2 * MIB, S2_DEVICE), PT_OK);
	assert_int_equal(pt_map(&pt, 0x40001000, 0x40001000, 4 * KIB, S2_RO), PT_OK);
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, GIB, S2_NORMAL), PT_OK);

	uint64_t d = leaf(0x40000000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(d, 0x00000000400007ffUL);
	assert_int_equal((d >> 2) & 0xf, 0xf);    /* MemAttr: Normal, outer+inner WB */
	assert_int_equal((d >> 6) & 0x3, 0x3);    /* S2AP RW */
	assert_int_equal((d >> 8) & 0x3, 0x3);
	assert_int_equal((d >> 10) & 0x1, 1);
	assert_int_equal((d >> 54) & 0x1, 0);

	d = leaf(0x08100000, &level);
	assert_int_equal(level, 2);
	assert_int_equal(d, 0x00400000080004c5UL);
	assert_int_equal(d & 0x3, 0x1);           /* block */
	assert_int_equal((d >> 2) & 0xf, 0x1);    /* MemAttr: Device-nGnRE */
	assert_int_equal((d >> 6) & 0x3, 0x3);
	assert_int_equal((d >> 54) & 0x1, 1);     /* XN[1] */

	d = leaf(0x40001000, &level);
	assert_int_equal(d, 0x000000004000177fUL);
	assert_int_equal((d >> 6) & 0x3, 0x1);    /* S2AP read-only */

	d = leaf(0x80000000, &level);
	assert_int_equal(level, 1);
	assert_int_equal(d, 0x00000000800007fdUL);
}

static void test_attrs_cannot_touch_type_or_address(void **state)
{
	(void)state;
	/* Type and address bits in attrs are dropped; upper attributes
	 * (software bits 58:55 here) are kept. */
	uint64_t junk = 0x0000123456789000UL | 0x3 | (1UL << 55) | (1UL << 58);
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 4 * KIB, S1_NORMAL | junk), PT_OK);
	assert_leaf(0x40000000, 0x0480000040000743UL, 3);
	assert_int_equal(pt_map(&pt, 0x40200000, 0x40200000, 2 * MIB, S2_NORMAL | junk), PT_OK);
	assert_leaf(0x40200000, 0x04800000402007fdUL, 2);
}

/* ---- output addresses ----------------------------------------------------- */

static void test_leaf_oa_non_identity(void **state)
{
	uint32_t level;
	uint64_t d;
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40000000, 0x880000000UL, 2 * MIB, S2_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0x1000, 0x76543000, 4 * KIB, S2_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0xc0000000, 0x1c0000000UL, GIB, S2_NORMAL), PT_OK);

	d = leaf(0x40012345, &level);
	assert_int_equal(level, 2);
	assert_int_equal(d, 0x8800007fdUL);
	assert_int_equal(pt_leaf_oa(d, level, 0x40012345), 0x880012345UL);
	assert_int_equal(pt_leaf_oa(d, level, 0x401fffff), 0x8801fffffUL);

	d = leaf(0x1abc, &level);
	assert_int_equal(level, 3);
	assert_int_equal(d, 0x765437ffUL);
	assert_int_equal(pt_leaf_oa(d, level, 0x1abc), 0x76543abcUL);

	d = leaf(0xfedcba98, &level);
	assert_int_equal(level, 1);
	assert_int_equal(pt_leaf_oa(d, level, 0xfedcba98), 0x1fedcba98UL);
	assert_int_equal(pt_leaf_oa(d, level, 0xc0000000), 0x1c0000000UL);
}

static void test_leaf_oa_ignores_attribute_bits(void **state)
{
	(void)state;
	/* Upper attributes (XN) and low attributes must not leak into the OA. */
	assert_int_equal(pt_leaf_oa(0x00400000402007c1UL, 2, 0x40212345), 0x40212345UL);
	assert_int_equal(pt_leaf_oa(0x0040000009000447UL, 3, 0x1234), 0x09000234UL);
	assert_int_equal(pt_leaf_oa(0x0040000080000445UL, 1, 0x3fffffff), 0xbfffffffUL);
}

/* ---- lookups -------------------------------------------------------------- */

static void test_lookup_unmapped(void **state)
{
	(void)state;
	assert_unmapped(0x0);
	assert_unmapped(0x40000000);
	assert_unmapped(0x7ffffff000UL);
	/* Beyond the input address size, even where the index would alias. */
	assert_int_equal(pt_map(&pt, 0x0, 0x0, GIB, S2_NORMAL), PT_OK);
	assert_leaf(0x0, 0x7fdUL, 1);
	assert_unmapped(1UL << 39);
	assert_unmapped(0xffffffffffffffffUL);
	/* Table present but the level-3 entry empty. */
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 4 * KIB, S2_NORMAL), PT_OK);
	assert_unmapped(0x40002000);
	/* Level-2 table present, entry empty. */
	assert_unmapped(0x40400000);
	/* NULL level pointer is allowed. */
	assert_int_equal(pt_lookup(&pt, 0x40000000, NULL), 0x400007ffUL);
}

/* ---- errors --------------------------------------------------------------- */

static void test_ealign(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40000800, 0x40000000, 4 * KIB, S1_NORMAL), PT_EALIGN);
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000001, 4 * KIB, S1_NORMAL), PT_EALIGN);
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 6 * KIB, S1_NORMAL), PT_EALIGN);
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 1, S1_NORMAL), PT_EALIGN);
	assert_int_equal(pool.used, 1);
	assert_unmapped(0x40000000);
}

static void test_erange(void **state)
{
	(void)state;
	/* Input beyond ia_bits (39). */
	assert_int_equal(pt_map(&pt, 1UL << 39, 0x0, 4 * KIB, S2_NORMAL), PT_ERANGE);
	assert_int_equal(pt_map(&pt, (1UL << 39) - 4 * KIB, 0x0, 8 * KIB, S2_NORMAL), PT_ERANGE);
	assert_int_equal(pt_map(&pt, 0x0, 0x0, (1UL << 39) + 4 * KIB, S2_NORMAL), PT_ERANGE);
	/* A size that would wrap the address. */
	assert_int_equal(pt_map(&pt, 0x1000, 0x1000, 0xfffffffffffff000UL, S2_NORMAL), PT_ERANGE);
	/* Zero size. */
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 0, S2_NORMAL), PT_ERANGE);
	/* Output address beyond 48 bits, or running past it. */
	assert_int_equal(pt_map(&pt, 0x0, 1UL << 48, 4 * KIB, S2_NORMAL), PT_ERANGE);
	assert_int_equal(pt_map(&pt, 0x0, 0xfffffffff000UL, 8 * KIB, S2_NORMAL), PT_ERANGE);
	assert_int_equal(pool.used, 1);
	for (uint32_t i = 0; i < PT_ENTRIES; i++) {
		assert_int_equal(pt.root[i], 0);
	}
	/* The last page of the input range is fine. */
	assert_int_equal(pt_map(&pt, (1UL << 39) - 4 * KIB, 0x1000, 4 * KIB, S2_NORMAL), PT_OK);
	assert_leaf((1UL << 39) - 1, 0x17ffUL, 3);
}

/* Arm ARM: with 48-bit output addresses the highest page is
 * 0xffff_ffff_f000; a mapping that ends exactly at 2^48 is in range. */
static void test_erange_top_of_output_space_is_mappable(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x0, 0xfffffffff000UL, 4 * KIB, S2_NORMAL), PT_OK);
	assert_leaf(0x0, 0xfffffffff7ffUL, 3);
	assert_int_equal(pt_map(&pt, 0x40000000, 0xffffc0000000UL, GIB, S2_NORMAL), PT_OK);
	assert_leaf(0x40000000, 0xffffc00007fdUL, 1);
}

static void test_eexist_page_over_page(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40001000, 0x40001000, 4 * KIB, S1_NORMAL), PT_OK);
	uint32_t used = pool.used;
	/* Same page again, even with the same attributes. */
	assert_int_equal(pt_map(&pt, 0x40001000, 0x40001000, 4 * KIB, S1_NORMAL), PT_EEXIST);
	/* Different output and attributes. */
	assert_int_equal(pt_map(&pt, 0x40001000, 0x90000000, 4 * KIB, S1_DEVICE), PT_EEXIST);
	/* A larger range whose last page overlaps. */
	assert_int_equal(pt_map(&pt, 0x40000000, 0x50000000, 8 * KIB, S1_DEVICE), PT_EEXIST);
	assert_leaf(0x40001000, 0x40001743UL, 3);
	assert_int_equal(pool.used, used);
	/* Neighbours can still be mapped. */
	assert_int_equal(pt_map(&pt, 0x40002000, 0x40002000, 4 * KIB, S1_NORMAL), PT_OK);
	assert_int_equal(pool.used, used);
}

static void test_eexist_page_inside_block(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40200000, 0x40200000, 2 * MIB, S2_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, GIB, S2_NORMAL), PT_OK);
	uint32_t used = pool.used;

	assert_int_equal(pt_map(&pt, 0x40300000, 0x40300000, 4 * KIB, S2_DEVICE), PT_EEXIST);
	assert_int_equal(pt_map(&pt, 0x403ff000, 0x403ff000, 8 * KIB, S2_DEVICE), PT_EEXIST);
	assert_int_equal(pt_map(&pt, 0x40200000, 0x40200000, 2 * MIB, S2_DEVICE), PT_EEXIST);
	assert_int_equal(pt_map(&pt, 0x80400000, 0x80400000, 2 * MIB, S2_DEVICE), PT_EEXIST);
	assert_int_equal(pt_map(&pt, 0xbffff000, 0xbffff000, 4 * KIB, S2_DEVICE), PT_EEXIST);
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, GIB, S2_DEVICE), PT_EEXIST);

	/* No split: the blocks are intact and no table was taken. */
	assert_int_equal(pool.used, used);
	assert_leaf(0x40300000, 0x402007fdUL, 2);
	assert_leaf(0x403ff000, 0x402007fdUL, 2);
	assert_leaf(0x80400000, 0x800007fdUL, 1);
	assert_leaf(0xbffff000, 0x800007fdUL, 1);
}

static void test_eexist_block_over_page(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40201000, 0x40201000, 4 * KIB, S2_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0x40200000, 0x40200000, 2 * MIB, S2_DEVICE), PT_EEXIST);
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, GIB, S2_DEVICE), PT_EEXIST);
	assert_leaf(0x40201000, 0x402017ffUL, 3);
}

/* ---- pool exhaustion and usage ------------------------------------------- */

static void test_enomem_keeps_existing_leaves(void **state)
{
	(void)state;
	fresh(3, 1, 39);
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 4 * KIB, S1_NORMAL), PT_OK);
	assert_int_equal(pool.used, 3);

	/* A different GiB needs a new level-2 table: none left. */
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, 4 * KIB, S1_DEVICE), PT_ENOMEM);
	/* Same level-2 table but a new level-3 table: none left. */
	assert_int_equal(pt_map(&pt, 0x40200000, 0x40200000, 4 * KIB, S1_DEVICE), PT_ENOMEM);
	assert_int_equal(pool.used, 3);
	assert_int_equal(pool.ntables, 3);
	assert_leaf(0x40000000, 0x40000743UL, 3);
	assert_unmapped(0x80000000);
	assert_unmapped(0x40200000);
	assert_int_equal(pt.root[2], 0);

	/* What needs no new table still works: a page next door, a 2 MiB
	 * block in the existing level-2 table, a 1 GiB block in the root. */
	assert_int_equal(pt_map(&pt, 0x40001000, 0x40001000, 4 * KIB, S1_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0x40400000, 0x40400000, 2 * MIB, S1_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0xc0000000, 0xc0000000, GIB, S1_NORMAL), PT_OK);
	assert_int_equal(pool.used, 3);
}

static void test_enomem_mid_range(void **state)
{
	(void)state;
	/* The unaligned 3 MiB range needs root, L2 and two L3 tables. */
	fresh(3, 1, 39);
	assert_int_equal(pt_map(&pt, 0x40180000, 0x40180000, 3 * MIB, S1_NORMAL), PT_ENOMEM);
	assert_int_equal(pool.used, 3);
	assert_unmapped(0x40480000 - 4 * KIB);

	fresh(4, 1, 39);
	assert_int_equal(pt_map(&pt, 0x40180000, 0x40180000, 3 * MIB, S1_NORMAL), PT_OK);
	assert_int_equal(pool.used, 4);
}

static void test_pool_usage(void **state)
{
	(void)state;
	/* 1 GiB block: root only. */
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, GIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 1);
	/* 2 MiB block in another GiB: one level-2 table. */
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, 2 * MIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 2);
	/* Another 2 MiB block in that GiB: nothing new. */
	assert_int_equal(pt_map(&pt, 0x80600000, 0x80600000, 2 * MIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 2);
	/* A page in that GiB: one level-3 table. */
	assert_int_equal(pt_map(&pt, 0x80200000, 0x80200000, 4 * KIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 3);
	/* 2 MiB of pages in the same level-3 table's range: nothing new. */
	assert_int_equal(pt_map(&pt, 0x80201000, 0x80201000, 2 * MIB - 4 * KIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 3);
	/* 4 KiB spanning into a fresh 2 MiB: a second level-3 table. */
	assert_int_equal(pt_map(&pt, 0x80400000, 0x80400000, 4 * KIB, S2_NORMAL), PT_OK);
	assert_int_equal(pool.used, 4);
}

static void test_start_level_0(void **state)
{
	(void)state;
	fresh(POOL_MAX, 0, 48);
	/* 1 GiB block at level 1 below a level-0 table. */
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, GIB, S1_NORMAL), PT_OK);
	assert_int_equal(pool.used, 2);
	assert_leaf(0x40000000, 0x40000741UL, 1);
	assert_int_equal(pt.root[0], (uint64_t)(uintptr_t)pool_mem[1] | 0x3);
	/* Top 2 MiB of the 48-bit space: level-0 index 511. */
	assert_int_equal(pt_map(&pt, 0xffffffe00000UL, 0x80000000, 2 * MIB, S1_DEVICE), PT_OK);
	assert_int_equal(pool.used, 4);
	assert_leaf(0xffffffffffffUL, 0x0040000080000445UL, 2);
	assert_int_equal(pt.root[511], (uint64_t)(uintptr_t)pool_mem[2] | 0x3);
	assert_unmapped(1UL << 48);
	/* Mapping 512 GiB at once cannot be a level-0 block. */
	assert_int_equal(pt_map(&pt, 1UL << 39, 1UL << 39, 1UL << 39, S1_NORMAL), PT_OK);
	assert_int_equal(pool.used, 5);
	assert_leaf(1UL << 39, 0x8000000741UL, 1);
}

/* pt_unmap: a mixed page/block range cleared, tables kept, mapped again
 * without taking a table, neighbours untouched. */
static void test_unmap_clears_leaves_keeps_tables(void **state)
{
	(void)state;
	/* 1 MiB of pages, then a 2 MiB block, then 4 KiB page after a gap. */
	assert_int_equal(pt_map(&pt, 0x40100000, 0x40100000, 3 * MIB, S1_NORMAL), PT_OK);
	assert_int_equal(pt_map(&pt, 0x40600000, 0x40600000, 4 * KIB, S1_NORMAL), PT_OK);
	uint32_t used = pool.used;
	assert_int_equal(pt_unmap(&pt, 0x40100000, 3 * MIB), PT_OK);
	assert_unmapped(0x40100000);
	assert_unmapped(0x401ff000);
	assert_unmapped(0x40200000);
	assert_unmapped(0x403ff000);
	assert_leaf(0x40600000, 0x40600743UL, 3);
	assert_int_equal(pool.used, used);
	/* Again: the same leaves, no new table. */
	assert_int_equal(pt_map(&pt, 0x40100000, 0x40100000, 3 * MIB, S1_NORMAL), PT_OK);
	assert_int_equal(pool.used, used);
	assert_leaf(0x40100000, 0x40100743UL, 3);
	assert_leaf(0x40200000, 0x40200741UL, 2);
	/* Unmapping what is not mapped is fine; a 1 GiB block goes whole. */
	assert_int_equal(pt_unmap(&pt, 0x80000000, 2 * MIB), PT_OK);
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, GIB, S2_NORMAL), PT_OK);
	assert_int_equal(pt_unmap(&pt, 0x80000000, GIB), PT_OK);
	assert_unmapped(0x80000000);
	assert_unmapped(0xbffff000);
}

/* Runs of leaves (pgtable.c's fill_leaves): every entry of a run over the end
 * of one level-3 table into the next gets its own output address; a run that
 * meets a page in use stops there with PT_EEXIST, the pages before it mapped
 * and the page in use untouched; unmapping a run across tables clears each. */
static void test_leaf_runs_cross_tables_and_stop_at_used_entry(void **state)
{
	(void)state;
	/* 0x401fd000-0x40203000: 3 pages in one table, 3 in the next. */
	assert_int_equal(pt_map(&pt, 0x401fd000, 0x801fd000, 6 * 4 * KIB, S1_NORMAL), PT_OK);
	for (uint64_t i = 0; i < 6; i++) {
		assert_leaf(0x401fd000 + i * 4 * KIB, (0x801fd000 + i * 4 * KIB) | 0x743UL, 3);
	}
	assert_unmapped(0x40203000);
	/* A page in use at 0x40305000 stops a run from 0x40300000. */
	assert_int_equal(pt_map(&pt, 0x40305000, 0x90000000, 4 * KIB, S1_DEVICE), PT_OK);
	uint64_t used_desc = leaf(0x40305000, &(uint32_t){ 0 });
	assert_int_equal(pt_map(&pt, 0x40300000, 0x40300000, 8 * 4 * KIB, S1_NORMAL), PT_EEXIST);
	for (uint64_t i = 0; i < 5; i++) {
		assert_leaf(0x40300000 + i * 4 * KIB, (0x40300000 + i * 4 * KIB) | 0x743UL, 3);
	}
	assert_int_equal(leaf(0x40305000, &(uint32_t){ 0 }), used_desc);
	assert_unmapped(0x40306000);
	/* Whole 2 MiB blocks side by side, then a run of them unmapped with
	 * the pages across the table boundary. */
	assert_int_equal(pt_map(&pt, 0x40400000, 0x40400000, 6 * MIB, S1_NORMAL), PT_OK);
	assert_leaf(0x40400000, 0x40400741UL, 2);
	assert_leaf(0x40800000, 0x40800741UL, 2);
	assert_int_equal(pt_unmap(&pt, 0x401fd000, 6 * 4 * KIB), PT_OK);
	for (uint64_t i = 0; i < 6; i++) {
		assert_unmapped(0x401fd000 + i * 4 * KIB);
	}
	assert_int_equal(pt_unmap(&pt, 0x40400000, 6 * MIB), PT_OK);
	assert_unmapped(0x40600000);
	assert_leaf(0x40305000, used_desc, 3);
}

static void test_unmap_errors(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pt, 0x40200000, 0x40200000, 2 * MIB, S1_NORMAL), PT_OK);
	assert_int_equal(pt_unmap(&pt, 0x40200800, 4 * KIB), PT_EALIGN);
	assert_int_equal(pt_unmap(&pt, 0x40200000, 0x800), PT_EALIGN);
	assert_int_equal(pt_unmap(&pt, 0x40200000, 0), PT_ERANGE);
	assert_int_equal(pt_unmap(&pt, 1UL << 39, 4 * KIB), PT_ERANGE);
	assert_int_equal(pt_unmap(&pt, (1UL << 39) - 4 * KIB, 8 * KIB), PT_ERANGE);
	/* Part of a block is not split: it stays mapped. */
	assert_int_equal(pt_unmap(&pt, 0x40200000, 4 * KIB), PT_ERANGE);
	assert_leaf(0x40200000, 0x40200741UL, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_encodings),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_init_takes_cleared_root),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test_setup(test_map_4k_page, setup_l1_39),
		cmocka_unit_test_setup(test_map_2m_becomes_l2_block, setup_l1_39),
		cmocka_unit_test_setup(test_map_1g_becomes_l1_block, setup_l1_39),
		cmocka_unit_test_setup(test_map_several_blocks_and_last_entry, setup_l1_39),
		cmocka_unit_test_setup(test_map_3m_unaligned_mixes_pages_and_blocks, setup_l1_39),
		cmocka_unit_test_setup(test_map_3m_unaligned_start_only, setup_l1_39),
		cmocka_unit_test_setup(test_misaligned_oa_forces_pages, setup_l1_39),
		cmocka_unit_test_setup(test_stage1_descriptor_bits, setup_l1_39),
		cmocka_unit_test_setup(test_stage2_descriptor_bits, setup_l1_39),
		cmocka_unit_test_setup(test_attrs_cannot_touch_type_or_address, setup_l1_39),
		cmocka_unit_test_setup(test_leaf_oa_non_identity, setup_l1_39),
		cmocka_unit_test(test_leaf_oa_ignores_attribute_bits),
		cmocka_unit_test_setup(test_lookup_unmapped, setup_l1_39),
		cmocka_unit_test_setup(test_ealign, setup_l1_39),
		cmocka_unit_test_setup(test_erange, setup_l1_39),
		cmocka_unit_test_setup(test_erange_top_of_output_space_is_mappable, setup_l1_39),
		cmocka_unit_test_setup(test_eexist_page_over_page, setup_l1_39),
		cmocka_unit_test_setup(test_eexist_page_inside_block, setup_l1_39),
		cmocka_unit_test_setup(test_eexist_block_over_page, setup_l1_39),
		cmocka_unit_test(test_enomem_keeps_existing_leaves),
		cmocka_unit_test(test_enomem_mid_range),
		cmocka_unit_test_setup(test_pool_usage, setup_l1_39),
		cmocka_unit_test(test_start_level_0),
		cmocka_unit_test_setup(test_unmap_clears_leaves_keeps_tables, setup_l1_39),
		cmocka_unit_test_setup(test_unmap_errors, setup_l1_39),
		cmocka_unit_test_setup(test_leaf_runs_cross_tables_and_stop_at_used_entry,
				       setup_l1_39),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
