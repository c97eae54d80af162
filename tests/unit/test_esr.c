/*
 * Host tests for the ESR_ELx decoder (arch/arm64/esr.c). Syndromes are given
 * in hex and, where it helps, rebuilt from the header's field macros so that
 * both the layout and the words are checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/esr.h"

static void check_iss(uint64_t esr, const char *want)
{
	char buf[160];
	memset(buf, 'Z', sizeof(buf));
	int n = esr_describe_iss(esr, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

#define EC(ec)  ((uint32_t)(ec) << ESR_EC_SHIFT)

/* ---- field layout ---------------------------------------------------------- */

static void test_field_macros(void **state)
{
	(void)state;
	assert_int_equal(ESR_EC(0x93c08045UL), EC_DABT_LOW);
	assert_int_equal(ESR_ISS(0x93c08045UL), 0x1c08045);
	assert_int_equal(ESR_EC(0xffffffffUL), 0x3f);
	/* ISS2 and the RES0 upper half do not leak into EC or ISS. */
	assert_int_equal(ESR_EC(0xffffffff00000000UL), 0);
	assert_int_equal(ESR_ISS(0xffffffff00000000UL), 0);
	assert_int_equal(ESR_IL, 0x02000000);

	/* Data abort with ISV: doubleword store from x0, translation fault L1. */
	uint32_t esr = EC(EC_DABT_LOW) | ESR_IL | ESR_DABT_ISV |
		       (3U << ESR_DABT_SAS_SHIFT) | (0U << ESR_DABT_SRT_SHIFT) |
		       ESR_DABT_SF | ESR_DABT_WNR | FSC_TRANS_L(1);
	assert_int_equal(esr, 0x93c08045);
	esr = EC(EC_DABT_CUR) | ESR_IL | ESR_DABT_ISV | (2U << ESR_DABT_SAS_SHIFT) |
	      ESR_DABT_SSE | (3U << ESR_DABT_SRT_SHIFT) | ESR_ABT_FNV | FSC_TRANS_L(3);
	assert_int_equal(esr, 0x97a30407);
	assert_int_equal(ESR_DABT_AR, 0x4000);
	assert_int_equal(ESR_ABT_EA, 0x200);
	assert_int_equal(ESR_DABT_CM, 0x100);
	assert_int_equal(ESR_ABT_S1PTW, 0x80);

	/* msr ICC_SGI1R_EL1 (S3_0_C12_C11_5), x2 */
	esr = EC(EC_SYS64) | ESR_IL | (3U << ESR_SYS_OP0_SHIFT) | (5U << ESR_SYS_OP2_SHIFT) |
	      (0U << ESR_SYS_OP1_SHIFT) | (12U << ESR_SYS_CRN_SHIFT) |
	      (2U << ESR_SYS_RT_SHIFT) | (11U << ESR_SYS_CRM_SHIFT);
	assert_int_equal(esr, 0x623a3056);

	assert_int_equal(FSC_ADDR_SIZE_L(3), 0x03);
	assert_int_equal(FSC_TRANS_L(0), 0x04);
	assert_int_equal(FSC_ACCESS_L(1), 0x09);
	assert_int_equal(FSC_PERM_L(2), 0x0e);
	assert_int_equal(FSC_SEA_WALK_L(3), 0x17);
}

/* ---- exception class names ------------------------------------------------- */

static void test_ec_names(void **state)
{
	static const struct {
		uint32_t ec;
		const char *name;
	} cases[] = {
		{ 0x00, "Unknown reason (UNDEFINED instruction)" },
		{ 0x01, "Trapped WFI/WFE" },
		{ 0x03, "Trapped AArch32 MCR/MRC (coproc 15)" },
		{ 0x04, "Trapped AArch32 MCRR/MRRC (coproc 15)" },
		{ 0x05, "Trapped AArch32 MCR/MRC (coproc 14)" },
		{ 0x06, "Trapped AArch32 LDC/STC" },
		{ 0x07, "Trapped FP/SIMD access" },
		{ 0x0c, "Trapped AArch32 MRRC (coproc 14)" },
		{ 0x0d, "Branch Target exception" },
		{ 0x0e, "Illegal Execution state" },
		{ 0x11, "SVC from AArch32" },
		{ 0x12, "HVC from AArch32" },
		{ 0x13, "SMC from AArch32" },
		{ 0x15, "SVC from AArch64" },
		{ 0x16, "HVC from AArch64" },
		{ 0x17, "SMC from AArch64" },
		{ 0x18, "Trapped MSR/MRS/system instruction" },
		{ 0x19, "Trapped SVE access" },
		{ 0x1f, "IMPLEMENTATION DEFINED exception to EL3" },
		{ 0x20, "Instruction Abort from a lower EL" },
		{ 0x21, "Instruction Abort at the current EL" },
		{ 0x22, "PC alignment fault" },
		{ 0x24, "Data Abort from a lower EL" },
		{ 0x25, "Data Abort at the current EL" },
		{ 0x26, "SP alignment fault" },
		{ 0x28, "Trapped AArch32 floating-point exception" },
		{ 0x2c, "Trapped AArch64 floating-point exception" },
		{ 0x2f, "SError interrupt" },
		{ 0x30, "Breakpoint from a lower EL" },
		{ 0x31, "Breakpoint at the current EL" },
		{ 0x32, "Software Step from a lower EL" },
		{ 0x33, "Software Step at the current EL" },
		{ 0x34, "Watchpoint from a lower EL" },
		{ 0x35, "Watchpoint at the current EL" },
		{ 0x38, "BKPT from AArch32" },
		{ 0x3c, "BRK from AArch64" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(esr_ec_name(cases[i].ec), cases[i].name);
	}
}

static void test_ec_names_reserved(void **state)
{
	static const uint32_t reserved[] = { 0x02, 0x10, 0x1d, 0x23, 0x27, 0x2d, 0x36, 0x3f, 0x40,
					     0xffffffffU };
	(void)state;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		assert_string_equal(esr_ec_name(reserved[i]), "Reserved exception class");
	}
	/* Through the extraction macro, from a whole syndrome. */
	assert_string_equal(esr_ec_name(ESR_EC(0x93c08045UL)), "Data Abort from a lower EL");
	assert_string_equal(esr_ec_name(ESR_EC(0xfe000000UL)), "Reserved exception class");
}

/* ---- fault status codes ---------------------------------------------------- */

static void test_fsc_levels(void **state)
{
	static const char *const kinds[] = {
		"address size fault", "translation fault", "access flag fault", "permission fault",
	};
	char want[64];
	(void)state;
	for (uint32_t kind = 0; kind < 4; kind++) {
		for (uint32_t level = 0; level < 4; level++) {
			uint32_t fsc = kind * 4 + level;
			snprintf(want, sizeof(want), "%s, level %u", kinds[kind], level);
			assert_string_equal(esr_fsc_name(fsc), want);
		}
	}
	/* Spelled out, for the ones a hypervisor sees most. */
	assert_string_equal(esr_fsc_name(0x04), "translation fault, level 0");
	assert_string_equal(esr_fsc_name(0x05), "translation fault, level 1");
	assert_string_equal(esr_fsc_name(0x06), "translation fault, level 2");
	assert_string_equal(esr_fsc_name(0x07), "translation fault, level 3");
	assert_string_equal(esr_fsc_name(0x09), "access flag fault, level 1");
	assert_string_equal(esr_fsc_name(0x0a), "access flag fault, level 2");
	assert_string_equal(esr_fsc_name(0x0b), "access flag fault, level 3");
	assert_string_equal(esr_fsc_name(0x0d), "permission fault, level 1");
	assert_string_equal(esr_fsc_name(0x0e), "permission fault, level 2");
	assert_string_equal(esr_fsc_name(0x0f), "permission fault, level 3");
	assert_string_equal(esr_fsc_name(0x00), "address size fault, level 0");
	assert_string_equal(esr_fsc_name(0x14), "external abort on table walk, level 0");
	assert_string_equal(esr_fsc_name(0x15), "external abort on table walk, level 1");
	assert_string_equal(esr_fsc_name(0x16), "external abort on table walk, level 2");
	assert_string_equal(esr_fsc_name(0x17), "external abort on table walk, level 3");
}

static void test_fsc_other(void **state)
{
	(void)state;
	assert_string_equal(esr_fsc_name(0x10), "synchronous external abort");
	assert_string_equal(esr_fsc_name(0x11), "synchronous tag check fault");
	assert_string_equal(esr_fsc_name(0x18), "parity/ECC error on memory access");
	assert_string_equal(esr_fsc_name(0x21), "alignment fault");
	assert_string_equal(esr_fsc_name(FSC_ALIGNMENT), "alignment fault");
	assert_string_equal(esr_fsc_name(0x30), "TLB conflict abort");
	assert_string_equal(esr_fsc_name(0x31), "unsupported atomic hardware update");
	assert_string_equal(esr_fsc_name(0x34), "lockdown abort");
	assert_string_equal(esr_fsc_name(0x35), "unsupported exclusive or atomic access");
	/* Only the six FSC bits count. */
	assert_string_equal(esr_fsc_name(0x47), "translation fault, level 3");
	assert_string_equal(esr_fsc_name(0xffffffe1U), "alignment fault");
}

static void test_fsc_reserved(void **state)
{
	static const uint32_t reserved[] = { 0x19, 0x1a, 0x20, 0x22, 0x2a, 0x32, 0x33,
					     0x36, 0x3c, 0x3e, 0x3f };
	(void)state;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		assert_string_equal(esr_fsc_name(reserved[i]), "reserved fault status code");
	}
}

/* ---- ISS decoding ---------------------------------------------------------- */

static void test_dabt_isv(void **state)
{
	(void)state;
	/* EC 0x24, ISV, SAS=3, SRT=0, SF, WnR, DFSC 0x05 */
	check_iss(0x93c08045UL, "translation fault, level 1, write doubleword x0, FAR valid");
	/* EC 0x25, ISV, SAS=2, SSE, SRT=3, FnV, DFSC 0x07 */
	check_iss(0x97a30407UL,
		  "translation fault, level 3, read word x3 sign-extended, FAR not valid");
	/* EC 0x24, ISV, SAS=1, SRT=30, SF, EA, S1PTW, WnR, DFSC 0x0e */
	check_iss(0x935e82ceUL,
		  "permission fault, level 2, write halfword x30, FAR valid, "
		  "on stage-1 table walk, external abort");
	/* EC 0x24, ISV, SAS=0, SRT=31, DFSC 0x0b */
	check_iss(0x931f000bUL, "access flag fault, level 3, read byte x31, FAR valid");
	/* ISS2 in bits [55:32] is ignored. */
	check_iss(0x0000001293c08045UL,
		  "translation fault, level 1, write doubleword x0, FAR valid");
}

static void test_dabt_no_isv(void **state)
{
	(void)state;
	/* EC 0x24, WnR, CM, DFSC 0x06 */
	check_iss(0x92000146UL,
		  "translation fault, level 2, write, no instruction syndrome (ISV=0), "
		  "FAR valid, cache maintenance");
	/* EC 0x24, FnV, EA, S1PTW, DFSC 0x10 */
	check_iss(0x92000690UL,
		  "synchronous external abort, read, no instruction syndrome (ISV=0), "
		  "FAR not valid, on stage-1 table walk, external abort");
	/* ISV=0: SAS/SSE/SRT/SF bits are not syndrome and are not shown. */
	check_iss(0x92e78021UL,
		  "alignment fault, read, no instruction syndrome (ISV=0), FAR valid");
	/* At the current EL, reserved DFSC. */
	check_iss(0x9600003fUL,
		  "reserved fault status code, read, no instruction syndrome (ISV=0), "
		  "FAR valid");
}

static void test_iabt(void **state)
{
	(void)state;
	/* EC 0x20, IFSC 0x0f */
	check_iss(0x8200000fUL, "permission fault, level 3, FAR valid");
	/* EC 0x21, FnV, S1PTW, IFSC 0x04 */
	check_iss(0x86000484UL,
		  "translation fault, level 0, FAR not valid, on stage-1 table walk");
	/* WnR and CM are not instruction-abort fields and are not shown. */
	check_iss(0x82000149UL, "access flag fault, level 1, FAR valid");
}

static void test_sysreg_trap(void **state)
{
	(void)state;
	/* mrs x5, MIDR_EL1 */
	check_iss(0x623000a1UL, "mrs S3_0_C0_C0_0, x5");
	/* msr ICC_SGI1R_EL1, x2 */
	check_iss(0x623a3056UL, "msr S3_0_C12_C11_5, x2");
	/* mrs x30, S3_7_C15_C2_1 (all of op1, CRn, Rt at their maximum or near) */
	check_iss(0x6233ffc5UL, "mrs S3_7_C15_C2_1, x30");
	/* mrs x0, MDSCR_EL1 (op0 = 2) */
	check_iss(0x62240005UL, "mrs S2_0_C0_C2_2, x0");
	/* Every field at its maximum, write. */
	check_iss(0x623ffffeUL, "msr S3_7_C15_C15_7, x31");
}

static void test_immediates(void **state)
{
	(void)state;
	check_iss(0x5a000000UL, "immediate #0x0");          /* HVC #0 */
	check_iss(0x5a00beefUL, "immediate #0xbeef");       /* HVC #0xbeef */
	check_iss(0x5a12ffffUL, "immediate #0xffff");       /* bits above imm16 ignored */
	check_iss(0x5e000001UL, "immediate #0x1");          /* SMC #1 */
	check_iss(0x5600002aUL, "immediate #0x2a");         /* SVC #42 */
	check_iss(0xf20003e8UL, "immediate #0x3e8");        /* BRK #1000 */
}

static void test_other_classes(void **state)
{
	(void)state;
	check_iss(0x02000000UL, "ISS 0x0000000");           /* EC 0x00 */
	check_iss(0x04000001UL, "ISS 0x0000001");           /* WFE */
	check_iss(0x0a001234UL, "ISS 0x0001234");           /* EC 0x02, reserved */
	check_iss(0xffffffffUL, "ISS 0x1ffffff");           /* EC 0x3f, reserved */
	check_iss(0x4a000000UL, "ISS 0x0000000");           /* HVC from AArch32 */
	check_iss(0xbe000002UL, "ISS 0x0000002");           /* SError */
}

static void test_iss_truncation(void **state)
{
	char buf[12];
	(void)state;
	memset(buf, 'Z', sizeof(buf));
	int n = esr_describe_iss(0x93c08045UL, buf, 11);
	assert_int_equal(n, (int)strlen("translation fault, level 1, write doubleword x0, FAR valid"));
	assert_string_equal(buf, "translatio");   /* 10 characters and the NUL */
	assert_int_equal(buf[11], 'Z');
	assert_int_equal(esr_describe_iss(0x5a00beefUL, NULL, 0), (int)strlen("immediate #0xbeef"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_macros),
		cmocka_unit_test(test_ec_names),
		cmocka_unit_test(test_ec_names_reserved),
		cmocka_unit_test(test_fsc_levels),
		cmocka_unit_test(test_fsc_other),
		cmocka_unit_test(test_fsc_reserved),
		cmocka_unit_test(test_dabt_isv),
		cmocka_unit_test(test_dabt_no_isv),
		cmocka_unit_test(test_iabt),
		cmocka_unit_test(test_sysreg_trap),
		cmocka_unit_test(test_immediates),
		cmocka_unit_test(test_other_classes),
		cmocka_unit_test(test_iss_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
