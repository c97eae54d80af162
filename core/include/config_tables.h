/*
 * The system configuration as the hypervisor sees it.
 *
 * tools/bhcfg reads a configuration (configs/NAME.dts) and the board description
 * (platforms/BOARD/board.dts), checks it, and writes build/NAME/gen/config_tables.c,
 * which defines `bh_system` below, plus build/NAME/gen/images.S, which packs every
 * partition's kernel and device tree into the image. Every check that can be made
 * at build time is made there; the hypervisor trusts these tables except for the
 * facts only the running board knows (how many cores it really has), which it
 * checks again at boot.
 *
 * This header is shared by the EL2 code and the host tool, so it uses only
 * fixed-width types and no pointers into the host's memory: the generator emits
 * initialisers, never copies of structures.
 */
#ifndef BULKHEAD_CONFIG_TABLES_H
#define BULKHEAD_CONFIG_TABLES_H

#include <stdint.h>

/* Upper bounds of the generated arrays. Kconfig's MAX_CORES/MAX_PARTITIONS are
 * the limits a configuration is checked against; these only size the structs. */
#define BH_CFG_MAX_CPUS        32u
#define BH_CFG_MAX_REGIONS     16u
#define BH_CFG_MAX_IRQS        32u
#define BH_CFG_NAME_LEN        32u
#define BH_CFG_BOOTARGS_LEN    256u

/* The clock of a partition's emulated SP805 watchdog (core/vwdt.c): what its
 * counter decrements at, and the frequency bhcfg gives the fixed clock its
 * device tree node refers to, so a guest computes its loads right. */
#define BH_WDT_CLOCK_HZ        1000000u

/* What a stage-2 region maps. */
enum bh_region_kind {
	BH_REGION_RAM = 1,     /* Normal write-back memory, read/write/execute */
	BH_REGION_DEVICE = 2,  /* Device-nGnRE, read/write, never executable */
};

/* One stage-2 mapping: IPA [ipa, ipa+size) -> PA [pa, pa+size). Page aligned. */
struct bh_region {
	uint64_t pa;
	uint64_t ipa;
	uint64_t size;
	uint32_t kind;         /* enum bh_region_kind */
	uint32_t reserved;
};

enum bh_fault_policy {
	BH_FAULT_LOG = 1,      /* inject the abort / UNDEFINED, as hardware would */
	BH_FAULT_HALT = 2,     /* stop the partition's cores */
	BH_FAULT_RESTART = 3,  /* reload the pristine image and start again */
};

enum bh_irq_delivery {
	BH_IRQ_VIRTUAL = 1,
	BH_IRQ_DIRECT = 2,
};

/* A packed blob: a partition kernel or its generated device tree. */
struct bh_blob {
	const uint8_t *data;   /* in the hypervisor image (read-only, pristine) */
	uint64_t size;
	uint64_t load_ipa;     /* where the loader copies it, an IPA inside RAM */
};

struct bh_partition_config {
	char name[BH_CFG_NAME_LEN];     /* the configuration's label, NUL-terminated */
	uint32_t id;                    /* index in bh_system.partitions, also VMID+1 */
	uint32_t ncpus;
	uint32_t cpus[BH_CFG_MAX_CPUS]; /* board core index of virtual CPU i */
	uint32_t nregions;
	struct bh_region regions[BH_CFG_MAX_REGIONS]; /* RAM first, then devices */
	uint32_t nirqs;
	uint32_t irqs[BH_CFG_MAX_IRQS]; /* INTIDs of its devices' SPIs */
	uint32_t fault_policy;          /* enum bh_fault_policy */
	uint32_t irq_delivery;          /* enum bh_irq_delivery */
	uint64_t entry_ipa;             /* first instruction of the kernel */
	struct bh_blob kernel;
	struct bh_blob dtb;
	struct bh_blob initrd;          /* size 0: none */
	/* Byte offset, inside dtb.data, of the 4-byte big-endian value of
	 * /chosen/bulkhead,boot-count. The loader stores the partition's boot count
	 * there after each copy, so a guest can tell a restart from a first boot
	 * without a hypercall and without libfdt running at EL2 after boot. */
	uint64_t dtb_boot_count_offset;
	uint64_t console_ipa;           /* emulated PL011 the partition writes to, 0 if none */
	uint32_t console_intid;         /* its interrupt (a spare SPI, in irqs[]), 0 if none */
	uint32_t console_focus;         /* 1: console input goes here first (console-focus) */
	uint32_t console_passthrough;   /* 1: the board's console UART is its device */
	uint64_t watchdog_ipa;          /* emulated SP805 watchdog's page, 0 if none */
};

struct bh_system_config {
	char name[BH_CFG_NAME_LEN];     /* configuration file name, without .dts */
	char board[BH_CFG_NAME_LEN];    /* platforms/<board> */
	uint32_t board_ncpus;           /* cores the board description lists */
	uint64_t board_mpidr[BH_CFG_MAX_CPUS]; /* MPIDR affinity of board core i */
	uint32_t npartitions;
	const struct bh_partition_config *partitions;
	/* Once every partition has stopped (SYSTEM_OFF, or halted by its
	 * policy): 0 powers the board off through PSCI SYSTEM_OFF, so QEMU-based
	 * validation ends by itself; 1 keeps the hypervisor up (configuration
	 * property on-all-stopped = "stay-up"). */
	uint32_t stay_up;
};

extern const struct bh_system_config bh_system;

#endif /* BULKHEAD_CONFIG_TABLES_H */
