/*
 * The boot sequence of the generic hypervisor: read the board, bring every
 * core online, report, build the partitions (stage 2, vCPUs) and start them.
 * After that the boot core, like every other, waits in core_idle() for its
 * own partition's requests.
 */
#include "arch.h"
#include "board.h"
#include "bulkhead.h"
#include "check.h"
#include "config_tables.h"
#include "config.h"
#include "console_mux.h"
#include "cpus.h"
#include "vcpu.h"
#include "fmt.h"
#include "log.h"
#include "partition.h"
#include "bh_string.h"
#include "plat.h"
#include "smccc.h"

extern char __image_start[], __image_end[];

static struct board_info board;

#ifdef CONFIG_DEBUG_FAULT_TRIGGER
/* bulkhead.fault=KIND[@CORE]: make a core take an EL2 exception, to test
 * the fault dump. Debug builds only. */
static void maybe_force_fault(unsigned int core)
{
	char arg[32];
	if (!board_bootarg(&board, "bulkhead.fault", arg, sizeof(arg))) {
		return;
	}
	unsigned int target = 0;
	for (unsigned int i = 0; arg[i] != '\0'; i++) {
		if (arg[i] == '@') {
			arg[i] = '\0';
			target = (unsigned int)strtoul(&arg[i + 1], NULL, 10);
			break;
		}
	}
	if (strcmp(arg, "read-partition-ram") == 0 || strcmp(arg, "read-board-dtb") == 0) {
		return;         /* after loading: maybe_read_after_start() */
	}
	if (target == core && strcmp(arg, "in-console") == 0) {
		log_debug_fault_in_next_line();
		LOG_INFO("core %u: forcing an EL2 fault while this line is printed", core);
		return;
	}
	if (target == core) {
		LOG_INFO("core %u: forcing an EL2 fault (%s), as bootargs ask", core, arg);
		arch_debug_force_fault(arg);
		LOG_ERROR("core %u: fault kind '%s' unknown; expected data-abort, undef, "
			  "write-text, exec-data or stack-overflow", core, arg);
	}
}

/* bulkhead.fault=read-partition-ram@ID: after every partition is loaded,
 * core 0 reads the first byte of partition ID's RAM, which EL2 no longer
 * maps: the fault dump names the address (FAR_EL2). bulkhead.fault=
 * read-board-dtb: the same with the board DTB's window (fdt, the address
 * the boot read it at), unmapped once it was read. */
static void maybe_read_after_start(const void *fdt)
{
	char arg[32];
	if (!board_bootarg(&board, "bulkhead.fault", arg, sizeof(arg))) {
		return;
	}
	if (strcmp(arg, "read-board-dtb") == 0) {
		LOG_INFO("core 0: reading the board DTB at EL2 address 0x%lx, as bootargs ask",
			 (uint64_t)(uintptr_t)fdt);
		(void)*(const volatile uint8_t *)fdt;
		LOG_ERROR("core 0: read the board DTB after boot without a fault");
		return;
	}
	if (strncmp(arg, "read-partition-ram@", 19) != 0) {
		return;
	}
	unsigned long id = strtoul(&arg[19], NULL, 10);
	if (id >= bh_system.npartitions) {
		LOG_ERROR("bulkhead.fault=%s: no partition %lu", arg, id);
		return;
	}
	const struct bh_partition_config *c = &bh_system.partitions[id];
	for (unsigned int i = 0; i < c->nregions; i++) {
		if (c->regions[i].kind == BH_REGION_RAM) {
			LOG_INFO("core 0: reading partition \"%s\"'s RAM at 0x%lx from EL2, as "
				 "bootargs ask", c->name, c->regions[i].pa);
			(void)*(volatile uint8_t *)(uintptr_t)c->regions[i].pa;
			LOG_ERROR("core 0: read partition RAM at 0x%lx from EL2 without a fault",
				  c->regions[i].pa);
			return;
		}
	}
}

/* bulkhead.irq-at-boot: interrupts raised before any partition is built. */
static void maybe_raise_irqs(void)
{
	char arg[4];
	if (board_bootarg(&board, "bulkhead.irq-at-boot", arg, sizeof(arg))) {
		LOG_INFO("raising interrupts during initialisation, as bootargs ask");
		arch_debug_raise_irqs(board.mpidr, board.ncpus);
	}
}
#else
static void maybe_force_fault(unsigned int core)
{
	(void)core;
}

static void maybe_read_after_start(const void *fdt)
{
	(void)fdt;
}

static void maybe_raise_irqs(void)
{
}
#endif

static unsigned int gic_version;
/* The cores came from the board description the image was built for (not
 * from the DTB): said in the cores line. */
static int cores_from_description;

/* One line per distinct EL2 vector choice, with the cores that made it:
 * "EL2 vectors on cores 0-3: no hardening (Cortex-A53; BHB: not affected)";
 * a big.LITTLE board gets a line per cluster. Boot only; bounded by
 * CONFIG_MAX_CORES squared. */
static void report_vectors(void)
{
	uint8_t said[CONFIG_MAX_CORES] = { 0 };
	for (unsigned int i = 0; i < board.ncpus; i++) {
		if (said[i] || !cpus_is_online(i)) {
			continue;
		}
		const char *desc = arch_el2_vectors_desc(i);
		uint64_t set[CONFIG_MAX_CORES];
		unsigned int n = 0;
		for (unsigned int j = i; j < board.ncpus; j++) {
			if (!said[j] && cpus_is_online(j) && strcmp(arch_el2_vectors_desc(j), desc) == 0) {
				said[j] = 1;
				set[n++] = j;
			}
		}
		char cores[64];
		(void)bh_fmt_runs(cores, sizeof(cores), set, n, 0);
		LOG_INFO("EL2 vectors on core%s %s: %s", n == 1 ? "" : "s", cores, desc);
	}
}

/* Few lines, each saying much: until the first partition runs, every line
 * is time it waits for (formatting and a polled UART: about 4 us a line
 * under QEMU's icount). */
static void banner(unsigned int online)
{
	uint64_t ram = 0;
	for (unsigned int i = 0; i < board.nram; i++) {
		ram += board.ram[i].size;
	}
	unsigned int gic = gic_version;
	uint64_t mpidr[CONFIG_MAX_CORES];
	unsigned int n = 0;
	for (unsigned int core = 0; core < board.ncpus; core++) {
		if (cpus_is_online(core)) {
			mpidr[n++] = board.mpidr[core];
		}
	}
	char mpidrs[96];
	(void)bh_fmt_runs(mpidrs, sizeof(mpidrs), mpidr, n, 1);

	LOG_INFO("%u core%s online at EL2 (MPIDR %s%s%s), boot core %u; memory: %lu MiB at 0x%lx; "
		 "hypervisor image 0x%lx-0x%lx", online, online == 1 ? "" : "s", mpidrs,
		 cores_from_description ? "; from the board description " : "",
		 cores_from_description ? bh_system.board : "", arch_core_id(), ram >> 20,
		 board.ram[0].base, (uint64_t)(uintptr_t)__image_start,
		 (uint64_t)(uintptr_t)__image_end - 1);
	report_vectors();
	LOG_INFO("interrupt controller: GICv%u (distributor at 0x%lx)", gic, plat_gicd_base());
	if (gic != CONFIG_GIC_VERSION) {
		LOG_ERROR("this image is built for GICv%d but the board has GICv%u: set "
			  "CONFIG_GIC_V%u with 'make menuconfig', or run QEMU with gic-version=%d",
			  CONFIG_GIC_VERSION, gic, gic, CONFIG_GIC_VERSION);
		LOG_ERROR("stopping: no partition is started");
		arch_halt_core();
	}
}

/*
 * An image with partitions was checked against its board description
 * (platforms/BOARD/board.dts): its cores are the ones that description lists,
 * and from the running board's DTB only the RAM is needed (to refuse a
 * partition whose RAM this board lacks) - a short walk, where the whole tree
 * would cost most of the boot time. A hypervisor-only image, for bring-up,
 * reads the cores from the DTB instead, however many there are.
 */
static int read_board(const void *fdt)
{
	if (bh_system.npartitions == 0 || bh_system.board_ncpus == 0) {
		return board_probe(fdt, &board);
	}
#ifdef CONFIG_DEBUG_FAULT_TRIGGER
	int with_bootargs = 1;
#else
	int with_bootargs = 0;
#endif
	if (board_probe_memory(fdt, &board, with_bootargs) != 0) {
		return -1;
	}
	board.ncpus_described = bh_system.board_ncpus;
	board.ncpus = bh_system.board_ncpus < CONFIG_MAX_CORES ? bh_system.board_ncpus :
								   CONFIG_MAX_CORES;
	for (unsigned int i = 0; i < board.ncpus; i++) {
		board.mpidr[i] = bh_system.board_mpidr[i];
	}
	cores_from_description = 1;
	return 0;
}

void bulkhead_main(const void *fdt, uint64_t fdt_pa)
{
	LOG_INFO("Bulkhead %s on %s, %s build, starting; device tree at 0x%lx", BULKHEAD_VERSION,
		 plat_name(), CONFIG_DEBUG ? "debug" : "release", fdt_pa);
	if (read_board(fdt) != 0) {
		LOG_ERROR("cannot continue without a usable board device tree; stopping");
		arch_halt_core();
	}
	/* Everything needed from the DTB is in `board` now (its bootargs
	 * too): the window onto it goes, before any partition is loaded. */
	arch_board_dtb_done();
	CHECK(board.mpidr[0] == arch_mpidr(),
	      "the boot core (MPIDR 0x%lx) must be the first cpu in /cpus (0x%lx)", arch_mpidr(),
	      board.mpidr[0]);
	if (board.ncpus_described > board.ncpus) {
		LOG_WARN("board has %u cores, this image supports %u (CONFIG_MAX_CORES): "
			 "cores %u-%u stay off", board.ncpus_described, board.ncpus, board.ncpus,
			 board.ncpus_described - 1);
	}

	/* Every bounded wait (a core coming up, a core stopping) counts in
	 * counter ticks: with a frequency of 0 each would time out at once, and
	 * a stop would be reported failed while the core still runs. */
	if (arch_counter_freq() == 0) {
		LOG_ERROR("the system counter's frequency (CNTFRQ_EL0) is 0: firmware must set it; "
			  "stopping, no partition is started");
		arch_halt_core();
	}
	gic_version = arch_gic_version(plat_gicd_base());
	if (gic_version == 3 && CONFIG_GIC_VERSION == 3) {
		arch_irq_init_boot(plat_gicd_base(), plat_gicr_base());
		arch_irq_init_core(0);
	}
	unsigned int online = cpus_start_secondaries(&board);
	banner(online);
	maybe_force_fault(0);
	if (gic_version == 3) {
		maybe_raise_irqs();
	}
	partitions_init(&board);
	if (gic_version == 3) {
		console_mux_init();
	}
	LOG_INFO("boot complete: %u partition%s", partition_count(),
		 partition_count() == 1 ? "" : "s");
	partitions_start_all();
	maybe_read_after_start(fdt);
	core_idle();
}

void bulkhead_secondary_main(unsigned int core)
{
	if (gic_version == 3 && CONFIG_GIC_VERSION == 3) {
		arch_irq_init_core(core);
	}
	/* Silent: the boot core says which cores came online, and what their
	 * EL2 vectors run, in a line or two for all of them (banner). */
	cpus_mark_online(core);
	maybe_force_fault(core);
	core_idle();
}
