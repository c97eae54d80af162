/*
 * Host tests for board_probe and board_bootarg (core/board_fdt.c). Each test
 * writes its board's device tree in memory with libfdt's sequential-write
 * API, so the DTBs are exactly what the test says and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "board.h"
#include "log.h"
#include "host_fakes.h"

static _Alignas(8) char fdt[32768];

#define FDT_OK(x) assert_int_equal((x), 0)

/* ---- DTB writing helpers -------------------------------------------------- */

static void dt_begin(void)
{
	memset(fdt, 0, sizeof(fdt));
	FDT_OK(fdt_create(fdt, sizeof(fdt)));
	FDT_OK(fdt_finish_reservemap(fdt));
	FDT_OK(fdt_begin_node(fdt, ""));
}

static void dt_finish(void)
{
	FDT_OK(fdt_end_node(fdt));
	FDT_OK(fdt_finish(fdt));
	FDT_OK(fdt_check_header(fdt));
}

static void node(const char *name)
{
	FDT_OK(fdt_begin_node(fdt, name));
}

static void end(void)
{
	FDT_OK(fdt_end_node(fdt));
}

static void prop_u32(const char *name, uint32_t v)
{
	FDT_OK(fdt_property_u32(fdt, name, v));
}

static void prop_str(const char *name, const char *s)
{
	FDT_OK(fdt_property_string(fdt, name, s));
}

/* A property of `n` 32-bit cells, given as host integers. */
static void prop_cells(const char *name, const uint32_t *cells, unsigned int n)
{
	fdt32_t be[16];
	assert_true(n <= 16);
	for (unsigned int i = 0; i < n; i++) {
		be[i] = cpu_to_fdt32(cells[i]);
	}
	FDT_OK(fdt_property(fdt, name, be, (int)(n * 4)));
}

/* `value` as `cells` cells appended at cells[*n]. */
static void push(uint32_t *cells, unsigned int *n, uint64_t value, int ncells)
{
	if (ncells == 2) {
		cells[(*n)++] = (uint32_t)(value >> 32);
	}
	cells[(*n)++] = (uint32_t)value;
}

static void root_cells(uint32_t ac, uint32_t sc)
{
	prop_u32("#address-cells", ac);
	prop_u32("#size-cells", sc);
}

static void cpus_begin(uint32_t ac)
{
	node("cpus");
	prop_u32("#address-cells", ac);
	prop_u32("#size-cells", 0);
}

static void cpu_node(uint64_t mpidr, int ac)
{
	char name[32];
	uint32_t cells[2];
	unsigned int n = 0;

	snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
	node(name);
	prop_str("device_type", "cpu");
	prop_str("compatible", "arm,cortex-a53");
	prop_str("enable-method", "psci");
	push(cells, &n, mpidr, ac);
	prop_cells("reg", cells, n);
	end();
}

static void memory_node(uint64_t base, uint64_t size, int ac, int sc)
{
	char name[40];
	uint32_t cells[4];
	unsigned int n = 0;

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)base);
	node(name);
	prop_str("device_type", "memory");
	push(cells, &n, base, ac);
	push(cells, &n, size, sc);
	prop_cells("reg", cells, n);
	end();
}

static void chosen(const char *bootargs)
{
	node("chosen");
	prop_str("stdout-path", "/pl011@9000000");
	if (bootargs != NULL) {
		prop_str("bootargs", bootargs);
	}
	end();
}

static void gic_node(const char *name, const char *compat, uint64_t gicd, int ac)
{
	uint32_t cells[8];
	unsigned int n = 0;

	node(name);
	prop_str("compatible", compat);
	prop_u32("#interrupt-cells", 3);
	FDT_OK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	push(cells, &n, gicd, ac);
	push(cells, &n, 0x10000, ac);
	push(cells, &n, gicd + 0xa0000, ac);
	push(cells, &n, 0xf60000, ac);
	prop_cells("reg", cells, n);
	end();
}

/* QEMU virt-like board, /cpus with 2 address cells, GICv3, 1 GiB at 1 GiB. */
static void qemu_virt(unsigned int ncpus, const char *bootargs)
{
	dt_begin();
	prop_str("compatible", "linux,dummy-virt");
	root_cells(2, 2);
	prop_u32("interrupt-parent", 0x8002);
	node("psci");
	prop_str("compatible", "arm,psci-1.0");
	prop_str("method", "smc");
	end();
	memory_node(0x40000000, 0x40000000, 2, 2);
	gic_node("intc@8000000", "arm,gic-v3", 0x08000000, 2);
	cpus_begin(2);
	for (unsigned int i = 0; i < ncpus; i++) {
		cpu_node(i, 2);
	}
	node("cpu-map");
	node("cluster0");
	end();
	end();
	end();
	node("l2-cache");
	prop_str("compatible", "cache");
	prop_str("device_type", "cache");
	end();
	chosen(bootargs);
	dt_finish();
}

static int reset_log(void **state)
{
	(void)state;
	host_fakes_reset();
	return 0;
}

static void assert_probe_fails(const char *message)
{
	struct board_info b;
	assert_int_equal(board_probe(fdt, &b), -1);
	assert_int_equal(host_msg_calls, 1);
	assert_int_equal(host_msg_level, LOG_LEVEL_ERROR);
	assert_string_equal(host_msg_last, message);
}

/* ---- board_probe ---------------------------------------------------------- */

static void test_probe_qemu_virt(void **state)
{
	struct board_info b;
	(void)state;
	qemu_virt(4, "console=ttyAMA0 earlycon");
	assert_int_equal(board_probe(fdt, &b), 0);
	assert_int_equal(host_msg_calls, 0);

	assert_int_equal(b.ncpus, 4);
	assert_int_equal(b.ncpus_described, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(b.mpidr[i], i);
	}
	assert_int_equal(b.nram, 1);
	assert_int_equal(b.ram[0].base, 0x40000000);
	assert_int_equal(b.ram[0].size, 0x40000000);
	assert_string_equal(b.bootargs, "console=ttyAMA0 earlycon");
}

static void test_probe_clears_output(void **state)
{
	struct board_info b;
	(void)state;
	memset(&b, 0xff, sizeof(b));
	qemu_virt(1, NULL);
	assert_int_equal(board_probe(fdt, &b), 0);
	assert_int_equal(b.ncpus, 1);
	assert_int_equal(b.mpidr[0], 0);
	assert_int_equal(b.mpidr[1], 0);
	assert_int_equal(b.nram, 1);
	assert_int_equal(b.ram[1].base, 0);
	assert_int_equal(b.ram[1].size, 0);
	assert_string_equal(b.bootargs, "");
}

static void test_cpus_address_cells_1(void **state)
{
	static const uint64_t mpidrs[] = { 0x0, 0x1, 0x100, 0x101 };
	struct board_info b;
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	for (unsigned int i = 0; i < 4; i++) {
		cpu_node(mpidrs[i], 1);
	}
	end();
	memory_node(0x80000000, 0x80000000, 2, 2);
	dt_finish();

	assert_int_equal(board_probe(fdt, &b), 0);
	assert_int_equal(b.ncpus, 4);
	assert_int_equal(b.ncpus_described, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(b.mpidr[i], mpidrs[i]);
	}
	/* No GIC described: nothing found, not an error. */
}

static void test_cpus_address_cells_2(void **state)
{
	/* Aff3 lives in the first cell. */
	static const uint64_t mpidrs[] = { 0x100, 0x100000000ULL, 0xff00ffff00ULL };
	struct board_info b;
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(2);
	for (unsigned int i = 0; i < 3; i++) {
		cpu_node(mpidrs[i], 2);
	}
	end();
	memory_node(0x80000000, 0x80000000, 2, 2);
	dt_finish();

	assert_int_equal(board_probe(fdt, &b), 0);
	assert_int_equal(b.ncpus, 3);
	assert_int_equal(b.mpidr[0], 0x100);
	assert_int_equal(b.mpidr[1], 0x100000000ULL);
	assert_int_equal(b.mpidr[2], 0xff00ffff00ULL);
}

static void test_cpus_address_cells_3_rejected(void **state)
{
	uint32_t reg[3] = { 0, 0, 1 };
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(3);
	node("cpu@1");
	prop_str("device_type", "cpu");
	prop_cells("reg", reg, 3);
	end();
	end();
	memory_node(0x80000000, 0x80000000, 2, 2);
	dt_finish();
	assert_probe_fails("device tree: /cpus has #address-cells 3, expected 1 or 2");
}

static void test_more_cpus_than_max(void **state)
{
	struct board_info b;
	(void)state;
	assert_int_equal(CONFIG_MAX_CORES, 8);
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	for (unsigned int i = 0; i < 10; i++) {
		cpu_node(((i / 4) << 8) | (i % 4), 1);
	}
	end();
	memory_node(0x40000000, 0x40000000, 2, 2);
	dt_finish();

	assert_int_equal(board_probe(fdt, &b), 0);
	assert_int_equal(b.ncpus, 8);
	assert_int_equal(b.ncpus_described, 10);
	assert_int_equal(b.mpidr[0], 0x000);
	assert_int_equal(b.mpidr[3], 0x003);
	assert_int_equal(b.mpidr[4], 0x100);
	assert_int_equal(b.mpidr[7], 0x103);
	/* Whatever follows mpidr[] was not overwritten by cores 8 and 9. */
	assert_int_equal(b.nram, 1);
	assert_int_equal(b.ram[0].base, 0x40000000);
}

static void test_no_cpus_node(void **state)
{
	(void)state;
	dt_begin();
	root_cells(2, 2);
	memory_node(0x40000000, 0x40000000, 2, 2);
	dt_finish();
	assert_probe_fails("device tree: no /cpus node");
}

static void test_cpus_node_without_cpus(void **state)
{
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	node("cpu-map");
	end();
	node("idle-states");
	prop_str("entry-method", "psci");
	end();
	end();
	memory_node(0x40000000, 0x40000000, 2, 2);
	dt_finish();
	assert_probe_fails("device tree: /cpus lists no cpu");
}

static void test_non_cpu_device_type_ignored(void **state)
{
	struct board_info b;
	uint32_t reg = 7;
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	cpu_node(0x0, 1);
	node("cpux@7");
	prop_str("device_type", "cpux");
	prop_cells("reg", &reg, 1);
	end();
	node("cp@8");
	prop_str("device_type", "cp");
	prop_cells("reg", &reg, 1);
	end();
	cpu_node(0x1, 1);
	end();
	memory_node(0x40000000, 0x40000000, 2, 2);
	dt_finish();
	assert_int_equal(board_probe(fdt, &b), 0);
	assert_int_equal(b.ncpus, 2);
	assert_int_equal(b.mpidr[0], 0);
	assert_int_equal(b.mpidr[1], 1);
}

static void test_cpu_without_reg(void **state)
{
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	cpu_node(0x0, 1);
	node("cpu@1");
	prop_str("device_type", "cpu");
	prop_str("enable-method", "psci");
	end();
	end();
	memory_node(0x40000000, 0x40000000, 2, 2);
	dt_finish();
	assert_probe_fails("device tree: cpu@1 has no valid reg");
}

static void test_cpu_malformed_reg(void **state)
{
	uint32_t one = 2;
	(void)state;
	/* Two address cells expected, one given. */
	dt_begin();
	root_cells(2, 2);
	cpus_begin(2);
	cpu_node(0x0, 2);
	cpu_node(0x1, 2);
	node("cpu@2");
	prop_str("device_type", "cpu");
	prop_cells("reg", &one, 1);
	end();
	end();
	memory_node(0x40000000, 0x40000000, 2, 2);
	dt_finish();
	assert_probe_fails("device tree: cpu@2 has no valid reg");

	/* Two bytes where one cell is expected. */
	host_fakes_reset();
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	node("cpu@0");
	prop_str("device_type", "cpu");
	FDT_OK(fdt_property(fdt, "reg", "\0\0", 2));
	end();
	end();
	memory_node(0x40000000, 0x40000000, 2, 2);
	dt_finish();
	assert_probe_fails("device tree: cpu@0 has no valid reg");
}

static void test_no_memory(void **state)
{
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	cpu_node(0, 1);
	end();
	chosen("console=ttyAMA0");
	dt_finish();
	assert_probe_fails("device tree: no memory node");
}

static void test_memory_nodes_without_usable_reg(void **state)
{
	uint32_t short_reg[2] = { 0x0, 0x40000000 };
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	cpu_node(0, 1);
	end();
	/* Size zero. */
	memory_node(0x40000000, 0, 2, 2);
	/* Shorter than one (address, size) entry. */
	node("memory@80000000");
	prop_str("device_type", "memory");
	prop_cells("reg", short_reg, 2);
	end();
	/* No reg at all. */
	node("memory@c0000000");
	prop_str("device_type", "memory");
	end();
	/* A reg but not memory. */
	node("sram@10000000");
	prop_str("device_type", "sram");
	prop_cells("reg", (const uint32_t[]){ 0, 0x10000000, 0, 0x1000 }, 4);
	end();
	dt_finish();
	assert_probe_fails("device tree: no memory node");
}

static void test_memory_regions(void **state)
{
	struct board_info b;
	/* One node, three entries (the middle one empty), then two more nodes. */
	uint32_t reg[12] = {
		0x0, 0x40000000, 0x0, 0x20000000,
		0x0, 0x60000000, 0x0, 0x00000000,
		0x8, 0x80000000, 0x1, 0x00000000,
	};
	(void)state;
	dt_begin();
	root_cells(2, 2);
	cpus_begin(1);
	cpu_node(0, 1);
	end();
	node("memory@40000000");
	prop_str("device_type", "memory");
	prop_cells("reg", reg, 12);
	end();
	memory_node(0x100000000ULL, 0x10000000, 2, 2);
	memory_node(0x200000000ULL, 0x10000000, 2, 2);
	memory_node(0x300000000ULL, 0x10000000, 2, 2);  /* fifth: over the limit */
	dt_finish();

	assert_int_equal(board_probe(fdt, &b), 0);
	assert_int_equal(b.nram, BOARD_MAX_RAM_REGIONS);
	assert_int_equal(b.ram[0].base, 0x40000000);
	assert_int_equal(b.ram[0].size, 0x20000000);
	assert_int_equal(b.ram[1].base, 0x880000000ULL);
	assert_int_equal(b.ram[1].size, 0x100000000ULL);
	assert_int_equal(b.ram[2].base, 0x100000000ULL);
	assert_int_equal(b.ram[2].size, 0x10000000);
	assert_int_equal(b.ram[3].base, 0x200000000ULL);
	assert_int_equal(b.ram[3].size, 0x10000000);
}

static void test_memory_root_cells_1(void **state)
{
	struct board_info b;
	(void)state;
	dt_begin();
	root_cells(1, 1);
	cpus_begin(1);
	cpu_node(0, 1);
	end();
	memory_node(0x80000000, 0x20000000, 1, 1);
	gic_node("interrupt-controller@2c001000", "arm,cortex-a15-gic", 0x2c001000, 1);
	dt_finish();

	assert_int_equal(board_probe(fdt, &b), 0);
	assert_int_equal(b.nram, 1);
	assert_int_equal(b.ram[0].base, 0x80000000);
	assert_int_equal(b.ram[0].size, 0x20000000);
}

static void test_root_cells_unsupported(void **state)
{
	(void)state;
	dt_begin();
	root_cells(3, 2);
	cpus_begin(1);
	cpu_node(0, 1);
	end();
	dt_finish();
	assert_probe_fails("device tree: root #address-cells/#size-cells 3/2 unsupported");
}

static void test_bad_header(void **state)
{
	(void)state;
	memset(fdt, 0, sizeof(fdt));
	assert_probe_fails("device tree: bad header");
}

/* ---- bootargs ------------------------------------------------------------- */

static struct board_info board;

static void probe_with_bootargs(const char *bootargs)
{
	qemu_virt(4, bootargs);
	assert_int_equal(board_probe(fdt, &board), 0);
	if (bootargs != NULL) {
		assert_string_equal(board.bootargs, bootargs);
	}
}

#define STD_ARGS "console=ttyAMA0,115200 earlycon rootwait quiet bh.log=debug root=/dev/vda rw"

static void test_bootarg_key_value(void **state)
{
	char out[32];
	(void)state;
	probe_with_bootargs(STD_ARGS);
	assert_int_equal(board_bootarg(&board, "console", out, sizeof(out)), 1);
	assert_string_equal(out, "ttyAMA0,115200");
	assert_int_equal(board_bootarg(&board, "bh.log", out, sizeof(out)), 1);
	assert_string_equal(out, "debug");
	/* "root" must skip "rootwait" and find "root=". */
	assert_int_equal(board_bootarg(&board, "root", out, sizeof(out)), 1);
	assert_string_equal(out, "/dev/vda");
}

static void test_bootarg_bare_key(void **state)
{
	char out[8];
	(void)state;
	probe_with_bootargs(STD_ARGS);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(board_bootarg(&board, "quiet", out, sizeof(out)), 1);
	assert_string_equal(out, "");
	memset(out, 'Z', sizeof(out));
	assert_int_equal(board_bootarg(&board, "earlycon", out, sizeof(out)), 1);
	assert_string_equal(out, "");
}

static void test_bootarg_prefix_does_not_match(void **state)
{
	char out[16] = "untouched";
	(void)state;
	probe_with_bootargs(STD_ARGS);
	assert_int_equal(board_bootarg(&board, "con", out, sizeof(out)), 0);
	assert_int_equal(board_bootarg(&board, "console=tty", out, sizeof(out)), 0);
	assert_int_equal(board_bootarg(&board, "qui", out, sizeof(out)), 0);
	assert_int_equal(board_bootarg(&board, "quieter", out, sizeof(out)), 0);
	assert_int_equal(board_bootarg(&board, "bh", out, sizeof(out)), 0);
	assert_int_equal(board_bootarg(&board, "early", out, sizeof(out)), 0);
	assert_int_equal(board_bootarg(&board, "r", out, sizeof(out)), 0);
	/* A key that only occurs inside a value is not a key. */
	assert_int_equal(board_bootarg(&board, "dev", out, sizeof(out)), 0);
	assert_int_equal(board_bootarg(&board, "ttyAMA0", out, sizeof(out)), 0);
	assert_string_equal(out, "untouched");

	/* The prefix token comes first, the exact key later. */
	probe_with_bootargs("bh.logging=on bh.log=warn");
	assert_int_equal(board_bootarg(&board, "bh.log", out, sizeof(out)), 1);
	assert_string_equal(out, "warn");
}

static void test_bootarg_last_token(void **state)
{
	char out[16];
	(void)state;
	probe_with_bootargs(STD_ARGS);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(board_bootarg(&board, "rw", out, sizeof(out)), 1);
	assert_string_equal(out, "");

	probe_with_bootargs("quiet partition=rtos");
	assert_int_equal(board_bootarg(&board, "partition", out, sizeof(out)), 1);
	assert_string_equal(out, "rtos");

	/* Only token, trailing space. */
	probe_with_bootargs("bh.trace=2 ");
	assert_int_equal(board_bootarg(&board, "bh.trace", out, sizeof(out)), 1);
	assert_string_equal(out, "2");
}

static void test_bootarg_missing_key(void **state)
{
	char out[16] = "untouched";
	(void)state;
	probe_with_bootargs(STD_ARGS);
	assert_int_equal(board_bootarg(&board, "initrd", out, sizeof(out)), 0);
	assert_int_equal(board_bootarg(&board, "bh.loglevel", out, sizeof(out)), 0);
	assert_string_equal(out, "untouched");

	/* No bootargs at all. */
	probe_with_bootargs(NULL);
	assert_string_equal(board.bootargs, "");
	assert_int_equal(board_bootarg(&board, "console", out, sizeof(out)), 0);
	probe_with_bootargs("");
	assert_int_equal(board_bootarg(&board, "console", out, sizeof(out)), 0);
	assert_string_equal(out, "untouched");
}

static void test_bootarg_spacing_and_equals(void **state)
{
	char out[16];
	(void)state;
	probe_with_bootargs("   a=1    b=x=y  c= d ");
	assert_int_equal(board_bootarg(&board, "a", out, sizeof(out)), 1);
	assert_string_equal(out, "1");
	/* Only the first '=' separates. */
	assert_int_equal(board_bootarg(&board, "b", out, sizeof(out)), 1);
	assert_string_equal(out, "x=y");
	/* Empty value. */
	memset(out, 'Z', sizeof(out));
	assert_int_equal(board_bootarg(&board, "c", out, sizeof(out)), 1);
	assert_string_equal(out, "");
	assert_int_equal(board_bootarg(&board, "d", out, sizeof(out)), 1);
	assert_string_equal(out, "");
	/* First occurrence wins. */
	probe_with_bootargs("mode=a mode=b");
	assert_int_equal(board_bootarg(&board, "mode", out, sizeof(out)), 1);
	assert_string_equal(out, "a");
}

static void test_bootarg_value_truncated(void **state)
{
	char out[16];
	(void)state;
	probe_with_bootargs(STD_ARGS);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(board_bootarg(&board, "console", out, 8), 1);
	assert_string_equal(out, "ttyAMA0");
	assert_int_equal(out[8], 'Z');

	/* Exactly fitting value. */
	memset(out, 'Z', sizeof(out));
	assert_int_equal(board_bootarg(&board, "bh.log", out, 6), 1);
	assert_string_equal(out, "debug");
	memset(out, 'Z', sizeof(out));
	assert_int_equal(board_bootarg(&board, "bh.log", out, 5), 1);
	assert_string_equal(out, "debu");
	assert_int_equal(out[5], 'Z');

	/* Room for the terminator only. */
	memset(out, 'Z', sizeof(out));
	assert_int_equal(board_bootarg(&board, "console", out, 1), 1);
	assert_int_equal(out[0], '\0');
	assert_int_equal(out[1], 'Z');
}

/* outlen 0 means the caller gave no room at all: nothing may be written. */
static void test_bootarg_zero_length_out(void **state)
{
	char out[4] = { 'Z', 'Z', 'Z', 'Z' };
	(void)state;
	probe_with_bootargs(STD_ARGS);
	assert_int_equal(board_bootarg(&board, "console", out, 0), 1);
	assert_int_equal(out[0], 'Z');
}

static void test_bootargs_too_long_truncated(void **state)
{
	char args[400];
	char out[16];
	(void)state;
	/* 300 characters; a key near the end falls off. */
	memset(args, 'x', sizeof(args));
	memcpy(args, "first=1 ", 8);
	memcpy(args + 290, " last=end", 9);
	args[299] = '\0';
	qemu_virt(1, args);
	assert_int_equal(board_probe(fdt, &board), 0);
	assert_int_equal(strlen(board.bootargs), BOARD_BOOTARGS_LEN - 1);
	assert_memory_equal(board.bootargs, args, BOARD_BOOTARGS_LEN - 1);
	assert_int_equal(board_bootarg(&board, "first", out, sizeof(out)), 1);
	assert_string_equal(out, "1");
	assert_int_equal(board_bootarg(&board, "last", out, sizeof(out)), 0);
}

#define T(fn) cmocka_unit_test_setup(fn, reset_log)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_probe_qemu_virt),
		T(test_probe_clears_output),
		T(test_cpus_address_cells_1),
		T(test_cpus_address_cells_2),
		T(test_cpus_address_cells_3_rejected),
		T(test_more_cpus_than_max),
		T(test_no_cpus_node),
		T(test_cpus_node_without_cpus),
		T(test_non_cpu_device_type_ignored),
		T(test_cpu_without_reg),
		T(test_cpu_malformed_reg),
		T(test_no_memory),
		T(test_memory_nodes_without_usable_reg),
		T(test_memory_regions),
		T(test_memory_root_cells_1),
		T(test_root_cells_unsupported),
		T(test_bad_header),
		T(test_bootarg_key_value),
		T(test_bootarg_bare_key),
		T(test_bootarg_prefix_does_not_match),
		T(test_bootarg_last_token),
		T(test_bootarg_missing_key),
		T(test_bootarg_spacing_and_equals),
		T(test_bootarg_value_truncated),
		T(test_bootarg_zero_length_out),
		T(test_bootargs_too_long_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
