/*
 * Host tests for the partition lifecycle (core/partition.c): checking the
 * configuration tables against the board as it booted and binding the cores,
 * building each stage 2 at the partition's first start, loading and
 * starting, the fault policies, stop and restart, and the emulated console's
 * MMIO path. The real vuart.c and fmt.c are linked; everything else the code
 * calls is a fake (tests/unit/host_partition_fakes.c), with core_park
 * jumping back into the test.
 *
 * Two partitions, as bh_system (fixed at 2 entries) lists them:
 *   0 "linux": cores 2,3,4; RAM 1 MiB at IPA 0x40000000 and 64 KiB right
 *              after it in IPA space but elsewhere in PA; a device page;
 *              console at 0x09040000; kernel in the first RAM region, DTB in
 *              the second; on-fault log.
 *   1 "rtos":  core 5; RAM 256 KiB at IPA 0x80000000; no console; on-fault
 *              halt.
 * RAM regions are real host buffers (PA = their address), so loading can be
 * checked byte by byte; IPAs differ from PAs so translation is exercised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "board.h"
#include "config_tables.h"
#include "log.h"
#include "partition.h"
#include "vcpu.h"
#include "vwdt.h"
#include "host_fakes.h"
#include "host_partition_fakes.h"

#define RAM0_IPA        0x40000000ULL
#define RAM0_SIZE       0x00100000ULL
#define RAM0B_IPA       0x40100000ULL
#define RAM0B_SIZE      0x00010000ULL
#define DEV0_IPA        0x09000000ULL
#define CONSOLE0        0x09040000ULL
#define ENTRY0          0x40080000ULL
#define KERNEL0_OFF     0x80000ULL              /* in ram0 */
#define DTB0_OFF        0x100ULL                /* in ram0b */
#define DTB0_IPA        (RAM0B_IPA + DTB0_OFF)
#define DTB0_CELL       40u

#define RAM1_IPA        0x80000000ULL
#define RAM1_SIZE       0x00040000ULL
#define DTB1_OFF        0x3f000ULL
#define DTB1_IPA        (RAM1_IPA + DTB1_OFF)

#define FILL            0xeeu

#define UARTDR          0x000u
#define UARTFR          0x018u

static uint8_t ram0[RAM0_SIZE] __attribute__((aligned(4096)));
static uint8_t ram0b[RAM0B_SIZE] __attribute__((aligned(4096)));
static uint8_t ram1[RAM1_SIZE] __attribute__((aligned(4096)));

static uint8_t kernel0[200];
static uint8_t dtb0[64];
static uint8_t kernel1[64];
static uint8_t dtb1[32];

static struct board_info board;

#define PA(buf) ((uint64_t)(uintptr_t)(buf))

/* ---- fixtures --------------------------------------------------------------- */

/* partition.c's table is static and partitions_init() (run once per boot
 * on the target) does not clear counters, boot counts or epochs: bring it
 * back to its zeroed-BSS state through a build that refuses everything. */
static void zero_partitions(void)
{
	memset(&board, 0, sizeof(board));
	for (unsigned int i = 0; i < HPF_NPART; i++) {
		memset(&hpf_cfgs[i], 0, sizeof(hpf_cfgs[i]));
		hpf_cfgs[i].id = i;
	}
	partitions_init(&board);
	for (unsigned int i = 0; i < HPF_NPART; i++) {
		struct partition *p = partition_get(i);
		assert_non_null(p);
		memset(p, 0, sizeof(*p));
	}
}

static void default_board(void)
{
	memset(&board, 0, sizeof(board));
	board.ncpus = 8;
	board.ncpus_described = 8;
	for (unsigned int i = 0; i < 8u; i++) {
		board.mpidr[i] = bh_system.board_mpidr[i];
	}
	board.nram = 3;
	board.ram[0].base = PA(ram1);
	board.ram[0].size = RAM1_SIZE;
	board.ram[1].base = PA(ram0);
	board.ram[1].size = RAM0_SIZE;
	board.ram[2].base = PA(ram0b);
	board.ram[2].size = RAM0B_SIZE;
}

static void fill_blob(uint8_t *b, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++) {
		b[i] = (uint8_t)(seed + 7u * i);
	}
}

static void default_config(void)
{
	fill_blob(kernel0, sizeof(kernel0), 0x11);
	fill_blob(dtb0, sizeof(dtb0), 0x53);
	memset(dtb0 + DTB0_CELL, 0, 4);       /* bulkhead,boot-count = <0> */
	fill_blob(kernel1, sizeof(kernel1), 0x29);
	fill_blob(dtb1, sizeof(dtb1), 0x71);
	memset(dtb1 + sizeof(dtb1) - 4u, 0, 4);

	struct bh_partition_config *c = &hpf_cfgs[0];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", "linux");
	c->id = 0;
	c->ncpus = 3;
	c->cpus[0] = 2;
	c->cpus[1] = 3;
	c->cpus[2] = 4;
	c->nregions = 3;
	c->regions[0] = (struct bh_region){ .pa = PA(ram0), .ipa = RAM0_IPA, .size = RAM0_SIZE,
					    .kind = BH_REGION_RAM };
	c->regions[1] = (struct bh_region){ .pa = PA(ram0b), .ipa = RAM0B_IPA,
					    .size = RAM0B_SIZE, .kind = BH_REGION_RAM };
	c->regions[2] = (struct bh_region){ .pa = 0x09000000ULL, .ipa = DEV0_IPA, .size = 0x1000,
					    .kind = BH_REGION_DEVICE };
	c->fault_policy = BH_FAULT_LOG;
	c->irq_delivery = BH_IRQ_VIRTUAL;
	c->entry_ipa = ENTRY0;
	c->kernel = (struct bh_blob){ .data = kernel0, .size = sizeof(kernel0),
				      .load_ipa = RAM0_IPA + KERNEL0_OFF };
	c->dtb = (struct bh_blob){ .data = dtb0, .size = sizeof(dtb0), .load_ipa = DTB0_IPA };
	c->dtb_boot_count_offset = DTB0_CELL;
	c->console_ipa = CONSOLE0;

	c = &hpf_cfgs[1];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", "rtos");
	c->id = 1;
	c->ncpus = 1;
	c->cpus[0] = 5;
	c->nregions = 1;
	c->regions[0] = (struct bh_region){ .pa = PA(ram1), .ipa = RAM1_IPA, .size = RAM1_SIZE,
					    .kind = BH_REGION_RAM };
	c->fault_policy = BH_FAULT_HALT;
	c->irq_delivery = BH_IRQ_DIRECT;
	c->entry_ipa = RAM1_IPA;
	c->kernel = (struct bh_blob){ .data = kernel1, .size = sizeof(kernel1),
				      .load_ipa = RAM1_IPA };
	c->dtb = (struct bh_blob){ .data = dtb1, .size = sizeof(dtb1), .load_ipa = DTB1_IPA };
	c->dtb_boot_count_offset = sizeof(dtb1) - 4u;
	c->console_ipa = 0;
}

/* Forgets recorded calls and lines, keeping the vCPU table and settings. */
static void forget(void)
{
	hpf_stage2_count = 0;
	hpf_map_ram_count = 0;
	hpf_sync_count = 0;
	hpf_post_count = 0;
	hpf_stop_count = 0;
	hpf_park_count = 0;
	hpf_log_count = 0;
	memset(hpf_log_text, 0, sizeof(hpf_log_text));
	host_fakes_reset();
}

static int setup(void **state)
{
	(void)state;
	hpf_reset();
	host_fakes_reset();
	zero_partitions();
	hpf_reset();
	host_fakes_reset();
	default_config();
	default_board();
	memset(ram0, FILL, sizeof(ram0));
	memset(ram0b, FILL, sizeof(ram0b));
	memset(ram1, FILL, sizeof(ram1));
	return 0;
}

static int setup_built(void **state)
{
	setup(state);
	partitions_init(&board);
	return 0;
}

static int setup_running(void **state)
{
	setup_built(state);
	partitions_start_all();
	forget();
	return 0;
}

static int setup_running_halt(void **state)
{
	setup(state);
	hpf_cfgs[0].fault_policy = BH_FAULT_HALT;
	partitions_init(&board);
	partitions_start_all();
	forget();
	return 0;
}

static int setup_running_restart(void **state)
{
	setup(state);
	hpf_cfgs[0].fault_policy = BH_FAULT_RESTART;
	partitions_init(&board);
	partitions_start_all();
	forget();
	return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

static struct partition *linux_part(void)
{
	struct partition *p = partition_get(0);
	assert_non_null(p);
	return p;
}

static struct partition *rtos_part(void)
{
	struct partition *p = partition_get(1);
	assert_non_null(p);
	return p;
}

static void assert_all_fill(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i] != FILL) {
			fail_msg("byte %zu is 0x%02x, expected untouched 0x%02x", i, b[i], FILL);
		}
	}
}

/* Zeroed by the load: every byte of a partition's RAM that no blob covers. */
static void assert_all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i] != 0) {
			fail_msg("byte %zu is 0x%02x, expected zeroed", i, b[i]);
		}
	}
}

static void assert_zero_call(unsigned int index, const void *start, uint64_t size)
{
	assert_true(index < hpf_zero_count);
	assert_int_equal(hpf_zero_calls[index].pa, PA(start));
	assert_int_equal(hpf_zero_calls[index].size, size);
}

/* partition_load.c's piece: it zeroes and copies this much at a time, with a
 * yield between pieces, so a partition started a moment ago waits for at
 * most one. */
#define LOAD_CHUNK      0x10000ULL

/* The zeroing of [start, start + size) as calls index, index + 1, ...: in
 * address order, each piece ending at the next LOAD_CHUNK boundary of the
 * physical address (so after a ragged first one they are whole and
 * aligned), the last one what is left. Returns the index after them. */
static unsigned int assert_zeroed_in_pieces(unsigned int index, const void *start,
					    uint64_t size)
{
	const uint8_t *b = start;
	uint64_t done = 0;
	while (done < size) {
		uint64_t to_boundary = LOAD_CHUNK - (PA(b + done) & (LOAD_CHUNK - 1u));
		uint64_t n = size - done < to_boundary ? size - done : to_boundary;
		assert_zero_call(index, b + done, n);
		index++;
		done += n;
	}
	return index;
}

static void assert_log(unsigned int index, int level, const char *line)
{
	assert_true(index < hpf_log_count);
	assert_true(index < HPF_LOG_MAX);
	assert_string_equal(hpf_log_text[index], line);
	assert_int_equal(hpf_log_level[index], level);
}

/* Runs the trap handler; 1 if it parked the core, 0 if it returned. */
static int run_fault(const struct fault_info *fi)
{
	if (setjmp(hpf_park_jmp) != 0) {
		return 1;
	}
	hpf_park_armed = 1;
	vcpu_handle_fault(fi);
	hpf_park_armed = 0;
	return 0;
}

/* partition_stop / partition_restart never return; 1 once they parked. */
static int run_stop(struct partition *p, uint32_t new_state, const char *why)
{
	if (setjmp(hpf_park_jmp) != 0) {
		return 1;
	}
	hpf_park_armed = 1;
	partition_stop(p, new_state, why);
}

static int run_restart(struct partition *p, const char *why)
{
	if (setjmp(hpf_park_jmp) != 0) {
		return 1;
	}
	hpf_park_armed = 1;
	partition_restart(p, why);
}

static struct fault_info dabt(int is_write)
{
	struct fault_info fi = {
		.kind = FAULT_DATA_ABORT, .esr = 0x92000046ULL, .ipa = 0x08000000ULL,
		.va = 0xffff000012345678ULL, .pc = 0xffff800010001234ULL, .is_write = is_write,
	};
	return fi;
}

static struct fault_info other_fault(enum fault_kind kind)
{
	struct fault_info fi = {
		.kind = kind, .esr = 0x02000000ULL, .ipa = 0x0a000000ULL, .va = 0x1000ULL,
		.pc = 0x40080040ULL, .is_write = 0,
	};
	return fi;
}

static void expected_counters(char *buf, size_t n, const char *name, unsigned int da,
			      unsigned int ia, unsigned int und, unsigned int se,
			      unsigned int restarts)
{
	snprintf(buf, n, "partition \"%s\": so far %u data aborts, %u instruction aborts, "
		 "%u undefined, %u SErrors, %u unknown SMC/HVC calls, %u PSCI calls, "
		 "%u emulated MMIO accesses, %u restarts", name, da, ia, und, se, 0u, 0u, 0u,
		 restarts);
}

static void assert_kernel0_loaded(void)
{
	assert_memory_equal(ram0 + KERNEL0_OFF, kernel0, sizeof(kernel0));
	assert_int_equal(ram0[KERNEL0_OFF - 1u], 0);
	assert_int_equal(ram0[KERNEL0_OFF + sizeof(kernel0)], 0);
}

/* The DTB copy equals the blob but for the boot-count cell. */
static void assert_dtb0_loaded(uint32_t boot)
{
	const uint8_t *d = ram0b + DTB0_OFF;
	assert_memory_equal(d, dtb0, DTB0_CELL);
	assert_int_equal(d[DTB0_CELL + 0u], (uint8_t)(boot >> 24));
	assert_int_equal(d[DTB0_CELL + 1u], (uint8_t)(boot >> 16));
	assert_int_equal(d[DTB0_CELL + 2u], (uint8_t)(boot >> 8));
	assert_int_equal(d[DTB0_CELL + 3u], (uint8_t)boot);
	assert_memory_equal(d + DTB0_CELL + 4u, dtb0 + DTB0_CELL + 4u,
			    sizeof(dtb0) - DTB0_CELL - 4u);
	assert_int_equal(d[-1], 0);
	assert_int_equal(d[sizeof(dtb0)], 0);
	/* The pristine blob in the image is never written. */
	assert_int_equal(dtb0[DTB0_CELL], 0);
	assert_int_equal(dtb0[DTB0_CELL + 3u], 0);
}

/* After partitions_start_all with "linux" refused at init: only "rtos"'s
 * stage 2 was built and only its RAM mapped at EL2; "linux" never started. */
static void assert_only_rtos_built(void)
{
	assert_int_equal(hpf_stage2_count, 1);
	assert_int_equal(hpf_stage2_calls[0].id, 1);
	assert_int_equal(hpf_map_ram_count, 1);
	assert_int_equal(hpf_map_ram_calls[0].pa, PA(ram1));
	assert_int_equal(linux_part()->state, PART_NOT_STARTED);
}

/* ---- partitions_init ---------------------------------------------------------- */

static void test_init_builds_and_binds(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	struct partition *q = rtos_part();

	assert_int_equal(partition_count(), 2);
	assert_null(partition_get(2));
	assert_null(partition_get(UINT32_MAX));
	assert_ptr_equal(p->cfg, &hpf_cfgs[0]);
	assert_ptr_equal(q->cfg, &hpf_cfgs[1]);
	assert_int_equal(p->state, PART_STOPPED);
	assert_int_equal(q->state, PART_STOPPED);
	assert_int_equal(p->log_limit.started, 0);
	assert_int_equal(p->wdt.base_ipa, 0);
	assert_int_equal(p->boot_count, 0);
	assert_int_equal(p->epoch, 0);

	/* Every core's MPIDR, from the board as it booted. */
	assert_int_equal(hpf_set_mpidr_calls, 8);
	for (unsigned int i = 0; i < 8u; i++) {
		assert_int_equal(hpf_core_mpidr[i], board.mpidr[i]);
	}

	/* vCPU k of "linux" on core 2+k, virtual MPIDR k. */
	for (unsigned int k = 0; k < 3u; k++) {
		struct vcpu *v = &p->vcpus[k];
		assert_ptr_equal(v->part, p);
		assert_int_equal(v->index, k);
		assert_int_equal(v->core, 2u + k);
		assert_int_equal(v->vmpidr, k);
		assert_int_equal(v->state, VCPU_OFF);
		assert_ptr_equal(hpf_vcpu[2u + k], v);
	}
	assert_ptr_equal(q->vcpus[0].part, q);
	assert_int_equal(q->vcpus[0].index, 0);
	assert_int_equal(q->vcpus[0].core, 5);
	assert_int_equal(q->vcpus[0].vmpidr, 0);
	assert_ptr_equal(hpf_vcpu[5], &q->vcpus[0]);
	assert_null(hpf_vcpu[0]);
	assert_null(hpf_vcpu[1]);
	assert_null(hpf_vcpu[6]);
	assert_null(hpf_vcpu[7]);
	assert_int_equal(hpf_bind_calls, 4);

	/* No stage 2 yet, and no RAM mapped at EL2: each partition's are built
	 * and mapped at its first start, so the first one listed runs before
	 * the next one's tables are made (test_start_all_loads_and_posts). */
	assert_int_equal(hpf_stage2_count, 0);
	assert_int_equal(hpf_map_ram_count, 0);
	assert_int_equal(p->stage2_built, 0);
	assert_int_equal(q->stage2_built, 0);

	/* The console, reset. */
	assert_int_equal(p->vuart.base_ipa, CONSOLE0);
	assert_ptr_equal(p->vuart.name, hpf_cfgs[0].name);
	assert_int_equal(p->vuart.cr, 0x300);
	assert_int_equal(q->vuart.base_ipa, 0);

	/* Nothing said, nothing started, nothing loaded. */
	assert_int_equal(hpf_log_count, 0);
	assert_int_equal(hpf_post_count, 0);
	assert_int_equal(hpf_sync_count, 0);
	assert_int_equal(hpf_zero_count, 0);
	assert_all_fill(ram0, sizeof(ram0));
	assert_all_fill(ram0b, sizeof(ram0b));
	assert_all_fill(ram1, sizeof(ram1));
}

static void test_init_core_offline_not_started(void **state)
{
	(void)state;
	hpf_online[3] = 0;
	partitions_init(&board);

	struct partition *p = linux_part();
	assert_int_equal(p->state, PART_NOT_STARTED);
	assert_int_equal(hpf_log_count, 1);
	assert_int_equal(hpf_log_level[0], LOG_LEVEL_ERROR);
	const char *prefix = "partition \"linux\": needs core 3, which is not online (";
	assert_int_equal(strncmp(hpf_log_text[0], prefix, strlen(prefix)), 0);
	/* Not bound, no console; init maps nothing for anyone. */
	assert_int_equal(hpf_stage2_count, 0);
	assert_int_equal(hpf_map_ram_count, 0);
	assert_null(hpf_vcpu[2]);
	assert_null(hpf_vcpu[3]);
	assert_null(hpf_vcpu[4]);
	assert_int_equal(p->vuart.base_ipa, 0);
	/* The other partition is not affected. */
	assert_int_equal(rtos_part()->state, PART_STOPPED);
	assert_ptr_equal(hpf_vcpu[5], &rtos_part()->vcpus[0]);

	/* And start_all leaves it alone: no stage 2, no EL2 map, no load. */
	partitions_start_all();
	assert_int_equal(p->state, PART_NOT_STARTED);
	assert_int_equal(p->stage2_built, 0);
	assert_int_equal(hpf_stage2_count, 1);
	assert_int_equal(hpf_stage2_calls[0].id, 1);
	assert_int_equal(hpf_map_ram_count, 1);
	assert_int_equal(hpf_map_ram_calls[0].pa, PA(ram1));
	assert_int_equal(hpf_post_count, 1);
	assert_int_equal(hpf_posts[0].core, 5);
	assert_all_fill(ram0, sizeof(ram0));
	assert_all_fill(ram0b, sizeof(ram0b));
}

/* With core 3 of 8 missing, 7 cores are online, not 8. */
static void test_init_core_offline_message_counts_online(void **state)
{
	(void)state;
	hpf_online[3] = 0;
	partitions_init(&board);
	assert_int_equal(linux_part()->state, PART_NOT_STARTED);
	assert_log(0, LOG_LEVEL_ERROR, "partition \"linux\": needs core 3, which is not online "
		   "(7 cores online); the partition is not started");
}

static void test_init_core_beyond_board(void **state)
{
	(void)state;
	/* QEMU started with -smp 4: cores 4 and 5 do not exist. */
	board.ncpus = 4;
	board.ncpus_described = 4;
	hpf_online[4] = 0;
	hpf_online[5] = 0;
	partitions_init(&board);

	assert_int_equal(hpf_set_mpidr_calls, 4);
	assert_int_equal(linux_part()->state, PART_NOT_STARTED);
	assert_int_equal(rtos_part()->state, PART_NOT_STARTED);
	assert_int_equal(hpf_log_count, 2);
	assert_log(0, LOG_LEVEL_ERROR, "partition \"linux\": needs core 4, which is not online "
		   "(4 cores online); the partition is not started");
	assert_log(1, LOG_LEVEL_ERROR, "partition \"rtos\": needs core 5, which is not online "
		   "(4 cores online); the partition is not started");
	assert_int_equal(hpf_stage2_count, 0);
	assert_int_equal(hpf_bind_calls, 0);
}

static void test_init_core_beyond_board_even_if_marked_online(void **state)
{
	(void)state;
	board.ncpus = 5;
	partitions_init(&board);
	assert_int_equal(linux_part()->state, PART_STOPPED);
	assert_int_equal(rtos_part()->state, PART_NOT_STARTED);
	assert_log(0, LOG_LEVEL_ERROR, "partition \"rtos\": needs core 5, which is not online "
		   "(5 cores online); the partition is not started");
}

static void test_init_mpidr_mismatch(void **state)
{
	(void)state;
	board.mpidr[4] = 0x104;
	partitions_init(&board);

	assert_int_equal(linux_part()->state, PART_NOT_STARTED);
	assert_int_equal(hpf_log_count, 1);
	assert_log(0, LOG_LEVEL_ERROR, "partition \"linux\": core 4 is MPIDR 0x104 on this board "
		   "but 0x100 in the board description it was built for; not started");
	assert_int_equal(hpf_core_mpidr[4], 0x104);
	assert_int_equal(hpf_stage2_count, 0);
	assert_null(hpf_vcpu[2]);
	assert_null(hpf_vcpu[4]);
	assert_int_equal(rtos_part()->state, PART_STOPPED);

	/* Only the other partition's stage 2 is ever built. */
	partitions_start_all();
	assert_int_equal(hpf_stage2_count, 1);
	assert_int_equal(hpf_stage2_calls[0].id, 1);
	assert_int_equal(linux_part()->state, PART_NOT_STARTED);
	assert_int_equal(rtos_part()->state, PART_RUNNING);
}

static void test_init_ram_not_board_ram(void **state)
{
	(void)state;
	/* The board has one page less of the second bank than the region needs. */
	board.ram[2].size = RAM0B_SIZE - 0x1000u;
	partitions_init(&board);

	char want[HPF_LOG_LINE];
	snprintf(want, sizeof(want), "partition \"linux\": its RAM 0x%lx-0x%lx is not RAM on this "
		 "board (see \"memory:\" in the cores line above); the partition is not started",
		 (unsigned long)PA(ram0b), (unsigned long)(PA(ram0b) + RAM0B_SIZE - 1u));
	assert_int_equal(linux_part()->state, PART_NOT_STARTED);
	assert_int_equal(hpf_log_count, 1);
	assert_log(0, LOG_LEVEL_ERROR, want);
	assert_int_equal(hpf_stage2_count, 0);
	assert_int_equal(hpf_map_ram_count, 0);
	assert_null(hpf_vcpu[3]);
	assert_int_equal(rtos_part()->state, PART_STOPPED);

	/* What is not RAM here is never mapped, at stage 2 or at EL2. */
	partitions_start_all();
	assert_only_rtos_built();
	assert_all_fill(ram0, sizeof(ram0));
	assert_all_fill(ram0b, sizeof(ram0b));
}

static void test_init_ram_starts_before_bank(void **state)
{
	(void)state;
	board.ram[1].base = PA(ram0) + 0x1000u;
	board.ram[1].size = RAM0_SIZE - 0x1000u;
	partitions_init(&board);

	char want[HPF_LOG_LINE];
	snprintf(want, sizeof(want), "partition \"linux\": its RAM 0x%lx-0x%lx is not RAM on this "
		 "board (see \"memory:\" in the cores line above); the partition is not started",
		 (unsigned long)PA(ram0), (unsigned long)(PA(ram0) + RAM0_SIZE - 1u));
	assert_int_equal(linux_part()->state, PART_NOT_STARTED);
	assert_log(0, LOG_LEVEL_ERROR, want);
}

static void test_init_ram_bank_missing(void **state)
{
	(void)state;
	/* The image booted with less memory: only the first two banks. */
	board.ram[0] = board.ram[2];
	board.nram = 2;
	partitions_init(&board);

	char want[HPF_LOG_LINE];
	snprintf(want, sizeof(want), "partition \"rtos\": its RAM 0x%lx-0x%lx is not RAM on this "
		 "board (see \"memory:\" in the cores line above); the partition is not started",
		 (unsigned long)PA(ram1), (unsigned long)(PA(ram1) + RAM1_SIZE - 1u));
	assert_int_equal(linux_part()->state, PART_STOPPED);
	assert_int_equal(rtos_part()->state, PART_NOT_STARTED);
	assert_int_equal(hpf_log_count, 1);
	assert_log(0, LOG_LEVEL_ERROR, want);
	assert_null(hpf_vcpu[5]);
}

static void test_init_device_region_not_checked_as_ram(void **state)
{
	(void)state;
	/* The device page at 0x09000000 is in no RAM bank, and need not be. */
	partitions_init(&board);
	assert_int_equal(linux_part()->state, PART_STOPPED);
	assert_int_equal(hpf_log_count, 0);
}

static void test_init_malformed_tables(void **state)
{
	(void)state;
	static const struct {
		uint32_t ncpus;
		uint32_t nregions;
	} bad[] = { { 0, 3 }, { BH_CFG_MAX_CPUS + 1u, 3 }, { 3, BH_CFG_MAX_REGIONS + 1u } };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(NULL);
		hpf_cfgs[0].ncpus = bad[i].ncpus;
		hpf_cfgs[0].nregions = bad[i].nregions;
		partitions_init(&board);
		assert_int_equal(linux_part()->state, PART_NOT_STARTED);
		assert_int_equal(hpf_log_count, 1);
		assert_log(0, LOG_LEVEL_ERROR, "partition \"linux\": malformed configuration table");
		assert_int_equal(hpf_stage2_count, 0);
		assert_int_equal(hpf_map_ram_count, 0);
		assert_int_equal(hpf_bind_calls, 1);
		assert_int_equal(rtos_part()->state, PART_STOPPED);
		/* A table that says nothing sensible is never used to map. */
		partitions_start_all();
		assert_only_rtos_built();
		assert_int_equal(rtos_part()->state, PART_RUNNING);
	}
}

static void test_init_core_in_two_partitions_panics(void **state)
{
	(void)state;
	hpf_cfgs[1].cpus[0] = 4;
	expect_assert_failure(partitions_init(&board));
	assert_non_null(strstr(host_fakes_panic_last, "core 4 bound twice"));
}

static void test_init_core_twice_in_one_partition_panics(void **state)
{
	(void)state;
	hpf_cfgs[0].cpus[2] = 2;
	expect_assert_failure(partitions_init(&board));
	assert_non_null(strstr(host_fakes_panic_last, "core 2 bound twice"));
}

static void test_init_id_mismatch_panics(void **state)
{
	(void)state;
	hpf_cfgs[1].id = 0;
	expect_assert_failure(partitions_init(&board));
	assert_non_null(strstr(host_fakes_panic_last, "partition table entry 1 has id 0"));
}

/* ---- partitions_start_all -------------------------------------------------------- */

static void test_start_all_loads_and_posts(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	struct partition *q = rtos_part();
	partitions_start_all();

	/* Each stage 2 from the table's own regions, built as its partition
	 * starts: "rtos"'s only after "linux" was sent off. */
	assert_int_equal(hpf_stage2_count, 2);
	assert_int_equal(hpf_stage2_calls[0].id, 0);
	assert_ptr_equal(hpf_stage2_calls[0].regions, hpf_cfgs[0].regions);
	assert_int_equal(hpf_stage2_calls[0].n, 3);
	assert_int_equal(hpf_stage2_calls[0].posts, 0);
	assert_int_equal(hpf_stage2_calls[1].id, 1);
	assert_ptr_equal(hpf_stage2_calls[1].regions, hpf_cfgs[1].regions);
	assert_int_equal(hpf_stage2_calls[1].n, 1);
	assert_int_equal(hpf_stage2_calls[1].posts, 1);
	assert_int_equal(p->stage2_built, 1);
	assert_int_equal(q->stage2_built, 1);
	/* EL2 maps of RAM only, whole regions, for the loading. */
	assert_int_equal(hpf_map_ram_count, 3);
	assert_int_equal(hpf_map_ram_calls[0].pa, PA(ram0));
	assert_int_equal(hpf_map_ram_calls[0].size, RAM0_SIZE);
	assert_int_equal(hpf_map_ram_calls[1].pa, PA(ram0b));
	assert_int_equal(hpf_map_ram_calls[1].size, RAM0B_SIZE);
	assert_int_equal(hpf_map_ram_calls[2].pa, PA(ram1));
	assert_int_equal(hpf_map_ram_calls[2].size, RAM1_SIZE);

	/* Kernel and DTB copied to the PAs behind their IPAs, boot count 1. */
	assert_kernel0_loaded();
	assert_dtb0_loaded(1);
	/* Everything else in their RAM zeroed first, around the blobs, region
	 * by region, whatever was there (the fixture fills it with FILL). */
	assert_all_zero(ram0, KERNEL0_OFF);
	assert_all_zero(ram0 + KERNEL0_OFF + sizeof(kernel0),
			RAM0_SIZE - KERNEL0_OFF - sizeof(kernel0));
	assert_all_zero(ram0b, DTB0_OFF);
	assert_all_zero(ram0b + DTB0_OFF + sizeof(dtb0), RAM0B_SIZE - DTB0_OFF - sizeof(dtb0));
	assert_all_zero(ram1 + sizeof(kernel1), DTB1_OFF - sizeof(kernel1));
	assert_all_zero(ram1 + DTB1_OFF + sizeof(dtb1), RAM1_SIZE - DTB1_OFF - sizeof(dtb1));
	/* Each gap in pieces of at most LOAD_CHUNK that end at LOAD_CHUNK
	 * boundaries (assert_zeroed_in_pieces checks each one). */
	unsigned int z = 0;
	z = assert_zeroed_in_pieces(z, ram0, KERNEL0_OFF);
	z = assert_zeroed_in_pieces(z, ram0 + KERNEL0_OFF + sizeof(kernel0),
				    RAM0_SIZE - KERNEL0_OFF - sizeof(kernel0));
	z = assert_zeroed_in_pieces(z, ram0b, DTB0_OFF);
	z = assert_zeroed_in_pieces(z, ram0b + DTB0_OFF + sizeof(dtb0),
				    RAM0B_SIZE - DTB0_OFF - sizeof(dtb0));
	z = assert_zeroed_in_pieces(z, ram1 + sizeof(kernel1), DTB1_OFF - sizeof(kernel1));
	z = assert_zeroed_in_pieces(z, ram1 + DTB1_OFF + sizeof(dtb1),
				    RAM1_SIZE - DTB1_OFF - sizeof(dtb1));
	assert_int_equal(z, hpf_zero_count);
	assert_memory_equal(ram1, kernel1, sizeof(kernel1));
	assert_memory_equal(ram1 + DTB1_OFF, dtb1, sizeof(dtb1) - 4u);
	static const uint8_t one[4] = { 0, 0, 0, 1 };
	assert_memory_equal(ram1 + DTB1_OFF + sizeof(dtb1) - 4u, one, 4);

	/* Caches made coherent for each copy and for the stamped cell. */
	assert_int_equal(hpf_sync_count, 6);
	assert_int_equal(hpf_sync_calls[0].pa, PA(ram0) + KERNEL0_OFF);
	assert_int_equal(hpf_sync_calls[0].size, sizeof(kernel0));
	assert_int_equal(hpf_sync_calls[1].pa, PA(ram0b) + DTB0_OFF);
	assert_int_equal(hpf_sync_calls[1].size, sizeof(dtb0));
	assert_int_equal(hpf_sync_calls[2].pa, PA(ram0b) + DTB0_OFF + DTB0_CELL);
	assert_int_equal(hpf_sync_calls[2].size, 4);
	assert_int_equal(hpf_sync_calls[3].pa, PA(ram1));
	assert_int_equal(hpf_sync_calls[5].pa, PA(ram1) + DTB1_OFF + sizeof(dtb1) - 4u);

	/* vCPU 0 pending, the others off; running, first boot, first epoch. */
	assert_int_equal(p->vcpus[0].state, VCPU_ON_PENDING);
	assert_int_equal(p->vcpus[1].state, VCPU_OFF);
	assert_int_equal(p->vcpus[2].state, VCPU_OFF);
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(p->boot_count, 1);
	assert_int_equal(p->epoch, 1);
	assert_int_equal(q->state, PART_RUNNING);
	assert_int_equal(q->boot_count, 1);
	assert_int_equal(q->epoch, 1);

	/* START to vCPU 0's core: entry, x0 = DTB, this run's epoch, posted
	 * once the partition is RUNNING in that epoch. */
	assert_int_equal(hpf_post_count, 2);
	assert_int_equal(hpf_posts[0].core, 2);
	assert_int_equal(hpf_posts[0].entry, ENTRY0);
	assert_int_equal(hpf_posts[0].arg, DTB0_IPA);
	assert_int_equal(hpf_posts[0].epoch, 1);
	assert_true(hpf_posts[0].bound);
	assert_int_equal(hpf_posts[0].part_state, PART_RUNNING);
	assert_int_equal(hpf_posts[0].part_epoch, 1);
	assert_int_equal(hpf_posts[0].vcpu_state, VCPU_ON_PENDING);
	assert_int_equal(hpf_posts[1].core, 5);
	assert_int_equal(hpf_posts[1].entry, RAM1_IPA);
	assert_int_equal(hpf_posts[1].arg, DTB1_IPA);
	assert_int_equal(hpf_posts[1].epoch, 1);

	assert_int_equal(hpf_log_count, 2);
	assert_log(0, LOG_LEVEL_INFO, "partition \"linux\": 3 cores from core 2, 1 MiB RAM at IPA "
		   "0x40000000, entry 0x40080000, on-fault log");
	/* Under a MiB, its RAM is said in KiB. */
	assert_log(1, LOG_LEVEL_INFO, "partition \"rtos\": 1 core from core 5, 256 KiB RAM at "
		   "IPA 0x80000000, entry 0x80000000, on-fault halt");
	assert_int_equal(hpf_park_count, 0);
}

/* An initrd is copied like the kernel, to the PA behind its IPA. */
static void test_start_loads_initrd(void **state)
{
	(void)state;
	static uint8_t initrd[300];
	fill_blob(initrd, sizeof(initrd), 0x3c);
	hpf_cfgs[0].initrd = (struct bh_blob){ .data = initrd, .size = sizeof(initrd),
					       .load_ipa = RAM0B_IPA + 0x2000u };
	partitions_start_all();
	assert_memory_equal(ram0b + 0x2000u, initrd, sizeof(initrd));
	assert_all_zero(ram0b + DTB0_OFF + sizeof(dtb0), 0x2000u - DTB0_OFF - sizeof(dtb0));
	assert_all_zero(ram0b + 0x2000u + sizeof(initrd), RAM0B_SIZE - 0x2000u - sizeof(initrd));
	assert_int_equal(linux_part()->state, PART_RUNNING);
}

static void test_start_all_only_once(void **state)
{
	(void)state;
	partitions_start_all();
	forget();
	partitions_start_all();
	assert_int_equal(hpf_post_count, 0);
	assert_int_equal(hpf_stage2_count, 0);
	assert_int_equal(hpf_map_ram_count, 0);
	assert_int_equal(linux_part()->boot_count, 1);
	assert_int_equal(linux_part()->epoch, 1);
}

static void test_start_kernel_outside_ram(void **state)
{
	(void)state;
	/* Its last byte runs past the end of the second RAM region. */
	hpf_cfgs[0].kernel.load_ipa = RAM0B_IPA + RAM0B_SIZE - sizeof(kernel0) + 1u;
	partitions_start_all();

	struct partition *p = linux_part();
	assert_int_equal(p->state, PART_NOT_STARTED);
	assert_int_equal(hpf_post_count, 1);
	assert_int_equal(hpf_posts[0].core, 5);
	assert_int_equal(hpf_log_count_level(LOG_LEVEL_ERROR), 1);
	assert_log(1, LOG_LEVEL_ERROR, "partition \"linux\": kernel at IPA 0x4010ff39 (+0xc8) is "
		   "outside its RAM");
	/* Zeroed before the copies (around the device tree, which was never
	 * copied); the partition does not start anyway. */
	assert_all_zero(ram0, sizeof(ram0));
	assert_all_zero(ram0b, DTB0_OFF);
	assert_all_fill(ram0b + DTB0_OFF, sizeof(dtb0));
	assert_all_zero(ram0b + DTB0_OFF + sizeof(dtb0), RAM0B_SIZE - DTB0_OFF - sizeof(dtb0));
	assert_int_equal(rtos_part()->state, PART_RUNNING);
}

static void test_start_dtb_straddling_regions(void **state)
{
	(void)state;
	/* Contiguous in IPA, not in PA: a blob may not cross. */
	hpf_cfgs[0].dtb.load_ipa = RAM0B_IPA - 16u;
	partitions_start_all();
	assert_int_equal(linux_part()->state, PART_NOT_STARTED);
	assert_log(1, LOG_LEVEL_ERROR, "partition \"linux\": device tree at IPA 0x400ffff0 "
		   "(+0x40) is outside its RAM");
	assert_int_equal(hpf_post_count, 1);
	/* The kernel went in before the device tree was refused. */
	assert_kernel0_loaded();
	assert_all_zero(ram0 + RAM0_SIZE - 16u, 16u);
	assert_all_zero(ram0b, 64u);
}

static void test_start_boot_count_cell_bounds(void **state)
{
	(void)state;
	/* A cell that would run past the DTB's end is not written. */
	hpf_cfgs[0].dtb_boot_count_offset = sizeof(dtb0) - 3u;
	hpf_cfgs[1].dtb_boot_count_offset = sizeof(dtb1);
	partitions_start_all();
	assert_memory_equal(ram0b + DTB0_OFF, dtb0, sizeof(dtb0));
	assert_memory_equal(ram1 + DTB1_OFF, dtb1, sizeof(dtb1));
	assert_int_equal(ram0b[DTB0_OFF + sizeof(dtb0)], 0);
	assert_int_equal(hpf_sync_count, 4);
	assert_int_equal(linux_part()->state, PART_RUNNING);
}

/* "linux" (p) refused at its start: nothing of it zeroed, copied or synced,
 * no run begun (epoch), nothing posted to its cores; "rtos" loaded and
 * running. */
static void assert_linux_never_loaded(const struct partition *p)
{
	assert_all_fill(ram0, sizeof(ram0));
	assert_all_fill(ram0b, sizeof(ram0b));
	for (unsigned int i = 0; i < hpf_zero_count; i++) {
		assert_true(hpf_zero_calls[i].pa >= PA(ram1));
		assert_true(hpf_zero_calls[i].pa < PA(ram1) + RAM1_SIZE);
	}
	assert_int_equal(hpf_sync_count, 3);
	assert_int_equal(p->epoch, 0);
	assert_int_equal(p->vcpus[0].state, VCPU_OFF);
	assert_int_equal(hpf_post_count, 1);
	assert_int_equal(hpf_posts[0].core, 5);
	assert_int_equal(rtos_part()->state, PART_RUNNING);
}

/* A stage 2 that cannot be built stops its partition at its start, before
 * anything of it is mapped or loaded; the next one listed starts anyway. */
static void test_start_stage2_failure(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_stage2_ret[0] = -3;
	hpf_stage2_bad = 2;
	hpf_pt_strerror_text = "no memory for page tables";
	partitions_start_all();

	assert_int_equal(p->state, PART_NOT_STARTED);
	assert_int_equal(p->stage2_built, 0);
	assert_int_equal(hpf_log_count, 3);
	assert_log(0, LOG_LEVEL_INFO, "partition \"linux\": 3 cores from core 2, 1 MiB RAM at IPA "
		   "0x40000000, entry 0x40080000, on-fault log");
	assert_log(1, LOG_LEVEL_ERROR, "partition \"linux\": stage-2 mapping of region 2 "
		   "(IPA 0x9000000) failed: no memory for page tables; the partition is not "
		   "started");
	assert_log(2, LOG_LEVEL_INFO, "partition \"rtos\": 1 core from core 5, 256 KiB RAM at "
		   "IPA 0x80000000, entry 0x80000000, on-fault halt");
	assert_int_equal(hpf_pt_strerror_count, 1);
	assert_int_equal(hpf_pt_strerror_last, -3);
	assert_int_equal(hpf_stage2_count, 2);
	assert_int_equal(hpf_stage2_calls[0].id, 0);
	assert_int_equal(hpf_stage2_calls[1].id, 1);
	/* No EL2 map of its RAM, nothing zeroed or copied there, nothing
	 * posted to its cores: never ran, so no boot and no epoch. */
	assert_int_equal(hpf_map_ram_count, 1);
	assert_int_equal(hpf_map_ram_calls[0].pa, PA(ram1));
	assert_linux_never_loaded(p);
	assert_int_equal(p->boot_count, 0);
	/* Bound at init all the same: its cores stay its own, idle. */
	assert_ptr_equal(hpf_vcpu[2], &p->vcpus[0]);

	/* Not tried again. */
	forget();
	partitions_start_all();
	assert_int_equal(hpf_stage2_count, 0);
	assert_int_equal(hpf_post_count, 0);
	assert_int_equal(p->state, PART_NOT_STARTED);
}

static void test_start_stage2_failure_first_region(void **state)
{
	(void)state;
	hpf_stage2_ret[1] = -1;
	hpf_stage2_bad = 0;
	partitions_start_all();
	assert_int_equal(linux_part()->state, PART_RUNNING);
	assert_int_equal(rtos_part()->state, PART_NOT_STARTED);
	assert_int_equal(rtos_part()->stage2_built, 0);
	assert_int_equal(hpf_log_count, 3);
	assert_log(2, LOG_LEVEL_ERROR, "partition \"rtos\": stage-2 mapping of region 0 "
		   "(IPA 0x80000000) failed: fake page-table error; the partition is not started");
	assert_int_equal(hpf_log_count_level(LOG_LEVEL_ERROR), 1);
	/* "linux"'s RAM only was mapped at EL2 and loaded; "rtos"'s untouched. */
	assert_int_equal(hpf_map_ram_count, 2);
	assert_int_equal(hpf_map_ram_calls[0].pa, PA(ram0));
	assert_int_equal(hpf_map_ram_calls[1].pa, PA(ram0b));
	assert_all_fill(ram1, sizeof(ram1));
	assert_int_equal(hpf_post_count, 1);
	assert_int_equal(hpf_posts[0].core, 2);
	assert_int_equal(rtos_part()->epoch, 0);
}

/* Its RAM cannot be mapped at EL2 for the loading: refused at its start, the
 * RAM as it was; the next partition starts anyway. */
static void test_start_el2_map_failure(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_map_ram_fail_pa = PA(ram0b);
	hpf_map_ram_ret = -5;
	hpf_pt_strerror_text = "out of EL2 table memory";
	partitions_start_all();

	char want[HPF_LOG_LINE];
	snprintf(want, sizeof(want), "partition \"linux\": cannot map its RAM 0x%lx at EL2 for "
		 "loading: out of EL2 table memory", (unsigned long)PA(ram0b));
	assert_int_equal(p->state, PART_NOT_STARTED);
	assert_int_equal(hpf_log_count, 3);
	assert_log(1, LOG_LEVEL_ERROR, want);
	assert_int_equal(hpf_log_count_level(LOG_LEVEL_ERROR), 1);
	assert_int_equal(hpf_pt_strerror_count, 1);
	assert_int_equal(hpf_pt_strerror_last, -5);
	/* Its stage 2 came first; then the RAM, region by region, up to the
	 * one that failed; then "rtos"'s. */
	assert_int_equal(hpf_stage2_count, 2);
	assert_int_equal(hpf_map_ram_count, 3);
	assert_int_equal(hpf_map_ram_calls[0].pa, PA(ram0));
	assert_int_equal(hpf_map_ram_calls[1].pa, PA(ram0b));
	assert_int_equal(hpf_map_ram_calls[2].pa, PA(ram1));
	/* Nothing zeroed or copied in its RAM, nothing posted to its cores. */
	assert_linux_never_loaded(p);
}

/* ---- partition_ram_pa -------------------------------------------------------- */

static void test_ram_pa(void **state)
{
	(void)state;
	struct partition p;
	memset(&p, 0, sizeof(p));
	p.cfg = &hpf_cfgs[0];
	const uint64_t pa0 = PA(ram0);
	const uint64_t pa0b = PA(ram0b);

	assert_int_equal(partition_ram_pa(&p, RAM0_IPA, 1), pa0);
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA, RAM0_SIZE), pa0);
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA + 0x1234u, 0x100u), pa0 + 0x1234u);
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA + RAM0_SIZE - 1u, 1), pa0 + RAM0_SIZE - 1u);
	assert_int_equal(partition_ram_pa(&p, RAM0B_IPA, RAM0B_SIZE), pa0b);
	assert_int_equal(partition_ram_pa(&p, RAM0B_IPA + 8u, 8u), pa0b + 8u);
	/* Straddling the end of a region, even into the next one. */
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA + RAM0_SIZE - 1u, 2), 0);
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA, RAM0_SIZE + 1u), 0);
	assert_int_equal(partition_ram_pa(&p, RAM0B_IPA + RAM0B_SIZE - 4u, 8u), 0);
	/* Beyond, and below. */
	assert_int_equal(partition_ram_pa(&p, RAM0B_IPA + RAM0B_SIZE, 1), 0);
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA - 1u, 1), 0);
	assert_int_equal(partition_ram_pa(&p, 0, 1), 0);
	/* Size 0: a position inside the region, nothing at its end. */
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA + 0x10u, 0), pa0 + 0x10u);
	assert_int_equal(partition_ram_pa(&p, RAM0B_IPA + RAM0B_SIZE, 0), 0);
	/* ipa + size past 2^64. */
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA + 0x1000u, UINT64_MAX), 0);
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA, UINT64_MAX - RAM0_IPA + 2u), 0);
	assert_int_equal(partition_ram_pa(&p, UINT64_MAX, 2), 0);
	/* A device region never translates. */
	assert_int_equal(partition_ram_pa(&p, DEV0_IPA, 1), 0);
	assert_int_equal(partition_ram_pa(&p, DEV0_IPA + 0x10u, 4), 0);
	assert_int_equal(partition_ram_pa(&p, CONSOLE0, 4), 0);
}

static void test_ram_pa_region_at_top_of_ipa_space(void **state)
{
	(void)state;
	struct partition p;
	memset(&p, 0, sizeof(p));
	p.cfg = &hpf_cfgs[0];
	hpf_cfgs[0].regions[1].ipa = 0xfffffffffff00000ULL;
	hpf_cfgs[0].regions[1].size = 0x100000ULL;
	const uint64_t pa0b = PA(ram0b);

	assert_int_equal(partition_ram_pa(&p, 0xfffffffffff00000ULL, 0x100000ULL), pa0b);
	assert_int_equal(partition_ram_pa(&p, 0xfffffffffffff000ULL, 0x1000u), pa0b + 0xff000u);
	assert_int_equal(partition_ram_pa(&p, UINT64_MAX, 1), pa0b + 0xfffffu);
	assert_int_equal(partition_ram_pa(&p, 0xfffffffffffff000ULL, 0x2000u), 0);
	assert_int_equal(partition_ram_pa(&p, UINT64_MAX, 2), 0);
	assert_int_equal(partition_ram_pa(&p, UINT64_MAX, UINT64_MAX), 0);
}

static void test_ram_pa_device_and_unlisted_regions(void **state)
{
	(void)state;
	struct partition p;
	memset(&p, 0, sizeof(p));
	p.cfg = &hpf_cfgs[0];
	/* A device region over RAM's IPAs does not make them translate... */
	hpf_cfgs[0].regions[0].kind = BH_REGION_DEVICE;
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA, 1), 0);
	assert_int_equal(partition_ram_pa(&p, RAM0_IPA + 0x800u, 4), 0);
	/* ...and an entry past nregions is not a region. */
	hpf_cfgs[0].regions[3] = (struct bh_region){ .pa = PA(ram1), .ipa = 0x20000000ULL,
						     .size = 0x1000, .kind = BH_REGION_RAM };
	assert_int_equal(partition_ram_pa(&p, 0x20000000ULL, 1), 0);
	hpf_cfgs[0].nregions = 4;
	assert_int_equal(partition_ram_pa(&p, 0x20000000ULL, 1), PA(ram1));
}

/* ---- vcpu_handle_fault: "log" ---------------------------------------------------- */

static void test_fault_log_returns_and_counts(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 3;
	struct fault_info fi = dabt(1);
	assert_int_equal(run_fault(&fi), 0);
	assert_int_equal(p->stats.data_aborts, 1);
	assert_int_equal(hpf_log_count, 1);
	assert_log(0, LOG_LEVEL_WARN, "partition \"linux\" vcpu 1 (core 3): data abort #1: write "
		   "to IPA 0x8000000 (VA 0xffff000012345678) at PC 0xffff800010001234, ESR "
		   "0x92000046: outside its memory and devices; policy log");

	fi = dabt(0);
	assert_int_equal(run_fault(&fi), 0);
	assert_log(1, LOG_LEVEL_WARN, "partition \"linux\" vcpu 1 (core 3): data abort #2: read "
		   "from IPA 0x8000000 (VA 0xffff000012345678) at PC 0xffff800010001234, ESR "
		   "0x92000046: outside its memory and devices; policy log");

	hpf_core_id = 4;
	fi = other_fault(FAULT_INSN_ABORT);
	fi.is_write = 1;        /* ignored: a fetch is a fetch */
	assert_int_equal(run_fault(&fi), 0);
	assert_log(2, LOG_LEVEL_WARN, "partition \"linux\" vcpu 2 (core 4): instruction abort "
		   "#1: fetch from IPA 0xa000000 (VA 0x1000) at PC 0x40080040, ESR 0x2000000: "
		   "outside its memory and devices; policy log");

	hpf_core_id = 2;
	fi = other_fault(FAULT_MMIO_NO_SYNDROME);
	fi.ipa = CONSOLE0 + 4u;
	fi.is_write = 1;
	assert_int_equal(run_fault(&fi), 0);
	assert_log(3, LOG_LEVEL_WARN, "partition \"linux\" vcpu 0 (core 2): emulated-device "
		   "access without syndrome #3: write to IPA 0x9040004 (VA 0x1000) at PC "
		   "0x40080040, ESR 0x2000000: a pair, writeback, exclusive or SIMD access to an "
		   "emulated device; policy log");

	fi = other_fault(FAULT_UNDEFINED);
	assert_int_equal(run_fault(&fi), 0);
	assert_log(4, LOG_LEVEL_WARN, "partition \"linux\" vcpu 0 (core 2): undefined or "
		   "forbidden instruction #1 at PC 0x40080040, ESR 0x2000000; policy log");

	fi = other_fault(FAULT_SERROR);
	fi.esr = 0xbe000000ULL;
	assert_int_equal(run_fault(&fi), 0);
	assert_log(5, LOG_LEVEL_WARN, "partition \"linux\" vcpu 0 (core 2): SError #1 at PC "
		   "0x40080040, ESR 0xbe000000; policy log");
	assert_int_equal(run_fault(&fi), 0);

	/* Each kind in its counter; syndrome-less MMIO counts as a data abort. */
	assert_int_equal(p->stats.data_aborts, 3);
	assert_int_equal(p->stats.insn_aborts, 1);
	assert_int_equal(p->stats.undefined, 1);
	assert_int_equal(p->stats.serrors, 2);
	assert_int_equal(p->stats.mmio_emulated, 0);
	assert_int_equal(p->stats.restarts, 0);
	/* Nothing else happens under "log". */
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(hpf_park_count, 0);
	assert_int_equal(hpf_stop_count, 0);
	assert_int_equal(hpf_post_count, 0);
	/* Each line took a token of its share of the console. */
	assert_int_equal(p->log_limit.tokens, LOG_LIMIT_BURST - 7u);
	assert_int_equal(rtos_part()->stats.data_aborts, 0);
}

static void test_fault_lines_are_rate_limited_in_time(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 4;
	struct fault_info fi = dabt(0);

	/* 2049 faults at one instant: a burst of LOG_LIMIT_BURST lines. */
	for (unsigned int n = 1; n <= 2049u; n++) {
		assert_int_equal(run_fault(&fi), 0);
		unsigned int lines = n < LOG_LIMIT_BURST ? n : LOG_LIMIT_BURST;
		if (hpf_log_count != lines) {
			fail_msg("after fault %u: %u lines, expected %u", n, hpf_log_count, lines);
		}
	}
	assert_int_equal(p->stats.data_aborts, 2049);
	assert_int_equal(p->log_limit.tokens, 0);
	assert_int_equal(p->log_limit.suppressed, 2049u - LOG_LIMIT_BURST);
	assert_log(15, LOG_LEVEL_WARN, "partition \"linux\" vcpu 2 (core 4): data abort #16: read "
		   "from IPA 0x8000000 (VA 0xffff000012345678) at PC 0xffff800010001234, ESR "
		   "0x92000046: outside its memory and devices; policy log");

	/* A quarter of a second later, one more line, and no summary yet:
	 * summaries come at most once a second. */
	hpf_counter += HPF_COUNTER_HZ / LOG_LIMIT_PER_S;
	assert_int_equal(run_fault(&fi), 0);
	assert_int_equal(run_fault(&fi), 0);
	assert_int_equal(hpf_log_count, 17);
	assert_log(16, LOG_LEVEL_WARN, "partition \"linux\" vcpu 2 (core 4): data abort #2050: "
		   "read from IPA 0x8000000 (VA 0xffff000012345678) at PC 0xffff800010001234, ESR "
		   "0x92000046: outside its memory and devices; policy log");

	/* A second after the burst: the summary of the 2034 it did not say,
	 * then the line. */
	hpf_counter += HPF_COUNTER_HZ;
	assert_int_equal(run_fault(&fi), 0);
	assert_int_equal(hpf_log_count, 19);
	assert_log(17, LOG_LEVEL_WARN, "partition \"linux\": 2034 lines it caused suppressed (at "
		   "most 16 at once, then 4 a second)");
	assert_log(18, LOG_LEVEL_WARN, "partition \"linux\" vcpu 2 (core 4): data abort #2052: "
		   "read from IPA 0x8000000 (VA 0xffff000012345678) at PC 0xffff800010001234, ESR "
		   "0x92000046: outside its memory and devices; policy log");
	assert_int_equal(p->log_limit.suppressed_total, 2034);
	/* Faults keep being answered under "log", storm or not. */
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(hpf_park_count, 0);
	/* The share is per partition. */
	assert_int_equal(rtos_part()->log_limit.started, 0);
}

static void test_fault_without_vcpu_panics(void **state)
{
	(void)state;
	hpf_core_id = 0;
	struct fault_info fi = dabt(0);
	expect_assert_failure(vcpu_handle_fault(&fi));
	assert_non_null(strstr(host_fakes_panic_last,
			       "partition trap on core 0, which runs no partition"));
}

/* ---- "halt" and partition_stop ------------------------------------------------------ */

static void test_fault_halt(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 3;
	struct fault_info fi = dabt(0);
	assert_int_equal(run_fault(&fi), 1);

	assert_int_equal(hpf_park_count, 1);
	assert_int_equal(p->state, PART_HALTED);
	/* Every other core of the partition, in vCPU order; not its own. */
	assert_int_equal(hpf_stop_count, 2);
	assert_int_equal(hpf_stop_cores[0], 2);
	assert_int_equal(hpf_stop_cores[1], 4);
	assert_int_equal(hpf_post_count, 0);

	char counters[HPF_LOG_LINE];
	expected_counters(counters, sizeof(counters), "linux", 1, 0, 0, 0, 0);
	assert_int_equal(hpf_log_count, 3);
	assert_log(0, LOG_LEVEL_WARN, "partition \"linux\" vcpu 1 (core 3): data abort #1: read "
		   "from IPA 0x8000000 (VA 0xffff000012345678) at PC 0xffff800010001234, ESR "
		   "0x92000046: outside its memory and devices; policy halt");
	assert_log(1, LOG_LEVEL_INFO, "partition \"linux\": halted (data abort); other partitions "
		   "unaffected");
	assert_log(2, LOG_LEVEL_INFO, counters);
	assert_int_equal(p->boot_count, 1);
	assert_int_equal(p->epoch, 1);
	assert_int_equal(rtos_part()->state, PART_RUNNING);
}

static void test_fault_halt_single_core_partition(void **state)
{
	(void)state;
	hpf_core_id = 5;
	struct fault_info fi = other_fault(FAULT_UNDEFINED);
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(rtos_part()->state, PART_HALTED);
	assert_int_equal(hpf_stop_count, 0);
	char counters[HPF_LOG_LINE];
	expected_counters(counters, sizeof(counters), "rtos", 0, 0, 1, 0, 0);
	assert_log(1, LOG_LEVEL_INFO, "partition \"rtos\": halted (undefined or forbidden "
		   "instruction); other partitions unaffected");
	assert_log(2, LOG_LEVEL_INFO, counters);
	assert_int_equal(linux_part()->state, PART_RUNNING);
}

static void test_fault_unknown_policy_halts(void **state)
{
	(void)state;
	hpf_cfgs[0].fault_policy = 7;
	hpf_core_id = 2;
	struct fault_info fi = other_fault(FAULT_SERROR);
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(linux_part()->state, PART_HALTED);
	assert_log(0, LOG_LEVEL_WARN, "partition \"linux\" vcpu 0 (core 2): SError #1 at PC "
		   "0x40080040, ESR 0x2000000; policy unknown");
	assert_log(1, LOG_LEVEL_INFO, "partition \"linux\": halted (SError); other partitions "
		   "unaffected");
}

static void test_fault_halt_flushes_console(void **state)
{
	(void)state;
	hpf_core_id = 4;
	uint64_t v = 'o';
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTDR, 1, 4, &v), 1);
	v = 'k';
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTDR, 1, 4, &v), 1);
	assert_int_equal(host_raw_calls, 0);
	struct fault_info fi = dabt(1);
	assert_int_equal(run_fault(&fi), 1);
	assert_string_equal(host_raw_text, "[linux] ok\n");
	assert_int_equal(linux_part()->vuart.len, 0);
	char counters[HPF_LOG_LINE];
	snprintf(counters, sizeof(counters), "partition \"linux\": so far 1 data aborts, 0 "
		 "instruction aborts, 0 undefined, 0 SErrors, 0 unknown SMC/HVC calls, 0 PSCI "
		 "calls, 2 emulated MMIO accesses, 0 restarts");
	assert_log(2, LOG_LEVEL_INFO, counters);
}

static void test_second_claim_only_parks(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 3;
	struct fault_info fi = dabt(0);
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(p->state, PART_HALTED);
	forget();

	/* Core 4 faults too before it was stopped: it only parks. */
	hpf_core_id = 4;
	fi = other_fault(FAULT_UNDEFINED);
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(hpf_park_count, 1);
	assert_int_equal(hpf_stop_count, 0);
	assert_int_equal(hpf_post_count, 0);
	assert_int_equal(p->state, PART_HALTED);
	assert_int_equal(p->stats.undefined, 1);
	assert_int_equal(hpf_log_count, 1);
	assert_int_equal(hpf_log_level[0], LOG_LEVEL_WARN);

	/* A SYSTEM_OFF or SYSTEM_RESET racing with it: the same. */
	assert_int_equal(run_stop(p, PART_STOPPED, "PSCI SYSTEM_OFF"), 1);
	assert_int_equal(run_restart(p, "PSCI SYSTEM_RESET"), 1);
	assert_int_equal(hpf_park_count, 3);
	assert_int_equal(hpf_stop_count, 0);
	assert_int_equal(hpf_post_count, 0);
	assert_int_equal(hpf_log_count, 1);
	assert_int_equal(p->state, PART_HALTED);
	assert_int_equal(p->boot_count, 1);
	assert_int_equal(p->stats.restarts, 0);
}

static void test_claim_while_restarting_only_parks(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	p->state = PART_RESTARTING;        /* another core is restarting it */
	hpf_core_id = 2;
	assert_int_equal(run_restart(p, "PSCI SYSTEM_RESET"), 1);
	assert_int_equal(run_stop(p, PART_STOPPED, "PSCI SYSTEM_OFF"), 1);
	struct fault_info fi = dabt(0);
	hpf_cfgs[0].fault_policy = BH_FAULT_RESTART;
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(hpf_park_count, 3);
	assert_int_equal(hpf_stop_count, 0);
	assert_int_equal(hpf_post_count, 0);
	assert_int_equal(p->state, PART_RESTARTING);
	assert_int_equal(p->boot_count, 1);
	assert_int_equal(p->epoch, 1);
	assert_int_equal(p->stats.restarts, 0);
	assert_int_equal(hpf_log_count, 1);     /* the fault's own line */
}

static void test_stop_system_off(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 2;
	assert_int_equal(run_stop(p, PART_STOPPED, "PSCI SYSTEM_OFF"), 1);
	assert_int_equal(p->state, PART_STOPPED);
	assert_int_equal(hpf_stop_count, 2);
	assert_int_equal(hpf_stop_cores[0], 3);
	assert_int_equal(hpf_stop_cores[1], 4);
	assert_int_equal(hpf_park_count, 1);
	assert_int_equal(hpf_post_count, 0);
	char counters[HPF_LOG_LINE];
	expected_counters(counters, sizeof(counters), "linux", 0, 0, 0, 0, 0);
	assert_int_equal(hpf_log_count, 2);
	assert_log(0, LOG_LEVEL_INFO, "partition \"linux\": stopped (PSCI SYSTEM_OFF); other "
		   "partitions unaffected");
	assert_log(1, LOG_LEVEL_INFO, counters);
	assert_string_equal(partition_state_name(p->state), "stopped");
	assert_int_equal(rtos_part()->state, PART_RUNNING);
}

/* The last partition to stop powers the board off (QEMU-based validation
 * ends by itself), after flushing the console; one still running keeps it up. */
static void test_last_stop_powers_off(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	struct partition *q = rtos_part();
	hpf_core_id = 2;
	assert_int_equal(run_stop(p, PART_STOPPED, "PSCI SYSTEM_OFF"), 1);
	assert_int_equal(hpf_system_off_count, 0);
	assert_int_equal(hpf_log_find(LOG_LEVEL_INFO, "every partition has stopped; powering the "
				      "board off"), -1);

	hpf_core_id = 5;
	hpf_log_count = 0;
	assert_int_equal(run_stop(q, PART_HALTED, "data abort"), 1);
	assert_int_equal(q->state, PART_HALTED);
	assert_int_equal(hpf_system_off_count, 1);
	assert_int_equal(hpf_console_flush_count, 1);
	assert_int_equal(hpf_log_count, 3);
	assert_log(2, LOG_LEVEL_INFO, "every partition has stopped; powering the board off");
}

static void test_last_stop_stays_up_when_asked(void **state)
{
	(void)state;
	hpf_set_stay_up(1);
	hpf_core_id = 2;
	assert_int_equal(run_stop(linux_part(), PART_HALTED, "data abort"), 1);
	hpf_core_id = 5;
	hpf_log_count = 0;
	assert_int_equal(run_stop(rtos_part(), PART_STOPPED, "PSCI SYSTEM_OFF"), 1);
	assert_int_equal(hpf_system_off_count, 0);
	assert_log(2, LOG_LEVEL_INFO, "every partition has stopped; staying up (on-all-stopped = "
		   "\"stay-up\")");
}

/* A partition restarting is not stopped: the board stays on. */
static void test_stop_beside_restarting_keeps_power(void **state)
{
	(void)state;
	rtos_part()->state = PART_RESTARTING;
	hpf_core_id = 2;
	assert_int_equal(run_stop(linux_part(), PART_STOPPED, "PSCI SYSTEM_OFF"), 1);
	assert_int_equal(hpf_system_off_count, 0);
}

static void test_stop_core_timeout_logged(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_stop_result[4] = 0;
	hpf_core_id = 2;
	assert_int_equal(run_stop(p, PART_STOPPED, "PSCI SYSTEM_OFF"), 1);
	assert_int_equal(hpf_stop_count, 2);
	assert_int_equal(hpf_log_count_level(LOG_LEVEL_ERROR), 1);
	assert_log(0, LOG_LEVEL_ERROR, "partition \"linux\": core 4 did not stop in time");
	assert_log(1, LOG_LEVEL_INFO, "partition \"linux\": stopped (PSCI SYSTEM_OFF); other "
		   "partitions unaffected");
	assert_int_equal(p->state, PART_STOPPED);
	assert_int_equal(hpf_park_count, 1);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(partition_state_name(PART_NOT_STARTED), "not started");
	assert_string_equal(partition_state_name(PART_RUNNING), "running");
	assert_string_equal(partition_state_name(PART_RESTARTING), "restarting");
	assert_string_equal(partition_state_name(PART_STOPPED), "stopped");
	assert_string_equal(partition_state_name(PART_HALTED), "halted");
	assert_string_equal(partition_state_name(5), "unknown");
	assert_string_equal(partition_state_name(UINT32_MAX), "unknown");
}

/* ---- "restart" ------------------------------------------------------------------ */

static void test_fault_restart(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	for (unsigned int k = 0; k < 3u; k++) {
		p->vcpus[k].state = VCPU_ON;
	}
	/* The partition scribbled over its kernel and device tree, and left
	 * data elsewhere in its RAM. */
	memset(ram0 + KERNEL0_OFF, 0, sizeof(kernel0));
	memset(ram0b + DTB0_OFF, 0, sizeof(dtb0));
	memset(ram0, 0x5a, 64);
	memset(ram0b + RAM0B_SIZE - 64u, 0x5a, 64);

	hpf_core_id = 3;
	struct fault_info fi = other_fault(FAULT_INSN_ABORT);
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(hpf_park_count, 1);

	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(p->boot_count, 2);
	assert_int_equal(p->epoch, 2);
	assert_int_equal(p->stats.restarts, 1);
	assert_int_equal(p->stats.insn_aborts, 1);
	assert_kernel0_loaded();
	assert_dtb0_loaded(2);
	assert_all_zero(ram0, 64);
	assert_all_zero(ram0b + RAM0B_SIZE - 64u, 64);
	assert_int_equal(hpf_sync_count, 3);

	assert_int_equal(hpf_stop_count, 2);
	assert_int_equal(hpf_stop_cores[0], 2);
	assert_int_equal(hpf_stop_cores[1], 4);
	/* The stage 2 of its first start serves; the RAM is mapped at EL2
	 * again for the reload. */
	assert_int_equal(hpf_stage2_count, 0);
	assert_int_equal(hpf_map_ram_count, 2);

	assert_int_equal(p->vcpus[0].state, VCPU_ON_PENDING);
	assert_int_equal(p->vcpus[1].state, VCPU_OFF);
	assert_int_equal(p->vcpus[2].state, VCPU_OFF);

	assert_int_equal(hpf_post_count, 1);
	assert_int_equal(hpf_posts[0].core, 2);
	assert_int_equal(hpf_posts[0].entry, ENTRY0);
	assert_int_equal(hpf_posts[0].arg, DTB0_IPA);
	assert_int_equal(hpf_posts[0].epoch, 2);
	assert_int_equal(hpf_posts[0].part_state, PART_RUNNING);
	assert_int_equal(hpf_posts[0].part_epoch, 2);

	char counters[HPF_LOG_LINE];
	expected_counters(counters, sizeof(counters), "linux", 0, 1, 0, 0, 1);
	assert_int_equal(hpf_log_count, 3);
	assert_log(0, LOG_LEVEL_WARN, "partition \"linux\" vcpu 1 (core 3): instruction abort #1: "
		   "fetch from IPA 0xa000000 (VA 0x1000) at PC 0x40080040, ESR 0x2000000: outside "
		   "its memory and devices; policy restart");
	assert_log(1, LOG_LEVEL_INFO, "partition \"linux\": restarting (instruction abort), "
		   "boot 2");
	assert_log(2, LOG_LEVEL_INFO, counters);

	/* The other partition did not notice. */
	assert_int_equal(rtos_part()->state, PART_RUNNING);
	assert_int_equal(rtos_part()->epoch, 1);
	assert_int_equal(rtos_part()->boot_count, 1);
}

static void test_fault_restart_twice(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 2;
	struct fault_info fi = dabt(1);
	assert_int_equal(run_fault(&fi), 1);
	forget();
	hpf_core_id = 4;
	assert_int_equal(run_fault(&fi), 1);

	assert_int_equal(p->boot_count, 3);
	assert_int_equal(p->epoch, 3);
	assert_int_equal(p->stats.restarts, 2);
	assert_int_equal(p->stats.data_aborts, 2);
	assert_dtb0_loaded(3);
	assert_int_equal(hpf_stop_count, 2);
	assert_int_equal(hpf_stop_cores[0], 2);
	assert_int_equal(hpf_stop_cores[1], 3);
	assert_int_equal(hpf_post_count, 1);
	assert_int_equal(hpf_posts[0].core, 2);
	assert_int_equal(hpf_posts[0].epoch, 3);
	/* The second policy restart within RESTART_WINDOW_MS waits its
	 * back-off, and says so. */
	assert_log(1, LOG_LEVEL_INFO, "partition \"linux\": restarting (data abort), boot 3, "
		   "after 100 ms");
	/* Two fault lines and two restart reports from its share. */
	assert_int_equal(p->log_limit.tokens, LOG_LIMIT_BURST - 4u);
}

static void test_restart_system_reset(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 4;
	assert_int_equal(run_restart(p, "PSCI SYSTEM_RESET"), 1);
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(p->boot_count, 2);
	assert_int_equal(p->epoch, 2);
	assert_int_equal(hpf_stop_count, 2);
	assert_int_equal(hpf_stop_cores[0], 2);
	assert_int_equal(hpf_stop_cores[1], 3);
	assert_log(0, LOG_LEVEL_INFO, "partition \"linux\": restarting (PSCI SYSTEM_RESET), "
		   "boot 2");
	assert_int_equal(hpf_post_count, 1);
	assert_int_equal(hpf_posts[0].core, 2);
	assert_int_equal(hpf_stage2_count, 0);
}

/* The stage 2 is built once, at the first start: restarts, of either kind,
 * only reload the RAM behind it (EL2 maps it again into the tables its first
 * load took, which cannot run short). */
static void test_restart_keeps_its_stage2(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	struct partition *q = rtos_part();
	assert_int_equal(p->stage2_built, 1);
	assert_int_equal(q->stage2_built, 1);

	hpf_core_id = 3;
	for (unsigned int k = 0; k < 3u; k++) {
		forget();
		assert_int_equal(run_restart(p, "PSCI SYSTEM_RESET"), 1);
		assert_int_equal(p->state, PART_RUNNING);
		assert_int_equal(p->boot_count, k + 2u);
		assert_int_equal(hpf_stage2_count, 0);
		assert_int_equal(hpf_map_ram_count, 2);
		assert_int_equal(hpf_map_ram_calls[0].pa, PA(ram0));
		assert_int_equal(hpf_map_ram_calls[1].pa, PA(ram0b));
		assert_int_equal(hpf_post_count, 1);
		assert_int_equal(hpf_posts[0].epoch, k + 2u);
		assert_int_equal(hpf_log_count_level(LOG_LEVEL_ERROR), 0);
		assert_kernel0_loaded();
		assert_dtb0_loaded(k + 2u);
	}
	assert_int_equal(p->stage2_built, 1);

	/* A policy restart of the single-core one: the same. */
	hpf_cfgs[1].fault_policy = BH_FAULT_RESTART;
	hpf_core_id = 5;
	forget();
	struct fault_info fi = dabt(0);
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(q->state, PART_RUNNING);
	assert_int_equal(q->boot_count, 2);
	assert_int_equal(hpf_stage2_count, 0);
	assert_int_equal(hpf_map_ram_count, 1);
	assert_int_equal(hpf_map_ram_calls[0].pa, PA(ram1));
}

static void test_restart_reload_failure(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_cfgs[0].kernel.load_ipa = RAM0_IPA + RAM0_SIZE;   /* past both regions */
	hpf_cfgs[0].kernel.load_ipa += RAM0B_SIZE;
	hpf_core_id = 2;
	assert_int_equal(run_restart(p, "PSCI SYSTEM_RESET"), 1);
	assert_int_equal(p->state, PART_NOT_STARTED);
	assert_int_equal(hpf_post_count, 0);
	assert_int_equal(hpf_park_count, 1);
	assert_int_equal(hpf_log_count_level(LOG_LEVEL_ERROR), 1);
	assert_log(2, LOG_LEVEL_ERROR, "partition \"linux\": kernel at IPA 0x40110000 (+0xc8) is "
		   "outside its RAM");
}

/* ---- MMIO ------------------------------------------------------------------- */

static void test_mmio_console(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 3;

	assert_int_equal(vcpu_mmio_is_emulated(CONSOLE0), 1);
	assert_int_equal(vcpu_mmio_is_emulated(CONSOLE0 + 0xfffu), 1);
	assert_int_equal(vcpu_mmio_is_emulated(CONSOLE0 + 0x1000u), 0);
	assert_int_equal(vcpu_mmio_is_emulated(CONSOLE0 - 1u), 0);
	assert_int_equal(vcpu_mmio_is_emulated(DEV0_IPA), 0);
	assert_int_equal(vcpu_mmio_is_emulated(RAM0_IPA), 0);

	uint64_t v = 0xdeadbeefULL;
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTFR, 0, 4, &v), 1);
	assert_int_equal(v, 0x90);
	assert_int_equal(p->stats.mmio_emulated, 1);

	const char *text = "hi\n";
	for (const char *c = text; *c != '\0'; c++) {
		v = (uint64_t)(unsigned char)*c;
		assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTDR, 1, 1, &v), 1);
	}
	assert_string_equal(host_raw_text, "[linux] hi\n");
	assert_int_equal(p->stats.mmio_emulated, 4);

	/* Outside the console page: not emulated, value untouched, not counted. */
	v = 0x1234u;
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + 0x1000u, 0, 4, &v), 0);
	assert_int_equal(vcpu_handle_mmio(DEV0_IPA, 1, 4, &v), 0);
	assert_int_equal(vcpu_handle_mmio(0, 0, 4, &v), 0);
	assert_int_equal(v, 0x1234u);
	assert_int_equal(p->stats.mmio_emulated, 4);
	assert_int_equal(host_raw_calls, 1);
	assert_int_equal(hpf_log_count, 0);
}

static void test_mmio_console_refuses_what_a_pl011_does_not_take(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 3;
	uint64_t v = 0x1234u;

	/* Inside a register, 64 bits wide, or unaligned: refused, value
	 * untouched, not an emulated access (the trap handler turns it into
	 * an external abort and the fault path counts it). */
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTFR + 1u, 0, 1, &v), MMIO_REFUSED);
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTDR, 0, 8, &v), MMIO_REFUSED);
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTDR + 2u, 1, 2, &v), MMIO_REFUSED);
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTFR + 1u, 0, 4, &v), MMIO_REFUSED);
	assert_int_equal(v, 0x1234u);
	assert_int_equal(p->stats.mmio_emulated, 0);
	assert_int_equal(host_raw_calls, 0);
	/* The same register, whole: taken. */
	assert_int_equal(vcpu_handle_mmio(CONSOLE0 + UARTFR, 0, 2, &v), MMIO_DONE);
	assert_int_equal(v, 0x90);
	assert_int_equal(p->stats.mmio_emulated, 1);

	/* Its fault line says why, and it is a data abort. */
	struct fault_info fi = other_fault(FAULT_MMIO_REFUSED);
	fi.ipa = CONSOLE0 + UARTFR + 1u;
	fi.va = CONSOLE0 + UARTFR + 1u;
	fi.esr = 0x93c08007ULL;
	assert_int_equal(run_fault(&fi), 0);
	assert_log(0, LOG_LEVEL_WARN, "partition \"linux\" vcpu 1 (core 3): emulated-device "
		   "access refused #1: read from IPA 0x9040019 (VA 0x9040019) at PC 0x40080040, "
		   "ESR 0x93c08007: not a register access the emulated device takes; policy log");
	assert_int_equal(p->stats.data_aborts, 1);
	assert_int_equal(p->stats.undefined, 0);
}

static void test_mmio_other_partition_and_no_vcpu(void **state)
{
	(void)state;
	uint64_t v = 0x55u;

	/* "rtos" has no console, and linux's console is not its own. */
	hpf_core_id = 5;
	assert_int_equal(vcpu_mmio_is_emulated(CONSOLE0), 0);
	assert_int_equal(vcpu_mmio_is_emulated(0), 0);
	assert_int_equal(vcpu_handle_mmio(CONSOLE0, 1, 4, &v), 0);
	assert_int_equal(vcpu_handle_mmio(0, 0, 4, &v), 0);

	/* A core running no partition. */
	hpf_core_id = 0;
	assert_int_equal(vcpu_mmio_is_emulated(CONSOLE0), 0);
	assert_int_equal(vcpu_handle_mmio(CONSOLE0, 1, 4, &v), 0);

	assert_int_equal(v, 0x55u);
	assert_int_equal(linux_part()->stats.mmio_emulated, 0);
	assert_int_equal(rtos_part()->stats.mmio_emulated, 0);
	assert_int_equal(host_raw_calls, 0);
}

/* ---- fault storms and the restart limit ------------------------------------ */

/* The restart line of the last restart, or NULL. */
static const char *last_restart_line(void)
{
	unsigned int n = hpf_log_count < HPF_LOG_MAX ? hpf_log_count : HPF_LOG_MAX;
	for (unsigned int i = n; i > 0; i--) {
		if (strstr(hpf_log_text[i - 1u], ": restarting (") != NULL) {
			return hpf_log_text[i - 1u];
		}
	}
	return NULL;
}

static void test_fault_storm_under_restart_halts(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	struct fault_info fi = dabt(1);
	static const char *const lines[] = {
		"partition \"linux\": restarting (data abort), boot 2",
		"partition \"linux\": restarting (data abort), boot 3, after 100 ms",
		"partition \"linux\": restarting (data abort), boot 4, after 200 ms",
	};

	hpf_core_id = 2;
	/* The partition faults at once after each restart: the back-offs are
	 * all the time that passes. */
	for (unsigned int k = 0; k < 3u; k++) {
		forget();
		assert_int_equal(run_fault(&fi), 1);
		assert_int_equal(p->state, PART_RUNNING);
		assert_non_null(last_restart_line());
		assert_string_equal(last_restart_line(), lines[k]);
	}
	/* The 4th fault within a second is a storm: no 4th restart. */
	forget();
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(p->state, PART_HALTED);
	assert_int_equal(p->stats.restarts, 3);
	assert_int_equal(p->stats.data_aborts, 4);
	assert_int_equal(hpf_post_count, 0);
	assert_true(hpf_log_find(LOG_LEVEL_INFO, "partition \"linux\": halted (fault storm: 4 faults "
				 "within 1000 ms); other partitions unaffected") >= 0);
	assert_int_equal(rtos_part()->state, PART_RUNNING);
}

static void test_faults_spread_out_reach_the_restart_limit(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	struct fault_info fi = other_fault(FAULT_UNDEFINED);
	static const char *const lines[] = {
		"partition \"linux\": restarting (undefined or forbidden instruction), boot 2",
		"partition \"linux\": restarting (undefined or forbidden instruction), boot 3, after "
		"100 ms",
		"partition \"linux\": restarting (undefined or forbidden instruction), boot 4, after "
		"200 ms",
		"partition \"linux\": restarting (undefined or forbidden instruction), boot 5, after "
		"400 ms",
		"partition \"linux\": restarting (undefined or forbidden instruction), boot 6, after "
		"800 ms",
	};

	hpf_core_id = 3;
	/* 1.5 s apart: never a storm, but six within 10 s. */
	for (unsigned int k = 0; k < 5u; k++) {
		forget();
		hpf_counter += 3u * HPF_COUNTER_HZ / 2u;
		assert_int_equal(run_fault(&fi), 1);
		assert_int_equal(p->state, PART_RUNNING);
		assert_string_equal(last_restart_line(), lines[k]);
	}
	forget();
	hpf_counter += 3u * HPF_COUNTER_HZ / 2u;
	assert_int_equal(run_fault(&fi), 1);
	assert_int_equal(p->state, PART_HALTED);
	assert_int_equal(p->stats.restarts, 5);
	assert_null(last_restart_line());
	assert_true(hpf_log_find(LOG_LEVEL_INFO, "partition \"linux\": halted (restart limit: 5 "
				 "restarts within 10000 ms); other partitions unaffected") >= 0);
	/* Its other cores were stopped, nothing was started again. */
	assert_int_equal(hpf_stop_count, 2);
	assert_int_equal(hpf_post_count, 0);
}

static void test_restarts_further_apart_than_the_window_go_on(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	struct fault_info fi = dabt(0);

	hpf_core_id = 4;
	/* One every 3 s: never more than four within 10 s. */
	for (unsigned int k = 0; k < 12u; k++) {
		hpf_counter += 3u * HPF_COUNTER_HZ;
		assert_int_equal(run_fault(&fi), 1);
		assert_int_equal(p->state, PART_RUNNING);
	}
	assert_int_equal(p->stats.restarts, 12);
}

static void test_system_reset_is_neither_limited_nor_delayed(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 2;
	for (unsigned int k = 0; k < 10u; k++) {
		uint64_t before = hpf_counter;
		assert_int_equal(run_restart(p, "PSCI SYSTEM_RESET"), 1);
		assert_int_equal(p->state, PART_RUNNING);
		/* No back-off: only the loader's yield hints between pieces
		 * (the fake's relax advances the counter) pass the time. */
		assert_true(hpf_counter - before < (uint64_t)RESTART_BACKOFF_MS * HPF_COUNTER_HZ / 1000u);
		char want[HPF_LOG_LINE];
		snprintf(want, sizeof(want), "partition \"linux\": restarting (PSCI SYSTEM_RESET), "
			 "boot %u", k + 2u);
		assert_string_equal(last_restart_line(), want);
	}
	assert_int_equal(p->stats.restarts, 10);
}

static void test_restart_reports_are_rate_limited_too(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	hpf_core_id = 2;
	/* 40 resets at one instant: the first 16 are announced (with their
	 * counters), the rest only counted. The loader's yields between its
	 * pieces pass no time here, or 40 reloads would come to about a
	 * second and refill the share. */
	hpf_relax_ticks = 0;
	for (unsigned int k = 0; k < 40u; k++) {
		assert_int_equal(run_restart(p, "PSCI SYSTEM_RESET"), 1);
	}
	assert_int_equal(p->stats.restarts, 40);
	assert_int_equal(p->boot_count, 41);
	assert_int_equal(p->log_limit.suppressed, 40u - LOG_LIMIT_BURST);
	/* Its stop says what was not said. */
	forget();
	assert_int_equal(run_stop(p, PART_STOPPED, "PSCI SYSTEM_OFF"), 1);
	assert_log(0, LOG_LEVEL_WARN, "partition \"linux\": 24 lines it caused suppressed (at most "
		   "16 at once, then 4 a second)");
	assert_log(1, LOG_LEVEL_INFO, "partition \"linux\": stopped (PSCI SYSTEM_OFF); other "
		   "partitions unaffected");
	assert_true(hpf_log_find(LOG_LEVEL_INFO, "partition \"linux\": so far 0 watchdog expiries, "
				 "24 lines suppressed") >= 0);
}

static void test_fault_storm_under_log_goes_on(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	struct fault_info fi = other_fault(FAULT_SERROR);
	hpf_core_id = 3;
	for (unsigned int k = 0; k < 100u; k++) {
		assert_int_equal(run_fault(&fi), 0);
	}
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(p->stats.serrors, 100);
	assert_int_equal(hpf_park_count, 0);
	assert_int_equal(hpf_log_count, LOG_LIMIT_BURST);
}

/* ---- the watchdog ------------------------------------------------------------ */

#define WDT0            0x0a100000ULL
#define WDOG_LOAD       0x000u
#define WDOG_CONTROL    0x008u
#define WDOG_INTCLR     0x00cu
#define WDOG_ENABLE     3u              /* INTEN | RESEN */

static int setup_wdt(void **state, uint32_t policy)
{
	setup(state);
	hpf_cfgs[0].fault_policy = policy;
	hpf_cfgs[0].watchdog_ipa = WDT0;
	partitions_init(&board);
	partitions_start_all();
	forget();
	return 0;
}

static int setup_wdt_log(void **state)
{
	return setup_wdt(state, BH_FAULT_LOG);
}

static int setup_wdt_restart(void **state)
{
	return setup_wdt(state, BH_FAULT_RESTART);
}

static int setup_wdt_halt(void **state)
{
	return setup_wdt(state, BH_FAULT_HALT);
}

/* A watchdog access through the MMIO path; 1 if it parked the core (the
 * policy applied), else 0 with the result in *r. */
static int run_wdt_mmio(uint32_t off, int is_write, unsigned int size, uint64_t *v,
			enum mmio_result *r)
{
	if (setjmp(hpf_park_jmp) != 0) {
		return 1;
	}
	hpf_park_armed = 1;
	*r = vcpu_handle_mmio(WDT0 + off, is_write, size, v);
	hpf_park_armed = 0;
	return 0;
}

static void wdt_write(uint32_t off, uint32_t val)
{
	uint64_t v = val;
	enum mmio_result r = MMIO_UNMAPPED;
	assert_int_equal(run_wdt_mmio(off, 1, 4, &v, &r), 0);
	assert_int_equal(r, MMIO_DONE);
}

static int run_timer(void)
{
	if (setjmp(hpf_park_jmp) != 0) {
		return 1;
	}
	hpf_park_armed = 1;
	vwdt_timer_fired();
	hpf_park_armed = 0;
	return 0;
}

/* Load 999 and start: a reset 2000 clocks (= counter ticks here) later. */
static uint64_t start_wdt(void)
{
	hpf_core_id = 3;
	uint64_t t = hpf_counter;
	wdt_write(WDOG_LOAD, 999);
	wdt_write(WDOG_CONTROL, WDOG_ENABLE);
	return t;
}

static void test_watchdog_is_emulated_where_configured(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	assert_int_equal(p->wdt.base_ipa, WDT0);
	assert_int_equal(rtos_part()->wdt.base_ipa, 0);
	hpf_core_id = 2;
	assert_int_equal(vcpu_mmio_is_emulated(WDT0), 1);
	assert_int_equal(vcpu_mmio_is_emulated(WDT0 + 0xfffu), 1);
	assert_int_equal(vcpu_mmio_is_emulated(WDT0 + 0x1000u), 0);
	/* Its IDs, as the AMBA bus reads them; counted as emulated accesses. */
	uint64_t v = 0;
	enum mmio_result r = MMIO_UNMAPPED;
	assert_int_equal(run_wdt_mmio(0xfe0u, 0, 4, &v, &r), 0);
	assert_int_equal(r, MMIO_DONE);
	assert_int_equal(v, 0x05);
	assert_int_equal(p->stats.mmio_emulated, 1);
	/* An access it does not take: the bus's external abort. */
	assert_int_equal(run_wdt_mmio(0xfe0u, 0, 1, &v, &r), 0);
	assert_int_equal(r, MMIO_REFUSED);
	assert_int_equal(p->stats.mmio_emulated, 1);
	/* rtos has none: the same IPA is nothing there. */
	hpf_core_id = 5;
	assert_int_equal(vcpu_mmio_is_emulated(WDT0), 0);
	assert_int_equal(vcpu_handle_mmio(WDT0, 0, 4, &v), MMIO_UNMAPPED);
}

static void test_watchdog_arms_the_el2_timer_for_its_deadline(void **state)
{
	(void)state;
	uint64_t t = start_wdt();
	assert_int_equal(hpf_timer_armed, 1);
	assert_int_equal(hpf_timer_cval, t + 1999u);
	/* A ping moves it on. */
	hpf_counter += 1500u;
	wdt_write(WDOG_INTCLR, 1);
	assert_int_equal(hpf_timer_cval, t + 1500u + 1999u);
	/* Stopped: nothing to wait for. */
	wdt_write(WDOG_CONTROL, 0);
	assert_int_equal(hpf_timer_armed, 0);
}

static void test_watchdog_timer_early_rearms_on_time_expires_under_log(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	uint64_t t = start_wdt();
	/* Fired early (another core pinged meanwhile, say): nothing, re-armed. */
	hpf_counter = t + 1000u;
	assert_int_equal(run_timer(), 0);
	assert_int_equal(p->stats.watchdog_expiries, 0);
	assert_int_equal(hpf_timer_armed, 1);
	assert_int_equal(hpf_timer_cval, t + 1999u);
	/* On time: the reset fired. "log": said, counted, it goes on, and the
	 * next run down is the next reset. */
	hpf_counter = t + 1999u;
	assert_int_equal(run_timer(), 0);
	assert_int_equal(p->stats.watchdog_expiries, 1);
	assert_int_equal(p->state, PART_RUNNING);
	assert_log(0, LOG_LEVEL_WARN, "partition \"linux\": watchdog expired (SP805 reset, 1 so "
		   "far); policy log");
	assert_int_equal(hpf_timer_armed, 1);
	assert_int_equal(hpf_timer_cval, t + 2999u);
	assert_int_equal(hpf_park_count, 0);
}

static void test_watchdog_expiry_under_restart_reloads_a_fresh_watchdog(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	uint64_t t = start_wdt();
	hpf_counter = t + 5000u;
	assert_int_equal(run_timer(), 1);
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(p->stats.watchdog_expiries, 1);
	assert_int_equal(p->stats.restarts, 1);
	assert_int_equal(p->boot_count, 2);
	assert_log(1, LOG_LEVEL_INFO, "partition \"linux\": restarting (watchdog expired), boot 2");
	/* The new run's watchdog is out of reset. */
	assert_int_equal(p->wdt.control, 0);
	assert_int_equal(p->wdt.load, 0xffffffffu);
	assert_int_equal(p->wdt.base_ipa, WDT0);
	/* A timer still armed for the old run finds nothing to do. */
	assert_int_equal(run_timer(), 0);
	assert_int_equal(p->stats.watchdog_expiries, 1);
	assert_int_equal(hpf_timer_armed, 0);
}

static void test_watchdog_expiry_under_halt_found_by_an_access(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	uint64_t t = start_wdt();
	/* The timer has not been taken yet; the partition's next access
	 * finds the reset that happened at the deadline. */
	hpf_counter = t + 2500u;
	uint64_t v = 1;
	enum mmio_result r = MMIO_UNMAPPED;
	assert_int_equal(run_wdt_mmio(WDOG_INTCLR, 1, 4, &v, &r), 1);
	assert_int_equal(p->state, PART_HALTED);
	assert_int_equal(p->stats.watchdog_expiries, 1);
	assert_true(hpf_log_find(LOG_LEVEL_INFO, "partition \"linux\": halted (watchdog expired); "
				 "other partitions unaffected") >= 0);
	assert_int_equal(p->wdt.control, 0);
	/* And a timer fired on a halted partition's core does nothing. */
	assert_int_equal(run_timer(), 0);
	assert_int_equal(p->stats.watchdog_expiries, 1);
}

static void test_watchdog_timer_on_a_core_without_partition(void **state)
{
	(void)state;
	hpf_core_id = 7;
	assert_int_equal(run_timer(), 0);
	assert_int_equal(hpf_timer_armed, 0);
	assert_int_equal(hpf_timer_stops, 1);
	assert_int_equal(hpf_log_count, 0);
}

/* ---- counters ---------------------------------------------------------------- */

static void test_counter_groups(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	uint64_t c[3];
	p->stats = (struct partition_stats){ .data_aborts = 1, .insn_aborts = 2, .undefined = 3,
					     .serrors = 4, .unknown_calls = 5, .psci_calls = 6,
					     .mmio_emulated = 7, .restarts = 8,
					     .watchdog_expiries = 9 };
	p->vcpus[0].irqs_injected = 10;
	p->vcpus[2].irqs_injected = 5;
	p->vcpus[1].irqs_stray = 11;
	p->vcpus[2].sgis_refused = 12;
	p->log_limit.suppressed_total = 13;
	static const uint64_t want[][3] = {
		{ 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 }, { 15, 11, 12 }, { 0, 0, 0 }, { 0, 13, 1 },
	};
	for (uint32_t g = 0; g < PARTITION_COUNTER_GROUPS; g++) {
		assert_int_equal(partition_counter_group(p, g, c), 0);
		assert_int_equal(c[0], want[g][0]);
		assert_int_equal(c[1], want[g][1]);
		assert_int_equal(c[2], want[g][2]);
	}
	c[0] = c[1] = c[2] = 77;
	assert_int_equal(partition_counter_group(p, PARTITION_COUNTER_GROUPS, c), -1);
	assert_int_equal(partition_counter_group(p, UINT32_MAX, c), -1);
	assert_int_equal(c[0] + c[1] + c[2], 0);
}

static void test_counters_printed_on_request_within_its_share(void **state)
{
	(void)state;
	struct partition *p = linux_part();
	char counters[HPF_LOG_LINE];
	expected_counters(counters, sizeof(counters), "linux", 0, 0, 0, 0, 0);
	partition_print_counters(p);
	assert_int_equal(hpf_log_count, 1);
	assert_log(0, LOG_LEVEL_INFO, counters);
	/* Asked in a loop: one report a token. */
	for (unsigned int k = 0; k < 100u; k++) {
		partition_print_counters(p);
	}
	assert_int_equal(hpf_log_count, LOG_LIMIT_BURST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_builds_and_binds, setup_built),
		cmocka_unit_test_setup(test_init_core_offline_not_started, setup),
		cmocka_unit_test_setup(test_init_core_offline_message_counts_online, setup),
		cmocka_unit_test_setup(test_init_core_beyond_board, setup),
		cmocka_unit_test_setup(test_init_core_beyond_board_even_if_marked_online, setup),
		cmocka_unit_test_setup(test_init_mpidr_mismatch, setup),
		cmocka_unit_test_setup(test_init_ram_not_board_ram, setup),
		cmocka_unit_test_setup(test_init_ram_starts_before_bank, setup),
		cmocka_unit_test_setup(test_init_ram_bank_missing, setup),
		cmocka_unit_test_setup(test_init_device_region_not_checked_as_ram, setup),
		cmocka_unit_test_setup(test_init_malformed_tables, setup),
		cmocka_unit_test_setup(test_init_core_in_two_partitions_panics, setup),
		cmocka_unit_test_setup(test_init_core_twice_in_one_partition_panics, setup),
		cmocka_unit_test_setup(test_init_id_mismatch_panics, setup),
		cmocka_unit_test_setup(test_start_all_loads_and_posts, setup_built),
		cmocka_unit_test_setup(test_start_all_only_once, setup_built),
		cmocka_unit_test_setup(test_start_kernel_outside_ram, setup_built),
		cmocka_unit_test_setup(test_start_dtb_straddling_regions, setup_built),
		cmocka_unit_test_setup(test_start_boot_count_cell_bounds, setup_built),
		cmocka_unit_test_setup(test_start_stage2_failure, setup_built),
		cmocka_unit_test_setup(test_start_stage2_failure_first_region, setup_built),
		cmocka_unit_test_setup(test_start_el2_map_failure, setup_built),
		cmocka_unit_test_setup(test_ram_pa, setup),
		cmocka_unit_test_setup(test_ram_pa_region_at_top_of_ipa_space, setup),
		cmocka_unit_test_setup(test_ram_pa_device_and_unlisted_regions, setup),
		cmocka_unit_test_setup(test_fault_log_returns_and_counts, setup_running),
		cmocka_unit_test_setup(test_fault_lines_are_rate_limited_in_time, setup_running),
		cmocka_unit_test_setup(test_fault_without_vcpu_panics, setup_running),
		cmocka_unit_test_setup(test_fault_halt, setup_running_halt),
		cmocka_unit_test_setup(test_fault_halt_single_core_partition, setup_running),
		cmocka_unit_test_setup(test_fault_unknown_policy_halts, setup_running),
		cmocka_unit_test_setup(test_fault_halt_flushes_console, setup_running_halt),
		cmocka_unit_test_setup(test_second_claim_only_parks, setup_running_halt),
		cmocka_unit_test_setup(test_claim_while_restarting_only_parks, setup_running),
		cmocka_unit_test_setup(test_stop_system_off, setup_running),
		cmocka_unit_test_setup(test_stop_core_timeout_logged, setup_running),
		cmocka_unit_test_setup(test_last_stop_powers_off, setup_running),
		cmocka_unit_test_setup(test_last_stop_stays_up_when_asked, setup_running),
		cmocka_unit_test_setup(test_stop_beside_restarting_keeps_power, setup_running),
		cmocka_unit_test_setup(test_start_loads_initrd, setup_built),
		cmocka_unit_test_setup(test_state_names, NULL),
		cmocka_unit_test_setup(test_fault_restart, setup_running_restart),
		cmocka_unit_test_setup(test_fault_restart_twice, setup_running_restart),
		cmocka_unit_test_setup(test_restart_system_reset, setup_running),
		cmocka_unit_test_setup(test_restart_keeps_its_stage2, setup_running),
		cmocka_unit_test_setup(test_restart_reload_failure, setup_running),
		cmocka_unit_test_setup(test_mmio_console, setup_running),
		cmocka_unit_test_setup(test_mmio_console_refuses_what_a_pl011_does_not_take,
				       setup_running),
		cmocka_unit_test_setup(test_mmio_other_partition_and_no_vcpu, setup_running),
		cmocka_unit_test_setup(test_fault_storm_under_restart_halts, setup_running_restart),
		cmocka_unit_test_setup(test_faults_spread_out_reach_the_restart_limit,
				       setup_running_restart),
		cmocka_unit_test_setup(test_restarts_further_apart_than_the_window_go_on,
				       setup_running_restart),
		cmocka_unit_test_setup(test_system_reset_is_neither_limited_nor_delayed, setup_running),
		cmocka_unit_test_setup(test_restart_reports_are_rate_limited_too, setup_running),
		cmocka_unit_test_setup(test_fault_storm_under_log_goes_on, setup_running),
		cmocka_unit_test_setup(test_watchdog_is_emulated_where_configured, setup_wdt_log),
		cmocka_unit_test_setup(test_watchdog_arms_the_el2_timer_for_its_deadline, setup_wdt_log),
		cmocka_unit_test_setup(test_watchdog_timer_early_rearms_on_time_expires_under_log,
				       setup_wdt_log),
		cmocka_unit_test_setup(test_watchdog_expiry_under_restart_reloads_a_fresh_watchdog,
				       setup_wdt_restart),
		cmocka_unit_test_setup(test_watchdog_expiry_under_halt_found_by_an_access,
				       setup_wdt_halt),
		cmocka_unit_test_setup(test_watchdog_timer_on_a_core_without_partition, setup_wdt_log),
		cmocka_unit_test_setup(test_counter_groups, setup_running),
		cmocka_unit_test_setup(test_counters_printed_on_request_within_its_share, setup_running),
	};
	return cmocka_run_group_tests_name("partition", tests, NULL, NULL);
}
