/*
 * Host fakes for what core/vpsci.c and core/smccc.c call outside
 * themselves (core/vcpu.c, core/partition.c): the current vCPU, cross-core
 * start requests, and the lifecycle calls that never return.
 *
 * core_park, core_warm_boot, partition_stop and partition_restart record
 * the call and longjmp to host_exit_jmp, which the test arms with
 * HOST_CALL_NORETURN (or by setting host_exit_armed after its own setjmp).
 * Unarmed, they fail the running test.
 */
#ifndef BULKHEAD_TESTS_HOST_CORE_FAKES_H
#define BULKHEAD_TESTS_HOST_CORE_FAKES_H

#include <setjmp.h>
#include <stdint.h>

#include "partition.h"
#include "vcpu.h"

#define HOST_POSTS_MAX 16u

/* What vcpu_current() returns. */
extern struct vcpu *host_current_vcpu;

/* core_post_start() calls since the reset, in order. */
struct host_post {
	unsigned int core;
	uint64_t entry;
	uint64_t arg;
	uint32_t epoch;
};
extern struct host_post host_posts[HOST_POSTS_MAX];
extern unsigned int host_post_count;

/* The noreturn call that ended the last armed call, if any. */
enum host_exit_kind {
	HOST_EXIT_NONE = 0,
	HOST_EXIT_PARK,
	HOST_EXIT_STOP,
	HOST_EXIT_RESTART,
	HOST_EXIT_WARM_BOOT,
};
extern enum host_exit_kind host_exit_kind;
extern unsigned int host_exit_count;
extern struct partition *host_exit_part;
extern uint32_t host_exit_state;         /* partition_stop's new_state */
extern const char *host_exit_why;
extern uint64_t host_exit_entry;         /* core_warm_boot's entry and arg */
extern uint64_t host_exit_arg;
extern jmp_buf host_exit_jmp;
extern volatile int host_exit_armed;

/* partition_log_ok(): returns host_log_ok (1 after reset), counts calls.
 * partition_print_counters(): counts calls. partition_counter_group():
 * group g < PARTITION_COUNTER_GROUPS gives 100*g+1, 100*g+2, 100*g+3 (and
 * 0x1_0000_0000 + 7 for group 5's last, to see a 32-bit call truncate);
 * others -1. */
extern int host_log_ok;
extern unsigned int host_log_ok_calls;
extern unsigned int host_print_counters_calls;
#define HOST_WIDE_COUNTER 0x100000007ULL

/* Forgets posts and exits and disarms; keeps host_current_vcpu. */
void host_core_reset(void);

#endif /* BULKHEAD_TESTS_HOST_CORE_FAKES_H */
