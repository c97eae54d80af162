/*
 * What the running board says about itself, read once from its device tree
 * at boot (core 0, before any partition starts; libfdt uses FP/SIMD, which
 * EL2 allows only then).
 */
#ifndef BULKHEAD_BOARD_H
#define BULKHEAD_BOARD_H

#include <stdint.h>

#include "config.h"

#define BOARD_MAX_RAM_REGIONS   4u
#define BOARD_BOOTARGS_LEN      256u

struct board_ram {
	uint64_t base;
	uint64_t size;
};

struct board_info {
	/* Cores in /cpus order; index = Bulkhead's core number. */
	uint32_t ncpus;                 /* usable: min(described, CONFIG_MAX_CORES) */
	uint32_t ncpus_described;
	uint64_t mpidr[CONFIG_MAX_CORES];
	uint32_t nram;
	struct board_ram ram[BOARD_MAX_RAM_REGIONS];
	char bootargs[BOARD_BOOTARGS_LEN];
};

/* Fills `b` from the DTB: cores, RAM, bootargs. Returns 0, or -1 after
 * logging what is missing. */
int board_probe(const void *fdt, struct board_info *b);

/* Only RAM (and bootargs if asked): for images whose cores come from the
 * build-time board description. Stops walking as soon as it has them. */
int board_probe_memory(const void *fdt, struct board_info *b, int with_bootargs);

/* Value of "key=value" in the board's /chosen bootargs, copied into out;
 * returns 1 if the key is present. */
int board_bootarg(const struct board_info *b, const char *key, char *out, unsigned int outlen);

#endif /* BULKHEAD_BOARD_H */
