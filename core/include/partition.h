/*
 * Partitions: the configuration's tables brought to life, their state, their
 * fault policy and counters, and their lifecycle (start, stop, restart).
 */
#ifndef BULKHEAD_PARTITION_H
#define BULKHEAD_PARTITION_H

#include <stdint.h>

#include "config.h"
#include "config_tables.h"
#include "spinlock.h"
#include "vcpu.h"
#include "vgic.h"
#include "vuart.h"

enum partition_state {
	PART_NOT_STARTED = 0,   /* a core it needs is missing, or it failed to build */
	PART_RUNNING,
	PART_RESTARTING,
	PART_STOPPED,           /* SYSTEM_OFF */
	PART_HALTED,            /* stopped by its fault policy */
};

struct partition_stats {
	uint32_t data_aborts;
	uint32_t insn_aborts;
	uint32_t undefined;
	uint32_t serrors;
	uint32_t unknown_calls;   /* SMCCC ids answered NOT_SUPPORTED: not faults */
	uint32_t psci_calls;
	uint32_t mmio_emulated;
	uint32_t restarts;
};

struct partition {
	const struct bh_partition_config *cfg;
	uint32_t state;                       /* enum partition_state */
	uint32_t boot_count;
	uint32_t epoch;                       /* bumped on every (re)start; see core_post_start */
	uint32_t fault_log_budget;            /* fault lines still printed in full */
	spinlock_t lock;                      /* state changes */
	struct partition_stats stats;
	struct vcpu vcpus[CONFIG_MAX_CORES];   /* bhcfg: ncpus <= --max-cpus = MAX_CORES */
	struct vuart vuart;
	struct vgic vgic;                     /* its view of the GIC */
	uint64_t gicd_ipa;                    /* where it sees the distributor */
	uint64_t gicr_ipa;                    /* and its redistributor frames */
};

struct board_info;

/* Builds every partition's stage 2 and binds its cores; boot core, once,
 * after the secondaries are online. */
void partitions_init(const struct board_info *b);
/* Loads every startable partition and sends its first vCPU off. */
void partitions_start_all(void);

struct partition *partition_get(unsigned int id);
unsigned int partition_count(void);
const char *partition_state_name(uint32_t state);

/* Translates a partition IPA inside its RAM to a physical address, checking
 * [ipa, ipa+size) lies in one RAM region. Returns 0 if it does not. */
uint64_t partition_ram_pa(const struct partition *p, uint64_t ipa, uint64_t size);

/* Lifecycle, called on one of the partition's own cores. None returns. */
void partition_restart(struct partition *p, const char *why) __attribute__((noreturn));
void partition_stop(struct partition *p, uint32_t new_state, const char *why)
	__attribute__((noreturn));

#endif /* BULKHEAD_PARTITION_H */
