/*
 * Host fakes for what core/partition.c calls outside itself: the stage-2 and
 * EL2 mapping builders, cache maintenance, the core id, the vCPU table, the
 * cross-core mailbox, core_park (which longjmps back into the test), which
 * cores are online, and the configuration tables (bh_system).
 *
 * Also records every log_write() line in order: rules.mk links test_partition
 * with -Wl,--wrap=log_write, so partition.c's calls land in __wrap_log_write,
 * which keeps the line and forwards it to host_fakes.c's log_write.
 */
#ifndef BULKHEAD_TESTS_HOST_PARTITION_FAKES_H
#define BULKHEAD_TESTS_HOST_PARTITION_FAKES_H

#include <setjmp.h>
#include <stdint.h>

#include "config.h"
#include "config_tables.h"
#include "partition.h"
#include "vcpu.h"

/* bh_system.npartitions (bh_system is const: its count and board MPIDRs are
 * fixed; the partition entries live in hpf_cfgs, which tests fill). */
#define HPF_NPART 2u
extern struct bh_partition_config hpf_cfgs[HPF_NPART];

#define HPF_CALLS_MAX 32u
#define HPF_LOG_MAX 64u
#define HPF_LOG_LINE 512u

/* arch_core_id(), and cpus_is_online(core) (1 for every core after reset). */
extern unsigned int hpf_core_id;
extern int hpf_online[CONFIG_MAX_CORES];

/* vcpu_bind / vcpu_of_core / vcpu_current table, and vcpu_set_core_mpidr. */
extern struct vcpu *hpf_vcpu[CONFIG_MAX_CORES];
extern uint64_t hpf_core_mpidr[CONFIG_MAX_CORES];
extern unsigned int hpf_bind_calls;
extern unsigned int hpf_set_mpidr_calls;

/* arch_stage2_build: returns hpf_stage2_ret[id] and sets *bad to
 * hpf_stage2_bad when that is nonzero; records each call, with how many
 * core_post_start calls came before it (each stage 2 is built at its
 * partition's first start, after the partitions before it were sent off). */
struct hpf_stage2_call {
	unsigned int id;
	const struct bh_region *regions;
	unsigned int n;
	unsigned int posts;
};
extern int hpf_stage2_ret[CONFIG_MAX_PARTITIONS];
extern unsigned int hpf_stage2_bad;
extern struct hpf_stage2_call hpf_stage2_calls[HPF_CALLS_MAX];
extern unsigned int hpf_stage2_count;

/* arch_pt_strerror: returns hpf_pt_strerror_text, records the error. */
extern const char *hpf_pt_strerror_text;
extern int hpf_pt_strerror_last;
extern unsigned int hpf_pt_strerror_count;

/* arch_mmu_map_ram: returns hpf_map_ram_ret for pa == hpf_map_ram_fail_pa,
 * 0 otherwise; records each call. arch_sync_loaded_image records too. */
struct hpf_range {
	uint64_t pa;
	uint64_t size;
};
extern uint64_t hpf_map_ram_fail_pa;
extern int hpf_map_ram_ret;
extern struct hpf_range hpf_map_ram_calls[HPF_CALLS_MAX];
extern unsigned int hpf_map_ram_count;
extern struct hpf_range hpf_sync_calls[HPF_CALLS_MAX];
extern unsigned int hpf_sync_count;
/* arch_zero_ram: zeroes the host memory behind pa (the fake RAM) and records
 * each call. */
extern struct hpf_range hpf_zero_calls[HPF_CALLS_MAX];
extern unsigned int hpf_zero_count;

/* core_post_start calls, in order, with what the target core would see at
 * that moment: its bound vCPU's state and its partition's state and epoch
 * (core_idle enters only if they say RUNNING and the epoch matches). */
struct hpf_post {
	unsigned int core;
	uint64_t entry;
	uint64_t arg;
	uint32_t epoch;
	int bound;                 /* the core had a vCPU; the fields below are valid */
	uint32_t vcpu_state;
	uint32_t part_state;
	uint32_t part_epoch;
};
extern struct hpf_post hpf_posts[HPF_CALLS_MAX];
extern unsigned int hpf_post_count;

/* core_stop_and_wait: the cores asked, in order; returns hpf_stop_result[core]
 * (1 after reset). */
extern unsigned int hpf_stop_cores[HPF_CALLS_MAX];
extern unsigned int hpf_stop_count;
extern int hpf_stop_result[CONFIG_MAX_CORES];

/* core_park: counts, then longjmps to hpf_park_jmp if armed (disarming it);
 * unarmed, fails the running test. */
/* arch_system_off: counts, then parks (longjmp as core_park);
 * plat_console_flush: counts. hpf_set_stay_up sets bh_system.stay_up. */
extern unsigned int hpf_system_off_count;
extern unsigned int hpf_console_flush_count;
void hpf_set_stay_up(uint32_t v);

extern jmp_buf hpf_park_jmp;
extern volatile int hpf_park_armed;
extern unsigned int hpf_park_count;

/* arch_counter() reads hpf_counter, and arch_counter_freq() is
 * HPF_COUNTER_HZ; arch_cpu_relax() advances hpf_counter by hpf_relax_ticks,
 * so a bounded wait (restart back-off) ends. After reset: 10 s, 1 ms. */
#define HPF_COUNTER_HZ 1000000u
extern uint64_t hpf_counter;
extern uint64_t hpf_relax_ticks;

/* arch_hyp_timer_arm / arch_hyp_timer_stop: whether the calling core's EL2
 * timer is armed and for when (one core: tests look at the last call). */
extern int hpf_timer_armed;
extern uint64_t hpf_timer_cval;
extern unsigned int hpf_timer_arms;
extern unsigned int hpf_timer_stops;

/* Every log_write() line since the reset (the first HPF_LOG_MAX kept). */
extern char hpf_log_text[HPF_LOG_MAX][HPF_LOG_LINE];
extern int hpf_log_level[HPF_LOG_MAX];
extern unsigned int hpf_log_count;

void __wrap_log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Index of the first kept log line equal to `line` at `level`, or -1. */
int hpf_log_find(int level, const char *line);
/* Kept log lines at `level`. */
unsigned int hpf_log_count_level(int level);

/* Forgets every recorded call and line; cores online, stops succeed, stage 2
 * and EL2 mappings succeed, the vCPU table is empty, park is disarmed. */
void hpf_reset(void);

#endif /* BULKHEAD_TESTS_HOST_PARTITION_FAKES_H */
