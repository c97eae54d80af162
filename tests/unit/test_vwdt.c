/*
 * Host tests for the emulated SP805 watchdog (core/vwdt.c): every register
 * (reset value, read back, read-only and write-only ones, the PrimeCell
 * IDs), the access sizes it takes, the lock, and the counter worked out
 * from the system counter: expiries, the interrupt status, the reset on
 * the second expiry, and the deadline the EL2 timer is armed for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vwdt.h"

#define BASE            0x09040000ull
#define T0              5000000000ull
/* A counter as fast as the watchdog's clock: one clock per tick. */
#define SAME_HZ         BH_WDT_CLOCK_HZ
/* QEMU virt's: 62.5 ticks per clock. */
#define QEMU_HZ         62500000ull

#define LOAD            0x000u
#define VALUE           0x004u
#define CONTROL         0x008u
#define INTCLR          0x00cu
#define RIS             0x010u
#define MIS             0x014u
#define LOCK            0xc00u
#define ITCR            0xf00u
#define ITOP            0xf04u
#define PERIPHID0       0xfe0u
#define INTEN           1u
#define RESEN           2u
#define KEY             0x1acce551u

static struct vwdt w;
static uint64_t freq;

static int setup(void **state)
{
	(void)state;
	vwdt_init(&w, BASE);
	freq = SAME_HZ;
	return 0;
}

/* An aligned 32-bit access; fails the test if refused. Returns what a read
 * gives, and whether the reset fired in *reset (may be NULL). */
static uint32_t rd(uint64_t now, uint32_t off)
{
	uint64_t v = 0xdeadbeefdeadbeefull;
	int reset = -1;
	assert_int_equal(vwdt_access(&w, off, 0, 4, &v, now, freq, &reset), 1);
	assert_int_equal(reset, 0);
	assert_true(v <= UINT32_MAX);
	return (uint32_t)v;
}

static int wr_r(uint64_t now, uint32_t off, uint32_t val)
{
	uint64_t v = val;
	int reset = -1;
	assert_int_equal(vwdt_access(&w, off, 1, 4, &v, now, freq, &reset), 1);
	return reset;
}

static void wr(uint64_t now, uint32_t off, uint32_t val)
{
	assert_int_equal(wr_r(now, off, val), 0);
}

static void test_reset_values(void **state)
{
	(void)state;
	assert_int_equal(rd(T0, LOAD), 0xffffffffu);
	assert_int_equal(rd(T0, VALUE), 0xffffffffu);
	assert_int_equal(rd(T0, CONTROL), 0);
	assert_int_equal(rd(T0, RIS), 0);
	assert_int_equal(rd(T0, MIS), 0);
	assert_int_equal(rd(T0, LOCK), 0);
	assert_int_equal(rd(T0, ITCR), 0);
	/* Write-only registers read as zero. */
	assert_int_equal(rd(T0, INTCLR), 0);
	assert_int_equal(rd(T0, ITOP), 0);
	/* Not counting: time changes nothing. */
	assert_int_equal(rd(T0 + 1000000u, VALUE), 0xffffffffu);
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, freq, &when), 0);
}

static void test_primecell_ids(void **state)
{
	(void)state;
	/* PeriphID0-3: part 0x805, designer 0x41; PCellID0-3: 0xb105f00d. */
	static const uint32_t want[8] = { 0x05, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	for (unsigned int i = 0; i < 8u; i++) {
		assert_int_equal(rd(T0, PERIPHID0 + 4u * i), want[i]);
		/* Read-only. */
		wr(T0, PERIPHID0 + 4u * i, 0xffffffffu);
		assert_int_equal(rd(T0, PERIPHID0 + 4u * i), want[i]);
	}
}

static void test_registers_read_back_and_read_only_ones_ignore_writes(void **state)
{
	(void)state;
	wr(T0, LOAD, 0x12345678u);
	assert_int_equal(rd(T0, LOAD), 0x12345678u);
	assert_int_equal(rd(T0, VALUE), 0x12345678u);
	wr(T0, CONTROL, 0xffffffffu);
	assert_int_equal(rd(T0, CONTROL), INTEN | RESEN);
	wr(T0, CONTROL, 0);
	wr(T0, ITCR, 0xffffffffu);
	assert_int_equal(rd(T0, ITCR), 1);
	wr(T0, ITOP, 0xffffffffu);
	assert_int_equal(w.itop, 3);
	assert_int_equal(rd(T0, ITOP), 0);
	/* Value, RIS and MIS are read-only. */
	wr(T0, VALUE, 7);
	wr(T0, RIS, 1);
	wr(T0, MIS, 1);
	assert_int_equal(rd(T0, VALUE), 0x12345678u);
	assert_int_equal(rd(T0, RIS), 0);
	assert_int_equal(rd(T0, MIS), 0);
}

static void test_unassigned_offsets_read_zero_and_ignore_writes(void **state)
{
	(void)state;
	for (uint32_t off = 0; off < VWDT_FRAME_SIZE; off += 4u) {
		int assigned = off <= MIS || off == LOCK || off == ITCR || off == ITOP ||
			       off >= PERIPHID0;
		if (assigned) {
			continue;
		}
		struct vwdt before = w;
		assert_int_equal(rd(T0, off), 0);
		wr(T0, off, 0xffffffffu);
		assert_memory_equal(&before, &w, sizeof(w));
	}
}

static void test_only_aligned_32_bit_accesses_are_taken(void **state)
{
	(void)state;
	static const unsigned int sizes[] = { 1, 2, 3, 8, 0, 16 };
	for (uint32_t off = 0; off < VWDT_FRAME_SIZE + 8u; off++) {
		for (unsigned int k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			for (int write = 0; write < 2; write++) {
				struct vwdt before = w;
				uint64_t v = 0x5555;
				int reset = -1;
				assert_int_equal(vwdt_access(&w, off, write, sizes[k], &v, T0, freq,
							     &reset), 0);
				assert_int_equal(v, 0x5555);
				assert_int_equal(reset, 0);
				assert_memory_equal(&before, &w, sizeof(w));
			}
		}
		if ((off & 3u) != 0 || off >= VWDT_FRAME_SIZE) {
			struct vwdt before = w;
			uint64_t v = 0x5555;
			int reset = -1;
			assert_int_equal(vwdt_access(&w, off, 1, 4, &v, T0, freq, &reset), 0);
			assert_memory_equal(&before, &w, sizeof(w));
		}
	}
}

static void test_lock(void **state)
{
	(void)state;
	wr(T0, LOCK, 0);
	assert_int_equal(rd(T0, LOCK), 1);
	/* Locked: every other register ignores writes... */
	struct vwdt before = w;
	wr(T0, LOAD, 5);
	wr(T0, CONTROL, INTEN | RESEN);
	wr(T0, INTCLR, 1);
	wr(T0, ITCR, 1);
	wr(T0, ITOP, 3);
	assert_memory_equal(&before, &w, sizeof(w));
	/* ...reads still work... */
	assert_int_equal(rd(T0, LOAD), 0xffffffffu);
	/* ...and only the key opens it; any other value closes it. */
	wr(T0, LOCK, KEY + 1u);
	assert_int_equal(rd(T0, LOCK), 1);
	wr(T0, LOCK, KEY);
	assert_int_equal(rd(T0, LOCK), 0);
	wr(T0, LOAD, 5);
	assert_int_equal(rd(T0, LOAD), 5);
	wr(T0, LOCK, 1);
	assert_int_equal(rd(T0, LOCK), 1);
}

static void test_counts_down_and_expires_with_the_interrupt(void **state)
{
	(void)state;
	wr(T0, LOAD, 999);
	wr(T0, CONTROL, INTEN);
	assert_int_equal(rd(T0, VALUE), 999);
	assert_int_equal(rd(T0 + 1u, VALUE), 998);
	assert_int_equal(rd(T0 + 999u, VALUE), 0);
	/* It reached zero: the interrupt is raised... */
	assert_int_equal(rd(T0 + 999u, RIS), 1);
	assert_int_equal(rd(T0 + 999u, MIS), 1);
	/* ...and the counter reloads and goes on. */
	assert_int_equal(rd(T0 + 1000u, VALUE), 999);
	assert_int_equal(rd(T0 + 1500u, VALUE), 499);
	/* Without RESEN nothing resets, however many expiries. */
	assert_int_equal(rd(T0 + 1000000u, RIS), 1);
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, freq, &when), 0);
	/* INTCLR clears the interrupt and reloads. */
	wr(T0 + 1000050u, INTCLR, 0);
	assert_int_equal(rd(T0 + 1000050u, RIS), 0);
	assert_int_equal(rd(T0 + 1000050u, VALUE), 999);
}

static void test_the_second_expiry_resets_with_resen(void **state)
{
	(void)state;
	wr(T0, LOAD, 999);
	wr(T0, CONTROL, INTEN | RESEN);
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, freq, &when), 1);
	/* First expiry after 1000 clocks (999 to zero), the second 1000 more. */
	assert_int_equal(when, T0 + 1999u);
	assert_int_equal(vwdt_settle(&w, T0 + 999u, freq), 0);
	assert_int_equal(w.ris, 1);
	assert_int_equal(vwdt_deadline(&w, freq, &when), 1);
	assert_int_equal(when, T0 + 1999u);
	assert_int_equal(vwdt_settle(&w, T0 + 1998u, freq), 0);
	assert_int_equal(vwdt_settle(&w, T0 + 1999u, freq), 1);
	/* Said once: the same expiry does not fire again. */
	assert_int_equal(vwdt_settle(&w, T0 + 1999u, freq), 0);
	/* Nobody answers it: every further expiry resets again. */
	assert_int_equal(vwdt_deadline(&w, freq, &when), 1);
	assert_int_equal(when, T0 + 2999u);
	assert_int_equal(vwdt_settle(&w, T0 + 2999u, freq), 1);
}

static void test_a_late_look_sees_the_reset_that_happened(void **state)
{
	(void)state;
	wr(T0, LOAD, 99);
	wr(T0, CONTROL, INTEN | RESEN);
	/* Nobody looked until long after both expiries: the access that
	 * looks finds the reset fired before it acted. */
	assert_int_equal(wr_r(T0 + 5000u, INTCLR, 1), 1);
	assert_int_equal(rd(T0 + 5000u, RIS), 0);
}

static void test_pings_keep_it_from_resetting(void **state)
{
	(void)state;
	/* Linux's sp805_wdt: unlock, load, clear (reloads), enable, lock. */
	uint32_t load = 499;
	wr(T0, LOCK, KEY);
	wr(T0, LOAD, load);
	wr(T0, INTCLR, 1);
	wr(T0, CONTROL, INTEN | RESEN);
	wr(T0, LOCK, 1);
	/* Pinged every 900 clocks (past the first expiry, before the
	 * second): never a reset, though the interrupt comes each time. */
	uint64_t now = T0;
	for (unsigned int i = 0; i < 100u; i++) {
		now += 900u;
		wr(now, LOCK, KEY);
		assert_int_equal(wr_r(now, LOAD, load), 0);
		assert_int_equal(w.ris, 1);
		wr(now, INTCLR, 1);
		wr(now, LOCK, 1);
	}
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, freq, &when), 1);
	assert_int_equal(when, now + 2u * (load + 1u) - 1u);
	/* The pings stop: the reset comes at the deadline, not before. */
	assert_int_equal(vwdt_settle(&w, when - 1u, freq), 0);
	assert_int_equal(vwdt_settle(&w, when, freq), 1);
}

static void test_disabled_it_keeps_its_value_enabled_it_reloads(void **state)
{
	(void)state;
	wr(T0, LOAD, 999);
	wr(T0, CONTROL, INTEN | RESEN);
	wr(T0 + 300u, CONTROL, RESEN);
	assert_int_equal(rd(T0 + 300u, VALUE), 699);
	assert_int_equal(rd(T0 + 100000u, VALUE), 699);
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, freq, &when), 0);
	assert_int_equal(vwdt_settle(&w, T0 + 100000u, freq), 0);
	/* A load while stopped shows at once. */
	wr(T0 + 100000u, LOAD, 50);
	assert_int_equal(rd(T0 + 100000u, VALUE), 50);
	wr(T0 + 200000u, CONTROL, INTEN | RESEN);
	assert_int_equal(rd(T0 + 200000u, VALUE), 50);
	assert_int_equal(vwdt_deadline(&w, freq, &when), 1);
	assert_int_equal(when, T0 + 200000u + 101u);
}

static void test_a_load_while_counting_restarts_the_count(void **state)
{
	(void)state;
	wr(T0, LOAD, 999);
	wr(T0, CONTROL, INTEN | RESEN);
	wr(T0 + 1500u, LOAD, 10);
	assert_int_equal(rd(T0 + 1500u, VALUE), 10);
	/* The interrupt raised before the load stays: the next expiry resets. */
	assert_int_equal(w.ris, 1);
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, freq, &when), 1);
	assert_int_equal(when, T0 + 1510u);
	assert_int_equal(vwdt_settle(&w, T0 + 1510u, freq), 1);
}

static void test_clock_conversion_at_qemus_counter_rate(void **state)
{
	(void)state;
	freq = QEMU_HZ;
	/* One second of watchdog clock to the reset: load 499999, twice. */
	wr(T0, LOAD, 499999);
	wr(T0, CONTROL, INTEN | RESEN);
	assert_int_equal(rd(T0 + QEMU_HZ / 4u, VALUE), 249999);
	/* Zero after 499999 clocks (the first tick of that clock, rounded
	 * up), reloaded with the interrupt raised after 500000. */
	assert_int_equal(rd(T0 + (499999u * 625u + 9u) / 10u, VALUE), 0);
	assert_int_equal(rd(T0 + QEMU_HZ / 2u, VALUE), 499999);
	assert_int_equal(rd(T0 + QEMU_HZ / 2u, RIS), 1);
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, freq, &when), 1);
	/* 999999 clocks of 62.5 ticks each, rounded up. */
	assert_int_equal(when, T0 + (999999u * 625u + 9u) / 10u);
	assert_int_equal(vwdt_settle(&w, when - 1u, freq), 0);
	assert_int_equal(vwdt_settle(&w, when, freq), 1);
}

static void test_corner_cases_stay_total(void **state)
{
	(void)state;
	/* Load 0: expires every clock. */
	wr(T0, LOAD, 0);
	wr(T0, CONTROL, INTEN | RESEN);
	assert_int_equal(rd(T0, VALUE), 0);
	assert_int_equal(vwdt_settle(&w, T0 + 1u, freq), 1);
	/* A counter read older than the load is no time, not 2^64. */
	vwdt_init(&w, BASE);
	wr(T0, LOAD, 999);
	wr(T0, CONTROL, INTEN | RESEN);
	assert_int_equal(rd(T0 - 5u, VALUE), 999);
	assert_int_equal(vwdt_settle(&w, T0 - 1000000u, freq), 0);
	/* The longest load and the far future: no wrap, a deadline ahead. */
	wr(T0, LOAD, 0xffffffffu);
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, freq, &when), 1);
	assert_int_equal(when, T0 + 2u * 0x100000000ull - 1u);
	/* (2^63 ticks or more ahead reads as behind: another core's older
	 * value, which is no time.) */
	assert_int_equal(vwdt_settle(&w, UINT64_MAX, freq), 0);
	assert_int_equal(vwdt_settle(&w, T0 + (UINT64_MAX >> 2), freq), 1);
	/* No counter frequency: no time passes, no deadline. */
	vwdt_init(&w, BASE);
	freq = 0;
	wr(T0, LOAD, 9);
	wr(T0, CONTROL, INTEN | RESEN);
	assert_int_equal(rd(T0 + 1000u, VALUE), 9);
	assert_int_equal(vwdt_deadline(&w, freq, &when), 0);
	/* A counter slower than the watchdog's clock. */
	vwdt_init(&w, BASE);
	freq = 1000;
	wr(T0, LOAD, 999);
	wr(T0, CONTROL, INTEN | RESEN);
	/* One tick is a thousand clocks: one expiry, reloaded. */
	assert_int_equal(rd(T0 + 1u, VALUE), 999);
	assert_int_equal(rd(T0 + 1u, RIS), 1);
	assert_int_equal(vwdt_settle(&w, T0 + (UINT64_MAX >> 2), freq), 1);
}

static void test_covers_only_its_page(void **state)
{
	(void)state;
	assert_int_equal(vwdt_covers(&w, BASE), 1);
	assert_int_equal(vwdt_covers(&w, BASE + VWDT_FRAME_SIZE - 1u), 1);
	assert_int_equal(vwdt_covers(&w, BASE + VWDT_FRAME_SIZE), 0);
	assert_int_equal(vwdt_covers(&w, BASE - 1u), 0);
	vwdt_init(&w, 0);
	assert_int_equal(vwdt_covers(&w, 0), 0);
	assert_int_equal(vwdt_covers(&w, 0x10u), 0);
	/* No watchdog: nothing ever fires. */
	w.control = INTEN | RESEN;
	assert_int_equal(vwdt_settle(&w, UINT64_MAX, SAME_HZ), 0);
	uint64_t when = 0;
	assert_int_equal(vwdt_deadline(&w, SAME_HZ, &when), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_primecell_ids, setup),
		cmocka_unit_test_setup(test_registers_read_back_and_read_only_ones_ignore_writes, setup),
		cmocka_unit_test_setup(test_unassigned_offsets_read_zero_and_ignore_writes, setup),
		cmocka_unit_test_setup(test_only_aligned_32_bit_accesses_are_taken, setup),
		cmocka_unit_test_setup(test_lock, setup),
		cmocka_unit_test_setup(test_counts_down_and_expires_with_the_interrupt, setup),
		cmocka_unit_test_setup(test_the_second_expiry_resets_with_resen, setup),
		cmocka_unit_test_setup(test_a_late_look_sees_the_reset_that_happened, setup),
		cmocka_unit_test_setup(test_pings_keep_it_from_resetting, setup),
		cmocka_unit_test_setup(test_disabled_it_keeps_its_value_enabled_it_reloads, setup),
		cmocka_unit_test_setup(test_a_load_while_counting_restarts_the_count, setup),
		cmocka_unit_test_setup(test_clock_conversion_at_qemus_counter_rate, setup),
		cmocka_unit_test_setup(test_corner_cases_stay_total, setup),
		cmocka_unit_test_setup(test_covers_only_its_page, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
