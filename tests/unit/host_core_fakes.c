/* Host fakes for vcpu.c and partition.c services, see host_core_fakes.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "config_tables.h"
#include "partition.h"
#include "vcpu.h"
#include "host_core_fakes.h"

struct vcpu *host_current_vcpu;
struct host_post host_posts[HOST_POSTS_MAX];
unsigned int host_post_count;
enum host_exit_kind host_exit_kind;
unsigned int host_exit_count;
struct partition *host_exit_part;
uint32_t host_exit_state;
const char *host_exit_why;
uint64_t host_exit_entry;
uint64_t host_exit_arg;
jmp_buf host_exit_jmp;
volatile int host_exit_armed;
int host_log_ok;
unsigned int host_log_ok_calls;
unsigned int host_print_counters_calls;

void host_core_reset(void)
{
	for (unsigned int i = 0; i < HOST_POSTS_MAX; i++) {
		host_posts[i].core = 0;
		host_posts[i].entry = 0;
		host_posts[i].arg = 0;
	}
	host_post_count = 0;
	host_exit_kind = HOST_EXIT_NONE;
	host_exit_count = 0;
	host_exit_part = NULL;
	host_exit_state = 0;
	host_exit_why = NULL;
	host_exit_entry = 0;
	host_exit_arg = 0;
	host_exit_armed = 0;
	host_log_ok = 1;
	host_log_ok_calls = 0;
	host_print_counters_calls = 0;
}

int partition_log_ok(struct partition *p)
{
	(void)p;
	host_log_ok_calls++;
	return host_log_ok;
}

void partition_print_counters(struct partition *p)
{
	(void)p;
	host_print_counters_calls++;
}

int partition_counter_group(const struct partition *p, uint32_t g, uint64_t out[3])
{
	(void)p;
	if (g >= PARTITION_COUNTER_GROUPS) {
		return -1;
	}
	out[0] = 100u * g + 1u;
	out[1] = 100u * g + 2u;
	out[2] = g == 5u ? HOST_WIDE_COUNTER : 100u * g + 3u;
	return 0;
}

struct vcpu *vcpu_current(void)
{
	return host_current_vcpu;
}

void core_post_start(unsigned int core, uint64_t entry, uint64_t arg, uint32_t epoch)
{
	if (host_post_count < HOST_POSTS_MAX) {
		host_posts[host_post_count].core = core;
		host_posts[host_post_count].entry = entry;
		host_posts[host_post_count].arg = arg;
		host_posts[host_post_count].epoch = epoch;
	}
	host_post_count++;
}

static void exit_to_test(enum host_exit_kind kind, struct partition *p, uint32_t state,
			 const char *why) __attribute__((noreturn));

static void exit_to_test(enum host_exit_kind kind, struct partition *p, uint32_t state,
			 const char *why)
{
	host_exit_kind = kind;
	host_exit_count++;
	host_exit_part = p;
	host_exit_state = state;
	host_exit_why = why;
	if (!host_exit_armed) {
		fail_msg("noreturn stand-in %d called with no test waiting for it", (int)kind);
		abort();
	}
	host_exit_armed = 0;
	longjmp(host_exit_jmp, 1);
}

void core_park(void)
{
	exit_to_test(HOST_EXIT_PARK, NULL, 0, NULL);
}

void core_warm_boot(uint64_t entry, uint64_t arg)
{
	host_exit_entry = entry;
	host_exit_arg = arg;
	exit_to_test(HOST_EXIT_WARM_BOOT, NULL, 0, NULL);
}

void partition_stop(struct partition *p, uint32_t new_state, const char *why)
{
	exit_to_test(HOST_EXIT_STOP, p, new_state, why);
}

void partition_restart(struct partition *p, const char *why)
{
	exit_to_test(HOST_EXIT_RESTART, p, 0, why);
}

