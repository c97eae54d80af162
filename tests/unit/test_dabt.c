/*
 * Data abort syndrome decoding (arch/arm64/dabt.c): every ISS value a
 * partition's access can produce decodes to a bounded, consistent
 * description, and emulated loads and stores move exactly the bytes the
 * instruction asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/dabt.h"
#include "arch/esr.h"

#define ESR_DABT_LOW ((uint64_t)EC_DABT_LOW << ESR_EC_SHIFT | ESR_IL)

static uint64_t iss_access(unsigned int sas, int sse, unsigned int srt, int sf, int wnr)
{
	return ESR_DABT_LOW | ESR_DABT_ISV | (uint64_t)sas << ESR_DABT_SAS_SHIFT |
	       (sse ? ESR_DABT_SSE : 0) | (uint64_t)srt << ESR_DABT_SRT_SHIFT |
	       (sf ? ESR_DABT_SF : 0) | (wnr ? ESR_DABT_WNR : 0) | FSC_TRANS_L(3);
}

static void test_every_iss_decodes_within_bounds(void **state)
{
	(void)state;
	unsigned long bad = 0;
	unsigned long plain = 0;
	for (uint32_t iss = 0; iss <= ESR_ISS_MASK; iss++) {
		struct dabt_access a;
		dabt_decode(ESR_DABT_LOW | iss, &a);
		uint32_t type = iss & FSC_TYPE_MASK;
		int stage2 = type == 0x04u || type == 0x08u || type == 0x0cu;
		int ok = (a.size == 1u || a.size == 2u || a.size == 4u || a.size == 8u) &&
			 a.rt <= 31u && a.stage2 == stage2 &&
			 a.plain == (stage2 && !(iss & ESR_ABT_S1PTW) && !(iss & ESR_DABT_CM)) &&
			 a.syndrome == ((iss & ESR_DABT_ISV) != 0) &&
			 a.is_write == ((iss & ESR_DABT_WNR) != 0);
		uint64_t loaded = dabt_load_value(&a, ~0UL);
		if (!a.wide && loaded > 0xffffffffUL) {
			ok = 0;
		}
		if (!a.sign_extend && a.size < 8u && loaded != (1UL << (8u * a.size)) - 1u) {
			ok = 0;
		}
		if (a.rt == 31u && dabt_store_value(&a, ~0UL) != 0) {
			ok = 0;
		}
		if (!ok) {
			bad++;
		}
		plain += (unsigned long)a.plain;
	}
	assert_int_equal(bad, 0);
	/* 12 stage-2 fault codes of 64, half without S1PTW, half without CM. */
	assert_int_equal(plain, (ESR_ISS_MASK + 1UL) / 64u * 12u / 4u);
}

static void test_only_stage2_fault_codes_are_stage2(void **state)
{
	(void)state;
	for (uint32_t fsc = 0; fsc < 64u; fsc++) {
		struct dabt_access a;
		dabt_decode(ESR_DABT_LOW | fsc, &a);
		int expect = (fsc >= 0x04u && fsc <= 0x0fu);
		assert_int_equal(a.stage2, expect);
	}
}

static void test_walk_and_cache_maintenance_are_never_plain(void **state)
{
	(void)state;
	struct dabt_access a;
	dabt_decode(iss_access(2, 0, 1, 0, 0) | ESR_ABT_S1PTW, &a);
	assert_true(a.stage2);
	assert_false(a.plain);
	dabt_decode(iss_access(2, 0, 1, 0, 1) | ESR_DABT_CM, &a);
	assert_false(a.plain);
	dabt_decode(iss_access(2, 0, 1, 0, 1), &a);
	assert_true(a.plain);
}

static void test_ldrsb_w_sign_extends_to_32_bits(void **state)
{
	(void)state;
	struct dabt_access a;
	dabt_decode(iss_access(0, 1, 5, 0, 0), &a);
	assert_int_equal(a.size, 1);
	assert_int_equal(a.rt, 5);
	assert_int_equal(dabt_load_value(&a, 0x80), 0xffffff80UL);
	assert_int_equal(dabt_load_value(&a, 0x7f), 0x7fUL);
	assert_int_equal(dabt_load_value(&a, 0xabcd80), 0xffffff80UL);
}

static void test_ldrsh_x_sign_extends_to_64_bits(void **state)
{
	(void)state;
	struct dabt_access a;
	dabt_decode(iss_access(1, 1, 0, 1, 0), &a);
	assert_int_equal(dabt_load_value(&a, 0x8000), 0xffffffffffff8000UL);
	assert_int_equal(dabt_load_value(&a, 0x12347fff), 0x7fffUL);
}

static void test_ldrsw_and_plain_loads(void **state)
{
	(void)state;
	struct dabt_access a;
	dabt_decode(iss_access(2, 1, 3, 1, 0), &a);          /* LDRSW x3 */
	assert_int_equal(dabt_load_value(&a, 0x80000000UL), 0xffffffff80000000UL);
	dabt_decode(iss_access(2, 0, 3, 0, 0), &a);          /* LDR w3 */
	assert_int_equal(dabt_load_value(&a, 0xdeadbeefcafef00dUL), 0xcafef00dUL);
	dabt_decode(iss_access(3, 0, 3, 1, 0), &a);          /* LDR x3 */
	assert_int_equal(dabt_load_value(&a, 0xdeadbeefcafef00dUL), 0xdeadbeefcafef00dUL);
	dabt_decode(iss_access(0, 0, 3, 0, 0), &a);          /* LDRB w3 */
	assert_int_equal(dabt_load_value(&a, 0x1ff), 0xffUL);
}

static void test_stores_write_only_their_bytes(void **state)
{
	(void)state;
	struct dabt_access a;
	dabt_decode(iss_access(0, 0, 2, 0, 1), &a);          /* STRB w2 */
	assert_true(a.is_write);
	assert_int_equal(dabt_store_value(&a, 0x1234), 0x34UL);
	dabt_decode(iss_access(1, 0, 2, 0, 1), &a);          /* STRH w2 */
	assert_int_equal(dabt_store_value(&a, 0xfedcba98UL), 0xba98UL);
	dabt_decode(iss_access(2, 0, 2, 0, 1), &a);          /* STR w2 */
	assert_int_equal(dabt_store_value(&a, 0x1122334455667788UL), 0x55667788UL);
	dabt_decode(iss_access(3, 0, 2, 1, 1), &a);          /* STR x2 */
	assert_int_equal(dabt_store_value(&a, 0x1122334455667788UL), 0x1122334455667788UL);
	dabt_decode(iss_access(2, 0, 31, 0, 1), &a);         /* STR wzr */
	assert_int_equal(dabt_store_value(&a, 0xffffffffUL), 0UL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_iss_decodes_within_bounds),
		cmocka_unit_test(test_only_stage2_fault_codes_are_stage2),
		cmocka_unit_test(test_walk_and_cache_maintenance_are_never_plain),
		cmocka_unit_test(test_ldrsb_w_sign_extends_to_32_bits),
		cmocka_unit_test(test_ldrsh_x_sign_extends_to_64_bits),
		cmocka_unit_test(test_ldrsw_and_plain_loads),
		cmocka_unit_test(test_stores_write_only_their_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
