/*
 * Partitions: the configuration's tables brought to life, their state, their
 * fault policy and counters, and their lifecycle (start, stop, restart).
 */
#ifndef BULKHEAD_PARTITION_H
#define BULKHEAD_PARTITION_H

#include <stdint.h>

#include "config.h"
#include "config_tables.h"
#include "log.h"
#include "spinlock.h"
#include "vcpu.h"
#include "vgic.h"
#include "vuart.h"
#include "vwdt.h"

/*
 * A fault storm: FAULT_STORM_FAULTS faults of one partition within
 * FAULT_STORM_MS, counted across its restarts. Under "log" the partition
 * goes on (every fault is answered, its lines stay within its rate limit);
 * under any other policy a storm is a failure of the policy itself: "halt"
 * halts at the first fault anyway, "restart" stops restarting and halts
 * ("fault storm"), so a partition that faults at once after every restart
 * does not spin through restarts.
 */
#define FAULT_STORM_FAULTS      4
#define FAULT_STORM_MS          1000
/*
 * The restart limit of the policies (faults under "restart", the watchdog):
 * the RESTART_LIMIT + 1-th restart within RESTART_WINDOW_MS halts the
 * partition instead ("restart limit"). Back-off: the k-th restart within
 * the window (k >= 2) waits RESTART_BACKOFF_MS << (k - 2) first. A
 * partition's own PSCI SYSTEM_RESET is its own business: neither limited
 * nor delayed (its lines are rate-limited like any other).
 * These four have no suffix: they are spelled into messages.
 */
#define RESTART_LIMIT           5
#define RESTART_WINDOW_MS       10000
#define RESTART_BACKOFF_MS      100u

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
	uint32_t watchdog_expiries;   /* its watchdog's reset output fired */
};

struct partition {
	const struct bh_partition_config *cfg;
	uint32_t state;                       /* enum partition_state */
	uint32_t boot_count;
	uint32_t epoch;                       /* bumped on every (re)start; see core_post_start */
	uint32_t stage2_built;                /* at its first launch (partition.c) */
	spinlock_t lock;                      /* state changes, console and watchdog */
	struct partition_stats stats;
	struct log_limit log_limit;           /* its share of the console (log.h) */
	/* Counter values of its last faults and policy restarts, oldest
	 * overwritten first (under lock): FAULT_STORM_* and RESTART_*. */
	uint64_t fault_stamps[FAULT_STORM_FAULTS];
	uint32_t fault_next;
	uint64_t restart_stamps[RESTART_LIMIT];
	uint32_t restart_next;
	struct vcpu vcpus[CONFIG_MAX_CORES];   /* bhcfg: ncpus <= --max-cpus = MAX_CORES */
	struct vuart vuart;
	struct vwdt wdt;                      /* emulated SP805, if configured */
	struct vgic vgic;                     /* its view of the GIC */
	uint64_t gicd_ipa;                    /* where it sees the distributor */
	uint64_t gicr_ipa;                    /* and its redistributor frames */
};

struct board_info;

/* Checks every partition against the board and binds its cores and
 * emulated devices; boot core, once, after the secondaries are online. Each
 * one's stage 2 is built when it is first started. */
void partitions_init(const struct board_info *b);
/* Loads every startable partition and sends its first vCPU off. */
void partitions_start_all(void);

struct partition *partition_get(unsigned int id);
unsigned int partition_count(void);
const char *partition_state_name(uint32_t state);
/* "log", "halt" or "restart": an on-fault policy as the configuration spells it. */
const char *partition_policy_name(uint32_t policy);

/* Translates a partition IPA inside its RAM to a physical address, checking
 * [ipa, ipa+size) lies in one RAM region. Returns 0 if it does not. */
uint64_t partition_ram_pa(const struct partition *p, uint64_t ipa, uint64_t size);

/* Lifecycle, called on one of the partition's own cores. None returns.
 * partition_restart is the partition's own request (SYSTEM_RESET): no
 * limit, no back-off; the policies restart through the restart limit. */
void partition_restart(struct partition *p, const char *why) __attribute__((noreturn));
void partition_stop(struct partition *p, uint32_t new_state, const char *why)
	__attribute__((noreturn));

/* Applies p's policy to a failure (a fault, its watchdog) on this core, one
 * of p's; returns only under "log". storm: the failure is part of a fault
 * storm. */
void partition_apply_policy(struct partition *p, const char *why, int storm);

/* Whether a line the partition caused may be printed now (log.h, struct
 * log_limit); prints the summary of what was suppressed first when one is
 * due. Every line a partition can cause goes through here. */
int partition_log_ok(struct partition *p);

/* Counters by group, for the vendor hypercall (docs/hypercalls.md): three
 * values of group g in out[0..2]; 0, or -1 for a group that does not exist. */
#define PARTITION_COUNTER_GROUPS 6u
int partition_counter_group(const struct partition *p, uint32_t g, uint64_t out[3]);
/* The counters on the console, when the partition asks (rate-limited). */
void partition_print_counters(struct partition *p);
/* The counters on the console, unconditionally: at a stop or a restart
 * (partition.c), what it did so far. */
void partition_report_counters(const struct partition *p);
/* What was suppressed and not yet said, said now: the partition stops, so
 * nothing else of it may come to carry the summary. */
void partition_flush_suppressed(struct partition *p);

#endif /* BULKHEAD_PARTITION_H */
