/*
 * Host tests for SMC/HVC handling (core/smccc.c) and the PSCI emulation
 * behind it (core/vpsci.c), driven through vcpu_handle_call as the trap
 * handler does: x[0..3] in, x[0] out. The partition is a fake one built
 * here; the lifecycle calls that never return are fakes that jump back
 * into the test (tests/unit/host_core_fakes.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "partition.h"
#include "psci.h"
#include "smccc.h"
#include "vcpu.h"
#include "vpsci.h"
#include "host_core_fakes.h"
#include "host_fakes.h"

#define RAM_IPA   0x40000000ULL
#define RAM_PA    0x80000000ULL
#define RAM_SIZE  0x00200000ULL
#define DEV_IPA   0x09000000ULL
#define ENTRY     0x40080000ULL
#define CTX       0x4000c0deULL

#define HVC 0
#define SMC 1

#define PSCI_SYSTEM_SUSPEND_64  0xc400000eU
#define PSCI_SYSTEM_SUSPEND_32  0x8400000eU
#define PSCI_MIGRATE_32         0x84000005U

static struct bh_partition_config cfg;
static struct partition part;

/* Builds a partition "linux" of n vCPUs on cores 4.. with one RAM region
 * and one device region; the caller is vCPU 0, which is ON. */
static void make_partition(unsigned int n)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&part, 0, sizeof(part));
	snprintf(cfg.name, sizeof(cfg.name), "%s", "linux");
	cfg.id = 1;
	cfg.ncpus = n;
	for (unsigned int i = 0; i < n; i++) {
		cfg.cpus[i] = 4u + i;
	}
	cfg.nregions = 2;
	cfg.regions[0].pa = RAM_PA;
	cfg.regions[0].ipa = RAM_IPA;
	cfg.regions[0].size = RAM_SIZE;
	cfg.regions[0].kind = BH_REGION_RAM;
	cfg.regions[1].pa = 0x09000000ULL;
	cfg.regions[1].ipa = DEV_IPA;
	cfg.regions[1].size = 0x1000;
	cfg.regions[1].kind = BH_REGION_DEVICE;
	cfg.entry_ipa = ENTRY;

	part.cfg = &cfg;
	part.state = PART_RUNNING;
	for (unsigned int i = 0; i < n; i++) {
		part.vcpus[i].part = &part;
		part.vcpus[i].index = i;
		part.vcpus[i].core = cfg.cpus[i];
		part.vcpus[i].vmpidr = i;
		part.vcpus[i].state = VCPU_OFF;
	}
	part.vcpus[0].state = VCPU_ON;
	host_current_vcpu = &part.vcpus[0];
}

static int setup2(void **state)
{
	(void)state;
	host_fakes_reset();
	host_core_reset();
	make_partition(2);
	return 0;
}

static int setup3(void **state)
{
	(void)state;
	host_fakes_reset();
	host_core_reset();
	make_partition(3);
	return 0;
}

static uint64_t x[31];

/* Makes the call with x0..x3 (x4.. hold junk) and returns x0. */
static int64_t call(int conduit, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	for (unsigned int i = 0; i < 31u; i++) {
		x[i] = 0x5a5a5a5a00000000ULL | i;
	}
	x[0] = x0;
	x[1] = x1;
	x[2] = x2;
	x[3] = x3;
	assert_int_equal(vcpu_handle_call(x, conduit == SMC, 0), 1);
	/* Only x0 is written. */
	assert_int_equal(x[1], x1);
	assert_int_equal(x[2], x2);
	assert_int_equal(x[3], x3);
	for (unsigned int i = 4; i < 31u; i++) {
		assert_int_equal(x[i], 0x5a5a5a5a00000000ULL | i);
	}
	return (int64_t)x[0];
}

static int64_t hvc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	return call(HVC, x0, x1, x2, x3);
}

/* Makes a call that must not return; returns 1 if a lifecycle stand-in was
 * reached (host_exit_* say which), 0 if vcpu_handle_call returned. */
static int call_noreturn4(int conduit, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	x[0] = x0;
	x[1] = x1;
	x[2] = x2;
	x[3] = x3;
	if (setjmp(host_exit_jmp) != 0) {
		return 1;
	}
	host_exit_armed = 1;
	assert_int_equal(vcpu_handle_call(x, conduit == SMC, 0), 1);
	host_exit_armed = 0;
	return 0;
}

static int call_noreturn(int conduit, uint64_t x0, uint64_t x1)
{
	return call_noreturn4(conduit, x0, x1, 0, 0);
}

/* ---- Versions and discovery ----------------------------------------------------- */

static void test_psci_version_hvc_and_smc(void **state)
{
	(void)state;
	assert_int_equal(call(HVC, PSCI_VERSION, 0, 0, 0), 0x10000);
	assert_int_equal(call(SMC, PSCI_VERSION, 0, 0, 0), 0x10000);
	assert_int_equal(x[0], 0x10000);
	assert_int_equal(part.stats.psci_calls, 2);
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(host_post_count, 0);
}

static void test_upper_half_of_x0_ignored(void **state)
{
	(void)state;
	assert_int_equal(hvc(0xffffffff84000000ULL, 0, 0, 0), 0x10000);
	assert_int_equal(hvc(0x0000000180000000ULL, 0, 0, 0), 0x10001);
	assert_int_equal(hvc(0x1234567884000006ULL, 0, 0, 0), 2);
	/* The 64-bit x0 of a yielding call is not made fast by its upper half. */
	assert_int_equal(hvc(0x8000000004000000ULL, 0, 0, 0), -1);
	assert_int_equal(part.stats.psci_calls, 2);
	assert_int_equal(part.stats.unknown_calls, 1);
}

static void test_smccc_version(void **state)
{
	(void)state;
	assert_int_equal(hvc(SMCCC_VERSION, 0, 0, 0), 0x10001);
	assert_int_equal(call(SMC, SMCCC_VERSION, 0, 0, 0), 0x10001);
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(part.stats.psci_calls, 0);
}

static void test_smccc_arch_features(void **state)
{
	(void)state;
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0), 0);
	/* SMC32: the upper half of x1 is ignored. */
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, 0xffffffff80000000ULL, 0, 0), 0);
	/* ARCH_WORKAROUND_1/2/3 before (or without) boot's facts, and
	 * anything else: not offered. */
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, 0x80008000U, 0, 0), -1);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, 0x80007fffU, 0, 0), -1);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, 0x80003fffU, 0, 0), -1);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0), -1);
	assert_int_equal(hvc(SMCCC_ARCH_FEATURES, PSCI_VERSION, 0, 0), -1);
	assert_int_equal(call(SMC, SMCCC_ARCH_FEATURES, 0, 0, 0), -1);
	assert_int_equal(x[0], UINT64_MAX);
	/* ARCH_FEATURES itself is implemented: answering -1 is not an unknown call. */
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(part.stats.psci_calls, 0);
}

/* Firmware as the workaround tests see it: the last call made to it. */
static unsigned int fw_calls;
static uint64_t fw_args[4];
static int64_t fw_ret;

int64_t arch_smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	fw_calls++;
	fw_args[0] = fid;
	fw_args[1] = a1;
	fw_args[2] = a2;
	fw_args[3] = a3;
	return fw_ret;
}

#define MIDR_A53  0x410fd034ULL
#define MIDR_A35  0x410fd041ULL
#define MIDR_A55  0x411fd050ULL
#define MIDR_A72  0x410fd083ULL
#define MIDR_MAX  0x000f0510ULL         /* QEMU's "max": implementer 0 */
#define CSV2(v)   ((uint64_t)(v) << 56)
#define MIDR_A57  0x411fd070ULL
#define MIDR_A73  0x410fd090ULL
#define MIDR_A76  0x414fd0b1ULL
#define MIDR_PART(part) (0x410f0000ULL | ((uint64_t)(part) << 4))
#define ECBHB(v)  ((uint64_t)(v) << 60)   /* ID_AA64MMFR1_EL1.ECBHB */
#define CLRBHB(v) ((uint64_t)(v) << 28)   /* ID_AA64ISAR2_EL1.CLRBHB */


static const struct smccc_cpu_facts no_fw = {
	.fw_version = -1, .fw_wa = { -1, -1, -1 },
};

static int teardown_wa(void **state)
{
	(void)state;
	struct smccc_cpu_facts none;
	memset(&none, 0, sizeof(none));
	smccc_workarounds_init(&none);
	fw_calls = 0;
	fw_ret = 0;
	return 0;
}

static int64_t wa_features(uint32_t wa)
{
	return hvc(SMCCC_ARCH_FEATURES, wa, 0, 0);
}

/* Cortex-A53, A35, A55 without firmware help: unaffected by all three
 * (Arm's table), and each call is a no-op answered SUCCESS, not forwarded. */
static void test_wa_in_order_cores_unaffected(void **state)
{
	(void)state;
	static const uint64_t midrs[] = { MIDR_A53, MIDR_A35, MIDR_A55 };
	for (size_t i = 0; i < 3; i++) {
		struct smccc_cpu_facts f = no_fw;
		f.midr = midrs[i];
		smccc_workarounds_init(&f);
		assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), 1);
		assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_2), 1);
		assert_int_equal(call(SMC, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0, 0), 1);
		assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_1, 0, 0, 0), 0);
		assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_2, 1, 0, 0), 0);
		assert_int_equal(call(SMC, SMCCC_ARCH_WORKAROUND_3, 0, 0, 0), 0);
	}
	assert_int_equal(fw_calls, 0);
	assert_int_equal(part.stats.unknown_calls, 0);
}

/* Cortex-A72, no firmware workaround, CSV2 0: vulnerable to all three:
 * NOT_SUPPORTED, and the calls too (counted as unknown). */
static void test_wa_a72_without_firmware_vulnerable(void **state)
{
	(void)state;
	struct smccc_cpu_facts f = no_fw;
	f.midr = MIDR_A72;
	f.pfr1 = 2u << 4;               /* SSBS2: a control, not immunity */
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), -1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_2), -1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), -1);
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_1, 0, 0, 0), -1);
	assert_int_equal(part.stats.unknown_calls, 1);
	assert_int_equal(fw_calls, 0);
	/* Firmware at SMCCC 1.0 is not believed about workarounds. */
	f.fw_version = 0x10000;
	f.fw_wa[0] = 0;
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), -1);
}

/* Firmware (SMCCC 1.1+) that implements a workaround: its answer, and the
 * partition's call goes to firmware with x1 (WA_2's enable flag, W1). */
static void test_wa_firmware_implements_forwarded(void **state)
{
	(void)state;
	struct smccc_cpu_facts f = no_fw;
	f.midr = MIDR_A72;
	f.fw_version = 0x10002;
	f.fw_wa[0] = 0;
	f.fw_wa[1] = 0;
	f.fw_wa[2] = -1;
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), 0);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_2), 0);
	/* WA_3 firmware does not implement, but EL2 runs the A72's BHB loop
	 * at every entry and variant 2 is firmware's: done at EL2 entry. */
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), 0);
	assert_int_equal(fw_calls, 0);
	fw_ret = 0;
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_1, 0, 0, 0), 0);
	assert_int_equal(fw_calls, 1);
	assert_int_equal(fw_args[0], SMCCC_ARCH_WORKAROUND_1);
	assert_int_equal(call(SMC, SMCCC_ARCH_WORKAROUND_2, 0xffffffff00000001ULL, 7, 8), 0);
	assert_int_equal(fw_calls, 2);
	assert_int_equal(fw_args[0], SMCCC_ARCH_WORKAROUND_2);
	assert_int_equal(fw_args[1], 1);
	assert_int_equal(fw_args[2], 0);
	assert_int_equal(fw_args[3], 0);
	/* WA_3 firmware does not implement: not forwarded, a no-op. */
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_3, 0, 0, 0), 0);
	assert_int_equal(fw_calls, 2);
	/* On a core with no loop known (A73) and firmware without WA_3: -1. */
	f.midr = MIDR_A73;
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), -1);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_3, 0, 0, 0), -1);
	assert_int_equal(fw_calls, 2);
}

/* Firmware saying "not required on this PE" (1, or -2 for WA_2): unaffected. */
static void test_wa_firmware_not_required(void **state)
{
	(void)state;
	struct smccc_cpu_facts f = no_fw;
	f.midr = MIDR_A72;
	f.fw_version = 0x10001;
	f.fw_wa[0] = 1;
	f.fw_wa[1] = -2;
	f.fw_wa[2] = 1;
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), 1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_2), 1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), 1);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_2, 0, 0, 0), 0);
	assert_int_equal(fw_calls, 0);
}

/* ID_AA64PFR0_EL1.CSV2: 1 or 2 covers variant 2 (WA_1) only; 3
 * (FEAT_CSV2_3) covers BHB (WA_3) too. WA_2 stays vulnerable. */
static void test_wa_csv2(void **state)
{
	(void)state;
	struct smccc_cpu_facts f = no_fw;
	f.midr = MIDR_MAX;
	f.pfr0 = CSV2(1);
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), 1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_2), -1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), -1);
	f.pfr0 = CSV2(3);
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), 1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), 1);
	/* Only Arm's own A53 is on the list: another implementer's part 0xd03 is not. */
	f.pfr0 = 0;
	f.midr = 0x510fd030ULL;
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), -1);
	int fwd = 1;
	assert_int_equal(smccc_workaround_answer(3, &f, &fwd), -1);
	assert_int_equal(fwd, 0);
}

static struct smccc_el2_hardening hardening(const struct smccc_cpu_facts *f)
{
	struct smccc_el2_hardening h;
	memset(&h, 0x5a, sizeof(h));
	smccc_el2_hardening(f, &h);
	return h;
}

/* The loop's iteration count per core, as Arm's Spectre-BHB whitepaper
 * gives it; other implementers' parts with the same number get none. */
static void test_wa_bhb_loop_k_per_core(void **state)
{
	(void)state;
	static const struct { uint32_t part; unsigned int k; } cores[] = {
		{ 0xd07, 8 }, { 0xd08, 8 },                                  /* A57, A72 */
		{ 0xd0b, 24 }, { 0xd0e, 24 }, { 0xd0d, 24 }, { 0xd0c, 24 },  /* A76, A76AE, A77, N1 */
		{ 0xd40, 32 }, { 0xd41, 32 }, { 0xd42, 32 }, { 0xd4b, 32 },  /* V1, A78, A78AE, A78C */
		{ 0xd44, 32 }, { 0xd4c, 32 }, { 0xd47, 32 }, { 0xd48, 32 },  /* X1, X1C, A710, X2 */
		{ 0xd49, 32 },                                               /* N2 */
		{ 0xd4d, 38 }, { 0xd81, 38 },                                /* A715, A720 */
		{ 0xd4e, 132 }, { 0xd4f, 132 },                              /* X3, V2 */
	};
	for (size_t i = 0; i < sizeof(cores) / sizeof(cores[0]); i++) {
		struct smccc_cpu_facts f = no_fw;
		f.midr = MIDR_PART(cores[i].part);
		struct smccc_el2_hardening h = hardening(&f);
		assert_int_equal(h.bhb, SMCCC_EL2_BHB_LOOP);
		assert_int_equal(h.loop_k, cores[i].k);
		assert_int_equal(h.fw_wa1, 0);
		assert_non_null(h.core_name);
		/* Another implementer's part of that number is not Arm's core. */
		f.midr = 0x510f0000ULL | ((uint64_t)cores[i].part << 4);
		assert_int_equal(hardening(&f).bhb, SMCCC_EL2_BHB_NONE);
	}
	struct smccc_cpu_facts f = no_fw;
	f.midr = MIDR_A72;
	assert_string_equal(hardening(&f).core_name, "Cortex-A72");
}

/* What EL2 does at lower-EL entry, first rule that applies: unaffected
 * (listed, CSV2_3, firmware); ECBHB; CLRBHB; the loop; firmware's WA_3
 * (which covers variant 2, so no WA_1 call beside it); nothing. Firmware's
 * WA_1 is called on a core that needs it for variant 2. */
static void test_wa_el2_hardening_choice(void **state)
{
	(void)state;
	struct smccc_cpu_facts f = no_fw;
	f.midr = MIDR_A53;
	assert_int_equal(hardening(&f).bhb, SMCCC_EL2_BHB_UNAFFECTED);
	f.midr = MIDR_A72;
	f.pfr0 = CSV2(3);
	assert_int_equal(hardening(&f).bhb, SMCCC_EL2_BHB_UNAFFECTED);
	f.pfr0 = 0;
	f.fw_version = 0x10001;
	f.fw_wa[2] = 1;
	assert_int_equal(hardening(&f).bhb, SMCCC_EL2_BHB_UNAFFECTED);
	f = no_fw;
	f.midr = MIDR_A72;
	f.mmfr1 = ECBHB(1);
	f.isar2 = CLRBHB(1);
	assert_int_equal(hardening(&f).bhb, SMCCC_EL2_BHB_ECBHB);
	f.mmfr1 = 0;
	assert_int_equal(hardening(&f).bhb, SMCCC_EL2_BHB_CLRBHB);
	f.isar2 = 0;
	struct smccc_el2_hardening h = hardening(&f);
	assert_int_equal(h.bhb, SMCCC_EL2_BHB_LOOP);
	assert_int_equal(h.loop_k, 8);
	assert_int_equal(h.fw_wa1, 0);
	/* Firmware with WA_1 on A72: called at entry, and the loop too. */
	f.fw_version = 0x10001;
	f.fw_wa[0] = 0;
	h = hardening(&f);
	assert_int_equal(h.bhb, SMCCC_EL2_BHB_LOOP);
	assert_int_equal(h.fw_wa1, 1);
	/* Not on a core with CSV2 (variant 2 handled by the hardware). */
	f.pfr0 = CSV2(1);
	assert_int_equal(hardening(&f).fw_wa1, 0);
	/* A73: affected, no loop given: firmware's WA_3, and WA_1 not beside it. */
	f = no_fw;
	f.midr = MIDR_A73;
	assert_int_equal(hardening(&f).bhb, SMCCC_EL2_BHB_NONE);
	f.fw_version = 0x10002;
	f.fw_wa[0] = 0;
	f.fw_wa[2] = 0;
	h = hardening(&f);
	assert_int_equal(h.bhb, SMCCC_EL2_BHB_FW_WA3);
	assert_int_equal(h.fw_wa1, 0);
	/* Firmware at SMCCC 1.0 is not believed. */
	f.fw_version = 0x10000;
	h = hardening(&f);
	assert_int_equal(h.bhb, SMCCC_EL2_BHB_NONE);
	assert_int_equal(h.fw_wa1, 0);
	/* QEMU's max: not on Arm's lists, no firmware: nothing known. */
	f = no_fw;
	f.midr = MIDR_MAX;
	f.pfr0 = CSV2(1);
	h = hardening(&f);
	assert_int_equal(h.bhb, SMCCC_EL2_BHB_NONE);
	assert_null(h.core_name);
}

/* WA_3 answered 0 where EL2 runs the BHB mitigation at every lower-EL entry
 * and variant 2 is covered too: the call is a no-op returning SUCCESS (the
 * HVC's own entry ran the loop), not forwarded, not an unknown call. */
static void test_wa3_done_at_el2_entry(void **state)
{
	(void)state;
	/* A76: CSV2 1 (variant 2 unaffected), loop k = 24. */
	struct smccc_cpu_facts f = no_fw;
	f.midr = MIDR_A76;
	f.pfr0 = CSV2(1);
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), 1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_2), -1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), 0);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_3, 0, 0, 0), 0);
	assert_int_equal(call(SMC, SMCCC_ARCH_WORKAROUND_3, 0, 0, 0), 0);
	int fwd = 1;
	assert_int_equal(smccc_workaround_answer(2, &f, &fwd), 0);
	assert_int_equal(fwd, 0);
	/* ECBHB and CLRBHB count as EL2 doing it too. */
	f.mmfr1 = ECBHB(1);
	assert_int_equal(smccc_workaround_answer(2, &f, &fwd), 0);
	f.mmfr1 = 0;
	f.isar2 = CLRBHB(1);
	assert_int_equal(smccc_workaround_answer(2, &f, &fwd), 0);
	/* A72 with firmware's WA_1 (forwarded) and the loop at entry: 0. */
	f = no_fw;
	f.midr = MIDR_A72;
	f.fw_version = 0x10001;
	f.fw_wa[0] = 0;
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_1), 0);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), 0);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_3, 0, 0, 0), 0);
	assert_int_equal(fw_calls, 0);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_1, 0, 0, 0), 0);
	assert_int_equal(fw_calls, 1);
	assert_int_equal(fw_args[0], SMCCC_ARCH_WORKAROUND_1);
	/* A72 and A57 without firmware: the loop runs, but WA_3 stands for
	 * variant 2 as well, which nothing covers: still NOT_SUPPORTED. */
	static const uint64_t midrs[] = { MIDR_A72, MIDR_A57 };
	for (size_t i = 0; i < 2; i++) {
		f = no_fw;
		f.midr = midrs[i];
		assert_int_equal(hardening(&f).bhb, SMCCC_EL2_BHB_LOOP);
		smccc_workarounds_init(&f);
		assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), -1);
		assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_3, 0, 0, 0), -1);
	}
	/* max: no loop known: -1 as before. */
	f = no_fw;
	f.midr = MIDR_MAX;
	f.pfr0 = CSV2(1);
	smccc_workarounds_init(&f);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), -1);
	assert_int_equal(fw_calls, 1);
}

/* Each core is answered for itself (big.LITTLE): the vCPU's physical core
 * picks the answers; a core never decided answers NOT_SUPPORTED. */
static void test_wa_answers_per_core(void **state)
{
	(void)state;
	struct smccc_cpu_facts little = no_fw;
	little.midr = MIDR_A53;
	struct smccc_cpu_facts big = no_fw;
	big.midr = MIDR_A76;
	big.pfr0 = CSV2(1);
	struct smccc_cpu_facts none;
	memset(&none, 0, sizeof(none));
	smccc_workarounds_init(&none);
	smccc_workarounds_init_core(4, &little);    /* vCPU 0 */
	smccc_workarounds_init_core(5, &big);       /* vCPU 1 */
	smccc_workarounds_init_core(CONFIG_MAX_CORES, &big);   /* ignored */
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_2), 1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), 1);
	host_current_vcpu = &part.vcpus[1];
	part.vcpus[1].state = VCPU_ON;
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_2), -1);
	assert_int_equal(wa_features(SMCCC_ARCH_WORKAROUND_3), 0);
	assert_int_equal(hvc(SMCCC_ARCH_WORKAROUND_3, 0, 0, 0), 0);
	host_current_vcpu = &part.vcpus[0];
}

static void test_unknown_fast_calls(void **state)
{
	(void)state;
	static const uint32_t fids[] = {
		0x86000f00U,   /* vendor-specific hypervisor service */
		0xc2000000U,   /* SiP, SMC64 */
		0x82000001U,   /* SiP, SMC32 */
		0xb0000000U,   /* trusted application */
		0xbf00ff01U,   /* trusted OS */
		0x80008000U,   /* SMCCC_ARCH_WORKAROUND_1 */
		0xc0000000U,   /* SMCCC_VERSION with the SMC64 bit */
		0xc4000020U,   /* standard service, just past PSCI */
		0x84000020U,
		0x84010000U,
		0x85000000U,   /* standard hypervisor service (owner 5) */
	};
	unsigned int n = 0;
	for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		for (int conduit = HVC; conduit <= SMC; conduit++) {
			host_msg_calls = 0;
			assert_int_equal(call(conduit, fids[i], 1, ENTRY, 0), -1);
			assert_int_equal(x[0], UINT64_MAX);
			n++;
			assert_int_equal(part.stats.unknown_calls, n);
			assert_int_equal(host_msg_calls, 1);
		}
	}
	assert_int_equal(part.stats.psci_calls, 0);
	assert_int_equal(host_post_count, 0);
	assert_int_equal(part.vcpus[1].state, VCPU_OFF);
	assert_int_equal(host_exit_count, 0);
}

static void test_unknown_call_logged_at_debug(void **state)
{
	(void)state;
	assert_int_equal(call(HVC, 0x86000f00U, 0, 0, 0), -1);
	assert_int_equal(host_msg_level, 3);
	assert_string_equal(host_msg_last, "partition \"linux\" vcpu 0: HVC 0x86000f00 not supported");
	host_current_vcpu = &part.vcpus[1];
	assert_int_equal(call(SMC, 0xc2000000U, 0, 0, 0), -1);
	assert_string_equal(host_msg_last, "partition \"linux\" vcpu 1: SMC 0xc2000000 not supported");
}

static void test_nonzero_immediate_is_not_smccc(void **state)
{
	(void)state;
	/* HVC/SMC #imm with imm != 0: not an SMCCC call whatever x0 holds.
	 * Nothing is read, written, counted or logged; the trap handler makes
	 * the instruction UNDEFINED (arch/arm64/traps.c). SYSTEM_OFF and
	 * CPU_OFF here would reach an unarmed stand-in and fail the test. */
	static const uint32_t imms[] = { 1, 2, 0x8000, 0xea1, 0x4a48, 0xffff };
	static const uint32_t fids[] = { PSCI_VERSION, PSCI_CPU_ON_64, PSCI_SYSTEM_OFF,
					 PSCI_CPU_OFF, SMCCC_VERSION, 0x86000f00U, 0 };
	for (size_t i = 0; i < sizeof(imms) / sizeof(imms[0]); i++) {
		for (size_t f = 0; f < sizeof(fids) / sizeof(fids[0]); f++) {
			for (int conduit = HVC; conduit <= SMC; conduit++) {
				for (unsigned int r = 0; r < 31u; r++) {
					x[r] = 0x5a5a5a5a00000000ULL | r;
				}
				x[0] = fids[f];
				x[1] = 1;
				x[2] = ENTRY;
				x[3] = CTX;
				assert_int_equal(vcpu_handle_call(x, conduit == SMC, imms[i]), 0);
				assert_int_equal(x[0], fids[f]);
				assert_int_equal(x[1], 1);
				assert_int_equal(x[2], ENTRY);
				assert_int_equal(x[3], CTX);
				for (unsigned int r = 4; r < 31u; r++) {
					assert_int_equal(x[r], 0x5a5a5a5a00000000ULL | r);
				}
			}
		}
	}
	assert_int_equal(part.stats.psci_calls, 0);
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(host_msg_calls, 0);
	assert_int_equal(host_post_count, 0);
	assert_int_equal(host_exit_count, 0);
	assert_int_equal(part.vcpus[1].state, VCPU_OFF);
	/* #0 on the same registers is a call again. */
	assert_int_equal(hvc(PSCI_VERSION, 0, 0, 0), 0x10000);
}

static void test_yielding_calls_unknown(void **state)
{
	(void)state;
	/* Bit 31 clear: yielding (standard) calls, never emulated even in the
	 * PSCI and arch ranges. */
	static const uint32_t fids[] = { 0x04000000U, 0x04000003U, 0x44000003U, 0x00000000U,
					 0x00000001U, 0x06000000U, 0x7fffffffU };
	for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		assert_int_equal(hvc(fids[i], 1, ENTRY, CTX), -1);
		assert_int_equal(part.stats.unknown_calls, i + 1u);
	}
	assert_int_equal(part.stats.psci_calls, 0);
	assert_int_equal(host_post_count, 0);
	assert_int_equal(part.vcpus[1].state, VCPU_OFF);
}

static void test_unsupported_psci_ids(void **state)
{
	(void)state;
	/* Inside the PSCI range but not offered: NOT_SUPPORTED, counted as
	 * PSCI calls (vpsci.h), not as unknown ones. */
	static const uint32_t fids[] = { PSCI_MIGRATE_32, PSCI_SYSTEM_SUSPEND_32,
					 PSCI_SYSTEM_SUSPEND_64, 0xc4000000U, 0xc4000002U,
					 0xc4000008U, 0x8400001fU, 0xc400001fU, 0x84000010U };
	for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		assert_int_equal(hvc(fids[i], 1, ENTRY, CTX), -1);
		assert_int_equal(part.stats.psci_calls, i + 1u);
	}
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(host_post_count, 0);
	assert_int_equal(host_exit_count, 0);
}

static void test_migrate_info_type(void **state)
{
	(void)state;
	assert_int_equal(hvc(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	assert_int_equal(call(SMC, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	assert_int_equal(part.stats.psci_calls, 2);
}

static void test_psci_features(void **state)
{
	(void)state;
	static const uint32_t supported[] = {
		PSCI_VERSION, PSCI_CPU_SUSPEND_32, PSCI_CPU_SUSPEND_64, PSCI_CPU_OFF,
		PSCI_CPU_ON_32, PSCI_CPU_ON_64, PSCI_AFFINITY_INFO_32, PSCI_AFFINITY_INFO_64,
		PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_FEATURES,
		SMCCC_VERSION,
	};
	static const uint32_t unsupported[] = {
		PSCI_SYSTEM_SUSPEND_64, PSCI_SYSTEM_SUSPEND_32, PSCI_MIGRATE_32, 0xc4000000U,
		0xc4000002U, 0xc4000008U, 0xc4000009U, 0xc400000aU, 0x8400000bU, 0x8400000cU,
		0x8400000dU, 0x86000f00U, 0x00000000U, 0x04000000U,
	};
	unsigned int n = 0;
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++) {
		assert_int_equal(hvc(PSCI_FEATURES, supported[i], 0, 0), 0);
		n++;
	}
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		assert_int_equal(hvc(PSCI_FEATURES, unsupported[i], 0, 0), -1);
		n++;
	}
	/* PSCI_FEATURES is SMC32: the upper half of x1 is ignored. */
	assert_int_equal(hvc(PSCI_FEATURES, 0xffffffff84000000ULL, 0, 0), 0);
	assert_int_equal(hvc(PSCI_FEATURES, 0x00000001c400000eULL, 0, 0), -1);
	n += 2;
	assert_int_equal(part.stats.psci_calls, n);
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(host_exit_count, 0);
	assert_int_equal(host_post_count, 0);
}

/* ---- CPU_ON ------------------------------------------------------------------- */

static void test_cpu_on_success(void **state)
{
	(void)state;
	/* The request carries the partition's current run, so a restart that
	 * happens before the target takes it makes it void (core/vcpu.c). */
	part.epoch = 7;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, ENTRY, 0x123456789abcdef0ULL), 0);
	assert_int_equal(host_post_count, 1);
	assert_int_equal(host_posts[0].epoch, 7);
	assert_int_equal(host_posts[0].core, 5);
	assert_int_equal(host_posts[0].entry, ENTRY);
	assert_int_equal(host_posts[0].arg, 0x123456789abcdef0ULL);
	assert_int_equal(part.vcpus[1].state, VCPU_ON_PENDING);
	assert_int_equal(part.vcpus[0].state, VCPU_ON);
	assert_int_equal(part.stats.psci_calls, 1);
	assert_int_equal(part.stats.unknown_calls, 0);
}

static void test_cpu_on_smc_conduit(void **state)
{
	(void)state;
	assert_int_equal(call(SMC, PSCI_CPU_ON_64, 1, RAM_IPA, CTX), 0);
	assert_int_equal(host_post_count, 1);
	assert_int_equal(host_posts[0].core, 5);
	assert_int_equal(host_posts[0].entry, RAM_IPA);
	assert_int_equal(host_posts[0].arg, CTX);
}

static void test_cpu_on_twice(void **state)
{
	(void)state;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, ENTRY, CTX), 0);
	assert_int_equal(host_post_count, 1);
	/* Still ON_PENDING: the vCPU has not started running yet. */
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, ENTRY, CTX), -5);
	assert_int_equal(hvc(PSCI_CPU_ON_32, 1, ENTRY, CTX), -5);
	assert_int_equal(part.vcpus[1].state, VCPU_ON_PENDING);
	/* Once it runs: ALREADY_ON. */
	part.vcpus[1].state = VCPU_ON;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, ENTRY, CTX), -4);
	assert_int_equal(part.vcpus[1].state, VCPU_ON);
	/* The caller itself is on. */
	assert_int_equal(hvc(PSCI_CPU_ON_64, 0, ENTRY, CTX), -4);
	assert_int_equal(host_post_count, 1);
	assert_int_equal(part.stats.psci_calls, 5);
	/* Off again (CPU_OFF on that core): CPU_ON works again. */
	part.vcpus[1].state = VCPU_OFF;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, ENTRY + 0x100u, 7), 0);
	assert_int_equal(host_post_count, 2);
	assert_int_equal(host_posts[1].entry, ENTRY + 0x100u);
	assert_int_equal(host_posts[1].arg, 7);
}

static void test_cpu_on_from_second_vcpu(void **state)
{
	(void)state;
	host_current_vcpu = &part.vcpus[1];
	part.vcpus[1].state = VCPU_ON;
	part.vcpus[0].state = VCPU_OFF;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 0, ENTRY, CTX), 0);
	assert_int_equal(host_post_count, 1);
	assert_int_equal(host_posts[0].core, 4);
	assert_int_equal(part.vcpus[0].state, VCPU_ON_PENDING);
}

static void test_cpu_on_target_not_in_partition(void **state)
{
	(void)state;
	static const uint64_t targets[] = {
		2, 3, 0xff, 15, 16,
		0x100, 0x101, 0x001ff00, 0x10000, 0x10001, 0xff0000,
		1ULL << 32, (1ULL << 32) | 1u, 0xff00000001ULL, 0xff00ffffffULL,
	};
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		assert_int_equal(hvc(PSCI_CPU_ON_64, targets[i], ENTRY, CTX), -2);
	}
	assert_int_equal(host_post_count, 0);
	assert_int_equal(part.vcpus[1].state, VCPU_OFF);
	assert_int_equal(part.stats.psci_calls, sizeof(targets) / sizeof(targets[0]));
	assert_int_equal(host_msg_level, 2);
	assert_string_equal(host_msg_last, "partition \"linux\" vcpu 0: CPU_ON for 0xff00ffffff "
			    "refused: not one of its cores");
}

static void test_cpu_on_target_three_vcpus(void **state)
{
	(void)state;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 2, ENTRY, CTX), 0);
	assert_int_equal(host_post_count, 1);
	assert_int_equal(host_posts[0].core, 6);
	assert_int_equal(part.vcpus[2].state, VCPU_ON_PENDING);
	assert_int_equal(part.vcpus[1].state, VCPU_OFF);
	assert_int_equal(hvc(PSCI_CPU_ON_64, 3, ENTRY, CTX), -2);
	assert_int_equal(host_post_count, 1);
}

static void test_cpu_on_non_affinity_bits_ignored(void **state)
{
	(void)state;
	/* Bits 24-31 (MT, U, RES1...) and 40-63 are not affinity: ignored. */
	static const uint64_t targets[] = {
		0x80000001ULL, 0x40000001ULL, 0x01000001ULL, 0xff000001ULL,
		(1ULL << 40) | 1u, (1ULL << 63) | 1u, 0xffffff00ff000001ULL,
	};
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		part.vcpus[1].state = VCPU_OFF;
		assert_int_equal(hvc(PSCI_CPU_ON_64, targets[i], ENTRY, i), 0);
		assert_int_equal(host_post_count, i + 1u);
		assert_int_equal(host_posts[i].core, 5);
		assert_int_equal(host_posts[i].arg, i);
		assert_int_equal(part.vcpus[1].state, VCPU_ON_PENDING);
	}
	/* Same masking for AFFINITY_INFO. */
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 0x80000001ULL, 0, 0), 2);
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 0x80000000ULL, 0, 0), 0);
}

static void test_cpu_on_bad_entry(void **state)
{
	(void)state;
	static const uint64_t entries[] = {
		0, RAM_IPA - 4u, RAM_IPA - 1u, RAM_IPA + RAM_SIZE, RAM_IPA + RAM_SIZE - 2u,
		RAM_IPA + RAM_SIZE + 0x1000u, DEV_IPA, DEV_IPA + 4u, RAM_PA, UINT64_MAX - 3u,
		ENTRY + 1u, ENTRY + 2u, ENTRY + 3u, RAM_IPA + 2u,
	};
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		assert_int_equal(hvc(PSCI_CPU_ON_64, 1, entries[i], CTX), -9);
		assert_int_equal(part.vcpus[1].state, VCPU_OFF);
	}
	assert_int_equal(host_post_count, 0);
	/* The first and last words of RAM are fine. */
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, RAM_IPA + RAM_SIZE - 4u, CTX), 0);
	part.vcpus[1].state = VCPU_OFF;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, RAM_IPA, CTX), 0);
	assert_int_equal(host_post_count, 2);
	assert_int_equal(host_posts[0].entry, RAM_IPA + RAM_SIZE - 4u);
	assert_int_equal(host_posts[1].entry, RAM_IPA);
}

static void test_cpu_on_bad_target_checked_before_entry(void **state)
{
	(void)state;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 2, 0, CTX), -2);
	/* An already-on target with a bad entry: the address is checked first. */
	assert_int_equal(hvc(PSCI_CPU_ON_64, 0, 1, CTX), -9);
	assert_int_equal(host_post_count, 0);
}

static void test_cpu_on_32_ignores_upper_halves(void **state)
{
	(void)state;
	assert_int_equal(hvc(PSCI_CPU_ON_32, 0xffffffff00000001ULL, 0xabcd000040080000ULL,
			     0x5555555512345678ULL), 0);
	assert_int_equal(host_post_count, 1);
	assert_int_equal(host_posts[0].core, 5);
	assert_int_equal(host_posts[0].entry, ENTRY);
	assert_int_equal(host_posts[0].arg, 0x12345678);
	assert_int_equal(part.vcpus[1].state, VCPU_ON_PENDING);

	/* The same registers through CPU_ON_64 name Aff3 and a wild entry. */
	part.vcpus[1].state = VCPU_OFF;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 0xffffffff00000001ULL, ENTRY, CTX), -2);
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, 0xabcd000040080000ULL, CTX), -9);
	assert_int_equal(host_post_count, 1);
	assert_int_equal(part.vcpus[1].state, VCPU_OFF);
	/* CPU_ON_64 passes the full context. */
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, ENTRY, 0x5555555512345678ULL), 0);
	assert_int_equal(host_posts[1].arg, 0x5555555512345678ULL);
}

/* ---- AFFINITY_INFO -------------------------------------------------------------- */

static void test_affinity_info_states(void **state)
{
	(void)state;
	static const uint32_t fids[] = { PSCI_AFFINITY_INFO_64, PSCI_AFFINITY_INFO_32 };
	for (size_t f = 0; f < 2; f++) {
		part.vcpus[1].state = VCPU_OFF;
		part.vcpus[2].state = VCPU_ON;
		assert_int_equal(hvc(fids[f], 1, 0, 0), 1);        /* OFF */
		part.vcpus[1].state = VCPU_ON_PENDING;
		assert_int_equal(hvc(fids[f], 1, 0, 0), 2);        /* ON_PENDING */
		part.vcpus[1].state = VCPU_ON;
		assert_int_equal(hvc(fids[f], 1, 0, 0), 0);        /* ON */
		assert_int_equal(hvc(fids[f], 0, 0, 0), 0);        /* the caller */
		assert_int_equal(hvc(fids[f], 2, 0, 0), 0);
		part.vcpus[2].state = VCPU_OFF;
		assert_int_equal(hvc(fids[f], 2, 0, 0), 1);
	}
	assert_int_equal(part.stats.psci_calls, 12);
}

static void test_affinity_info_follows_cpu_on(void **state)
{
	(void)state;
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 1, 0, 0), 1);
	assert_int_equal(hvc(PSCI_CPU_ON_64, 1, ENTRY, CTX), 0);
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 1, 0, 0), 2);
}

static void test_affinity_info_invalid(void **state)
{
	(void)state;
	part.vcpus[1].state = VCPU_ON;
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 1, 1, 0), -2);   /* level 1 */
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 0, 2, 0), -2);
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 1, 1ULL << 32, 0), -2);
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 3, 0, 0), -2);   /* 3 vCPUs: 0..2 */
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 0x100, 0, 0), -2);
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 0x101, 0, 0), -2);
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_64, 1ULL << 32, 0, 0), -2);
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_32, 1, 1, 0), -2);
	/* AFFINITY_INFO_32 ignores the upper halves of x1 and x2. */
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_32, 1, 1ULL << 32, 0), 0);
	assert_int_equal(hvc(PSCI_AFFINITY_INFO_32, (1ULL << 32) | 1u, 0, 0), 0);
	assert_int_equal(part.stats.psci_calls, 10);
	assert_int_equal(part.stats.unknown_calls, 0);
}

/* ---- Power state changes ---------------------------------------------------------- */

/* power_state in the original format: StateID [15:0], StateType [16]
 * (1 = power-down), PowerLevel [25:24]. The partition is offered StateID 0
 * at PowerLevel 0, as standby and as power-down. */
#define PS_STANDBY    0x00000000U
#define PS_POWERDOWN  0x00010000U

static void test_cpu_suspend_standby_returns_success(void **state)
{
	(void)state;
	/* Entry and context mean nothing to a standby: even bad ones are fine. */
	assert_int_equal(hvc(PSCI_CPU_SUSPEND_64, PS_STANDBY, ENTRY, CTX), 0);
	assert_int_equal(hvc(PSCI_CPU_SUSPEND_32, PS_STANDBY, 0, 0), 0);
	assert_int_equal(call(SMC, PSCI_CPU_SUSPEND_64, PS_STANDBY, DEV_IPA + 1u, 0), 0);
	/* power_state is 32 bits in both conventions: the upper half of x1 is
	 * not part of it. */
	assert_int_equal(hvc(PSCI_CPU_SUSPEND_64, 0xffffffff00000000ULL, 0, 0), 0);
	assert_int_equal(hvc(PSCI_CPU_SUSPEND_32, 0x0000000100000000ULL, 0, 0), 0);
	assert_int_equal(host_exit_count, 0);
	assert_int_equal(host_post_count, 0);
	assert_int_equal(part.vcpus[0].state, VCPU_ON);
	assert_int_equal(part.stats.psci_calls, 5);
	assert_int_equal(part.stats.unknown_calls, 0);
}

static void test_cpu_suspend_powerdown_wakes_at_entry(void **state)
{
	(void)state;
	/* Never a SUCCESS return: the vCPU starts again at the entry point with
	 * the context id in x0 (core_warm_boot), and stays ON meanwhile. */
	assert_int_equal(call_noreturn4(HVC, PSCI_CPU_SUSPEND_64, PS_POWERDOWN, ENTRY,
					0x123456789abcdef0ULL), 1);
	assert_int_equal(host_exit_kind, HOST_EXIT_WARM_BOOT);
	assert_int_equal(host_exit_entry, ENTRY);
	assert_int_equal(host_exit_arg, 0x123456789abcdef0ULL);
	assert_int_equal(part.vcpus[0].state, VCPU_ON);
	assert_int_equal(host_post_count, 0);
	assert_int_equal(part.stats.psci_calls, 1);

	/* SMC32: entry and context are 32 bits; so is power_state on SMC64. */
	host_core_reset();
	assert_int_equal(call_noreturn4(SMC, PSCI_CPU_SUSPEND_32, 0xffffffff00010000ULL,
					0xabcd000040080000ULL, 0x5555555512345678ULL), 1);
	assert_int_equal(host_exit_kind, HOST_EXIT_WARM_BOOT);
	assert_int_equal(host_exit_entry, ENTRY);
	assert_int_equal(host_exit_arg, 0x12345678);
	host_core_reset();
	assert_int_equal(call_noreturn4(HVC, PSCI_CPU_SUSPEND_64, 0x7fffffff00010000ULL,
					RAM_IPA, 0), 1);
	assert_int_equal(host_exit_entry, RAM_IPA);
	assert_int_equal(host_exit_arg, 0);

	/* From another vCPU: the same, on its own core. */
	host_core_reset();
	part.vcpus[1].state = VCPU_ON;
	host_current_vcpu = &part.vcpus[1];
	assert_int_equal(call_noreturn4(HVC, PSCI_CPU_SUSPEND_64, PS_POWERDOWN,
					RAM_IPA + RAM_SIZE - 4u, 7), 1);
	assert_int_equal(host_exit_kind, HOST_EXIT_WARM_BOOT);
	assert_int_equal(host_exit_entry, RAM_IPA + RAM_SIZE - 4u);
	assert_int_equal(part.vcpus[1].state, VCPU_ON);
	assert_int_equal(part.stats.psci_calls, 4);
	assert_int_equal(part.stats.unknown_calls, 0);
}

static void test_cpu_suspend_powerdown_bad_entry(void **state)
{
	(void)state;
	static const uint64_t entries[] = {
		0, RAM_IPA - 4u, RAM_IPA + RAM_SIZE, RAM_IPA + RAM_SIZE - 2u, DEV_IPA, RAM_PA,
		UINT64_MAX - 3u, ENTRY + 1u, ENTRY + 2u, ENTRY + 3u,
	};
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		assert_int_equal(hvc(PSCI_CPU_SUSPEND_64, PS_POWERDOWN, entries[i], CTX), -9);
	}
	/* SUSPEND_32 sees only the low half of the entry: 0x1_4008_0000 is not
	 * in RAM for SUSPEND_64. */
	assert_int_equal(hvc(PSCI_CPU_SUSPEND_64, PS_POWERDOWN, 0x140080000ULL, CTX), -9);
	assert_int_equal(host_exit_count, 0);
	assert_int_equal(host_post_count, 0);
	assert_int_equal(part.vcpus[0].state, VCPU_ON);
}

static void test_cpu_suspend_invalid_power_state(void **state)
{
	(void)state;
	static const uint32_t states[] = {
		0xffffffffU,   /* everything */
		0x00000001U,   /* standby, StateID 1 */
		0x0000ffffU,
		0x00010001U,   /* power-down, StateID 1 */
		0x0001ffffU,
		0x01000000U,   /* standby at PowerLevel 1 (cluster) */
		0x01010000U,   /* power-down at PowerLevel 1 */
		0x02010000U,   /* PowerLevel 2 */
		0x03000000U,
		0x00020000U,   /* reserved bits 17-23 */
		0x00800000U,
		0x00810000U,
		0x04000000U,   /* reserved bits 26-31 */
		0x40000000U,
		0x80010000U,
	};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		/* Checked before the entry point, whatever the conduit. */
		assert_int_equal(hvc(PSCI_CPU_SUSPEND_64, states[i], ENTRY, CTX), -2);
		assert_int_equal(hvc(PSCI_CPU_SUSPEND_32, states[i], 0, CTX), -2);
		assert_int_equal(call(SMC, PSCI_CPU_SUSPEND_64, states[i], 1, 0), -2);
	}
	assert_int_equal(host_exit_count, 0);
	assert_int_equal(host_post_count, 0);
	assert_int_equal(part.vcpus[0].state, VCPU_ON);
	assert_int_equal(part.stats.psci_calls, 3u * (sizeof(states) / sizeof(states[0])));
	assert_int_equal(part.stats.unknown_calls, 0);
}

static void test_cpu_suspend_features_say_original_format(void **state)
{
	(void)state;
	/* 0: SUCCESS-as-flags, bit 1 clear (original power_state format, which
	 * the states above use), bit 0 clear (no OS-initiated mode). */
	assert_int_equal(hvc(PSCI_FEATURES, PSCI_CPU_SUSPEND_64, 0, 0), 0);
	assert_int_equal(hvc(PSCI_FEATURES, PSCI_CPU_SUSPEND_32, 0, 0), 0);
}

static void test_cpu_off_parks(void **state)
{
	(void)state;
	assert_int_equal(call_noreturn(HVC, PSCI_CPU_OFF, 0), 1);
	assert_int_equal(host_exit_kind, HOST_EXIT_PARK);
	assert_int_equal(host_exit_count, 1);
	assert_int_equal(part.stats.psci_calls, 1);
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(host_post_count, 0);

	host_core_reset();
	assert_int_equal(call_noreturn(SMC, 0xffffffff84000002ULL, 0), 1);
	assert_int_equal(host_exit_kind, HOST_EXIT_PARK);
	assert_int_equal(part.stats.psci_calls, 2);
}

static void test_system_off_stops_partition(void **state)
{
	(void)state;
	assert_int_equal(call_noreturn(HVC, PSCI_SYSTEM_OFF, 0), 1);
	assert_int_equal(host_exit_kind, HOST_EXIT_STOP);
	assert_int_equal(host_exit_count, 1);
	assert_ptr_equal(host_exit_part, &part);
	assert_int_equal(host_exit_state, PART_STOPPED);
	assert_non_null(host_exit_why);
	assert_string_equal(host_exit_why, "PSCI SYSTEM_OFF");
	assert_int_equal(part.stats.psci_calls, 1);
	assert_int_equal(host_post_count, 0);
}

static void test_system_reset_restarts_partition(void **state)
{
	(void)state;
	host_current_vcpu = &part.vcpus[1];
	assert_int_equal(call_noreturn(SMC, PSCI_SYSTEM_RESET, 0), 1);
	assert_int_equal(host_exit_kind, HOST_EXIT_RESTART);
	assert_int_equal(host_exit_count, 1);
	assert_ptr_equal(host_exit_part, &part);
	assert_non_null(host_exit_why);
	assert_string_equal(host_exit_why, "PSCI SYSTEM_RESET");
	assert_int_equal(part.stats.psci_calls, 1);
	assert_int_equal(host_post_count, 0);
}

static void test_psci_calls_counted(void **state)
{
	(void)state;
	hvc(PSCI_VERSION, 0, 0, 0);                 /* psci 1 */
	hvc(SMCCC_VERSION, 0, 0, 0);                /* neither */
	hvc(PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0);   /* psci 2 */
	hvc(0x86000f00U, 0, 0, 0);                  /* unknown 1 */
	hvc(PSCI_CPU_ON_64, 7, ENTRY, 0);           /* psci 3 (refused) */
	hvc(PSCI_CPU_ON_64, 1, ENTRY, 0);           /* psci 4 */
	hvc(PSCI_AFFINITY_INFO_64, 1, 0, 0);        /* psci 5 */
	hvc(PSCI_SYSTEM_SUSPEND_64, ENTRY, 0, 0);   /* psci 6 (NOT_SUPPORTED) */
	hvc(0x04000000U, 0, 0, 0);                  /* unknown 2 */
	hvc(SMCCC_ARCH_FEATURES, 0x80008000U, 0, 0); /* neither */
	assert_int_equal(part.stats.psci_calls, 6);
	assert_int_equal(part.stats.unknown_calls, 2);
	assert_int_equal(part.stats.data_aborts, 0);
	assert_int_equal(part.stats.restarts, 0);
	assert_int_equal(part.stats.mmio_emulated, 0);
}

/* ---- Bulkhead's calls: the vendor-specific hypervisor service ------------------- */

/* A call whose results may be in x0-x3; x4.. must stay as they were. */
static void call_raw(int conduit, uint64_t x0, uint64_t x1)
{
	for (unsigned int i = 0; i < 31u; i++) {
		x[i] = 0x5a5a5a5a00000000ULL | i;
	}
	x[0] = x0;
	x[1] = x1;
	assert_int_equal(vcpu_handle_call(x, conduit == SMC, 0), 1);
	for (unsigned int i = 4; i < 31u; i++) {
		assert_int_equal(x[i], 0x5a5a5a5a00000000ULL | i);
	}
}

static void test_vendor_hyp_uid_and_revision(void **state)
{
	(void)state;
	for (int conduit = HVC; conduit <= SMC; conduit++) {
		call_raw(conduit, 0x8600ff01U, 0);
		assert_int_equal(x[0], 0x61fb7150U);
		assert_int_equal(x[1], 0x12487da8U);
		assert_int_equal(x[2], 0x545a09a2U);
		assert_int_equal(x[3], 0x5ad950c1U);
		call_raw(conduit, 0x8600ff03U, 0);
		assert_int_equal(x[0], 1);
		assert_int_equal(x[1], 0);
		/* x2 and x3 are not results of REVISION: left alone. */
		assert_int_equal(x[2], 0x5a5a5a5a00000002ULL);
	}
	assert_int_equal(part.stats.unknown_calls, 0);
	assert_int_equal(part.stats.psci_calls, 0);
	/* Other ids of the range are still unknown. */
	assert_int_equal(hvc(0x8600ff00U, 0, 0, 0), -1);
	assert_int_equal(hvc(0x86000003U, 0, 0, 0), -1);
	assert_int_equal(part.stats.unknown_calls, 2);
}

static void test_vendor_counters_by_group(void **state)
{
	(void)state;
	for (uint32_t g = 0; g < PARTITION_COUNTER_GROUPS; g++) {
		call_raw(HVC, 0xc6000001U, g);
		assert_int_equal(x[0], 0);
		assert_int_equal(x[1], 100u * g + 1u);
		assert_int_equal(x[2], 100u * g + 2u);
		assert_int_equal(x[3], g == 5u ? HOST_WIDE_COUNTER : 100u * g + 3u);
	}
	/* The 32-bit convention: W1 is the group, results are 32-bit. */
	call_raw(SMC, 0x86000001U, 0xffffffff00000005ULL);
	assert_int_equal(x[0], 0);
	assert_int_equal(x[1], 501);
	assert_int_equal(x[3], HOST_WIDE_COUNTER & 0xffffffffu);
	/* No such group: INVALID_PARAMETER, and no stale registers. */
	static const uint64_t bad[] = { PARTITION_COUNTER_GROUPS, 0xffffffffu, 0xffffffff00000005ULL,
					UINT64_MAX };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		call_raw(HVC, 0xc6000001U, bad[i]);
		assert_int_equal((int64_t)x[0], -3);
		assert_int_equal(x[1] | x[2] | x[3], 0);
	}
	assert_int_equal(part.stats.unknown_calls, 0);
}

static void test_vendor_print_counters(void **state)
{
	(void)state;
	assert_int_equal(host_print_counters_calls, 0);
	call_raw(HVC, 0x86000002U, 0);
	assert_int_equal(x[0], 0);
	assert_int_equal(host_print_counters_calls, 1);
	call_raw(SMC, 0x86000002U, 0);
	assert_int_equal(host_print_counters_calls, 2);
	assert_int_equal(part.stats.unknown_calls, 0);
}

static void test_lines_a_partition_causes_go_through_its_share(void **state)
{
	(void)state;
	/* Its share is used up: a refused CPU_ON is still refused and
	 * counted, only not said; the same for an unknown call. */
	host_log_ok = 0;
	host_msg_calls = 0;
	assert_int_equal(hvc(PSCI_CPU_ON_64, 7, ENTRY, CTX), -2);
	assert_int_equal(hvc(0x86000f00U, 0, 0, 0), -1);
	assert_int_equal(host_msg_calls, 0);
	assert_int_equal(host_log_ok_calls, 2);
	assert_int_equal(part.stats.psci_calls, 1);
	assert_int_equal(part.stats.unknown_calls, 1);
	/* What never causes a line does not ask. */
	assert_int_equal(hvc(PSCI_VERSION, 0, 0, 0), VPSCI_VERSION);
	assert_int_equal(host_log_ok_calls, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_psci_version_hvc_and_smc, setup2),
		cmocka_unit_test_setup(test_vendor_hyp_uid_and_revision, setup2),
		cmocka_unit_test_setup(test_vendor_counters_by_group, setup2),
		cmocka_unit_test_setup(test_vendor_print_counters, setup2),
		cmocka_unit_test_setup(test_lines_a_partition_causes_go_through_its_share, setup2),
		cmocka_unit_test_setup(test_upper_half_of_x0_ignored, setup2),
		cmocka_unit_test_setup(test_smccc_version, setup2),
		cmocka_unit_test_setup(test_smccc_arch_features, setup2),
		cmocka_unit_test_setup(test_unknown_fast_calls, setup2),
		cmocka_unit_test_setup(test_unknown_call_logged_at_debug, setup2),
		cmocka_unit_test_setup(test_nonzero_immediate_is_not_smccc, setup2),
		cmocka_unit_test_setup(test_yielding_calls_unknown, setup2),
		cmocka_unit_test_setup(test_unsupported_psci_ids, setup2),
		cmocka_unit_test_setup(test_migrate_info_type, setup2),
		cmocka_unit_test_setup(test_psci_features, setup2),
		cmocka_unit_test_setup(test_cpu_on_success, setup2),
		cmocka_unit_test_setup(test_cpu_on_smc_conduit, setup2),
		cmocka_unit_test_setup(test_cpu_on_twice, setup2),
		cmocka_unit_test_setup(test_cpu_on_from_second_vcpu, setup2),
		cmocka_unit_test_setup(test_cpu_on_target_not_in_partition, setup2),
		cmocka_unit_test_setup(test_cpu_on_target_three_vcpus, setup3),
		cmocka_unit_test_setup(test_cpu_on_non_affinity_bits_ignored, setup2),
		cmocka_unit_test_setup(test_cpu_on_bad_entry, setup2),
		cmocka_unit_test_setup(test_cpu_on_bad_target_checked_before_entry, setup2),
		cmocka_unit_test_setup(test_cpu_on_32_ignores_upper_halves, setup2),
		cmocka_unit_test_setup(test_affinity_info_states, setup3),
		cmocka_unit_test_setup(test_affinity_info_follows_cpu_on, setup2),
		cmocka_unit_test_setup(test_affinity_info_invalid, setup3),
		cmocka_unit_test_setup(test_cpu_suspend_standby_returns_success, setup2),
		cmocka_unit_test_setup(test_cpu_suspend_powerdown_wakes_at_entry, setup2),
		cmocka_unit_test_setup(test_cpu_suspend_powerdown_bad_entry, setup2),
		cmocka_unit_test_setup(test_cpu_suspend_invalid_power_state, setup2),
		cmocka_unit_test_setup(test_cpu_suspend_features_say_original_format, setup2),
		cmocka_unit_test_setup(test_cpu_off_parks, setup2),
		cmocka_unit_test_setup(test_system_off_stops_partition, setup2),
		cmocka_unit_test_setup(test_system_reset_restarts_partition, setup3),
		cmocka_unit_test_setup(test_psci_calls_counted, setup2),
		cmocka_unit_test_setup_teardown(test_wa_in_order_cores_unaffected, setup2, teardown_wa),
		cmocka_unit_test_setup_teardown(test_wa_a72_without_firmware_vulnerable, setup2, teardown_wa),
		cmocka_unit_test_setup_teardown(test_wa_firmware_implements_forwarded, setup2, teardown_wa),
		cmocka_unit_test_setup_teardown(test_wa_firmware_not_required, setup2, teardown_wa),
		cmocka_unit_test_setup_teardown(test_wa_csv2, setup2, teardown_wa),
		cmocka_unit_test_setup_teardown(test_wa_bhb_loop_k_per_core, setup2, teardown_wa),
		cmocka_unit_test_setup_teardown(test_wa_el2_hardening_choice, setup2, teardown_wa),
		cmocka_unit_test_setup_teardown(test_wa3_done_at_el2_entry, setup2, teardown_wa),
		cmocka_unit_test_setup_teardown(test_wa_answers_per_core, setup2, teardown_wa),
	};
	return cmocka_run_group_tests_name("vpsci", tests, NULL, NULL);
}
