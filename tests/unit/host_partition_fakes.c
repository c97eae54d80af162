/* Host fakes for core/partition.c's collaborators, see host_partition_fakes.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch.h"
#include "config_tables.h"
#include "console_mux.h"
#include "partition.h"
#include "cpus.h"
#include "plat.h"
#include "fmt.h"
#include "vcpu.h"
#include "host_partition_fakes.h"

struct bh_partition_config hpf_cfgs[HPF_NPART];

/* A two-cluster board of eight cores: 0.0-0.3 and 1.0-1.3. Kept in a
 * writable section so hpf_set_stay_up() can flip the one field a test varies
 * (the hypervisor's copy is generated read-only). */
__attribute__((section(".data.bh_system")))
const struct bh_system_config bh_system = {
	.name = "unit",
	.board = "fakeboard",
	.board_ncpus = 8,
	.board_mpidr = { 0x000, 0x001, 0x002, 0x003, 0x100, 0x101, 0x102, 0x103 },
	.npartitions = HPF_NPART,
	.partitions = hpf_cfgs,
};

unsigned int hpf_core_id;
int hpf_online[CONFIG_MAX_CORES];
struct vcpu *hpf_vcpu[CONFIG_MAX_CORES];
uint64_t hpf_core_mpidr[CONFIG_MAX_CORES];
unsigned int hpf_bind_calls;
unsigned int hpf_set_mpidr_calls;

int hpf_stage2_ret[CONFIG_MAX_PARTITIONS];
unsigned int hpf_stage2_bad;
struct hpf_stage2_call hpf_stage2_calls[HPF_CALLS_MAX];
unsigned int hpf_stage2_count;

const char *hpf_pt_strerror_text;
int hpf_pt_strerror_last;
unsigned int hpf_pt_strerror_count;

uint64_t hpf_map_ram_fail_pa;
int hpf_map_ram_ret;
struct hpf_range hpf_map_ram_calls[HPF_CALLS_MAX];
unsigned int hpf_map_ram_count;
struct hpf_range hpf_sync_calls[HPF_CALLS_MAX];
unsigned int hpf_sync_count;
struct hpf_range hpf_zero_calls[HPF_CALLS_MAX];
unsigned int hpf_zero_count;

struct hpf_post hpf_posts[HPF_CALLS_MAX];
unsigned int hpf_post_count;

unsigned int hpf_stop_cores[HPF_CALLS_MAX];
unsigned int hpf_stop_count;
int hpf_stop_result[CONFIG_MAX_CORES];

unsigned int hpf_system_off_count;
unsigned int hpf_console_flush_count;

jmp_buf hpf_park_jmp;
volatile int hpf_park_armed;
unsigned int hpf_park_count;

uint64_t hpf_counter;
uint64_t hpf_relax_ticks;
int hpf_timer_armed;
uint64_t hpf_timer_cval;
unsigned int hpf_timer_arms;
unsigned int hpf_timer_stops;

char hpf_log_text[HPF_LOG_MAX][HPF_LOG_LINE];
int hpf_log_level[HPF_LOG_MAX];
unsigned int hpf_log_count;

void hpf_reset(void)
{
	hpf_core_id = 0;
	hpf_system_off_count = 0;
	hpf_console_flush_count = 0;
	hpf_set_stay_up(0);
	for (unsigned int i = 0; i < CONFIG_MAX_CORES; i++) {
		hpf_online[i] = 1;
		hpf_vcpu[i] = NULL;
		hpf_core_mpidr[i] = UINT64_MAX;
		hpf_stop_result[i] = 1;
	}
	hpf_bind_calls = 0;
	hpf_set_mpidr_calls = 0;
	for (unsigned int i = 0; i < CONFIG_MAX_PARTITIONS; i++) {
		hpf_stage2_ret[i] = 0;
	}
	hpf_stage2_bad = 0;
	memset(hpf_stage2_calls, 0, sizeof(hpf_stage2_calls));
	hpf_stage2_count = 0;
	hpf_pt_strerror_text = "fake page-table error";
	hpf_pt_strerror_last = 0;
	hpf_pt_strerror_count = 0;
	hpf_map_ram_fail_pa = 0;
	hpf_map_ram_ret = 0;
	memset(hpf_map_ram_calls, 0, sizeof(hpf_map_ram_calls));
	hpf_map_ram_count = 0;
	memset(hpf_sync_calls, 0, sizeof(hpf_sync_calls));
	hpf_sync_count = 0;
	memset(hpf_zero_calls, 0, sizeof(hpf_zero_calls));
	hpf_zero_count = 0;
	memset(hpf_posts, 0, sizeof(hpf_posts));
	hpf_post_count = 0;
	memset(hpf_stop_cores, 0, sizeof(hpf_stop_cores));
	hpf_stop_count = 0;
	hpf_park_armed = 0;
	hpf_park_count = 0;
	memset(hpf_log_text, 0, sizeof(hpf_log_text));
	memset(hpf_log_level, 0, sizeof(hpf_log_level));
	hpf_log_count = 0;
	hpf_counter = 10u * HPF_COUNTER_HZ;
	hpf_relax_ticks = HPF_COUNTER_HZ / 1000u;
	hpf_timer_armed = 0;
	hpf_timer_cval = 0;
	hpf_timer_arms = 0;
	hpf_timer_stops = 0;
}

/* ---- log transcript -------------------------------------------------------- */

void __real_log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void __wrap_log_write(int level, const char *fmt, ...)
{
	char line[HPF_LOG_LINE];
	va_list ap;

	va_start(ap, fmt);
	bh_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (hpf_log_count < HPF_LOG_MAX) {
		memcpy(hpf_log_text[hpf_log_count], line, sizeof(line));
		hpf_log_level[hpf_log_count] = level;
	}
	hpf_log_count++;
	__real_log_write(level, "%s", line);
}

int hpf_log_find(int level, const char *line)
{
	unsigned int n = hpf_log_count < HPF_LOG_MAX ? hpf_log_count : HPF_LOG_MAX;
	for (unsigned int i = 0; i < n; i++) {
		if (hpf_log_level[i] == level && strcmp(hpf_log_text[i], line) == 0) {
			return (int)i;
		}
	}
	return -1;
}

unsigned int hpf_log_count_level(int level)
{
	unsigned int n = hpf_log_count < HPF_LOG_MAX ? hpf_log_count : HPF_LOG_MAX;
	unsigned int k = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (hpf_log_level[i] == level) {
			k++;
		}
	}
	return k;
}

/* ---- arch.h ---------------------------------------------------------------- */

unsigned int arch_core_id(void)
{
	return hpf_core_id;
}

int arch_stage2_build(unsigned int id, const struct bh_region *regions, unsigned int n,
		      unsigned int *bad)
{
	if (hpf_stage2_count < HPF_CALLS_MAX) {
		hpf_stage2_calls[hpf_stage2_count].id = id;
		hpf_stage2_calls[hpf_stage2_count].regions = regions;
		hpf_stage2_calls[hpf_stage2_count].n = n;
		hpf_stage2_calls[hpf_stage2_count].posts = hpf_post_count;
	}
	hpf_stage2_count++;
	assert_true(id < CONFIG_MAX_PARTITIONS);
	int ret = hpf_stage2_ret[id];
	if (ret != 0) {
		*bad = hpf_stage2_bad;
	}
	return ret;
}

const char *arch_pt_strerror(int err)
{
	hpf_pt_strerror_last = err;
	hpf_pt_strerror_count++;
	return hpf_pt_strerror_text;
}

int arch_mmu_map_ram(uint64_t pa, uint64_t size)
{
	if (hpf_map_ram_count < HPF_CALLS_MAX) {
		hpf_map_ram_calls[hpf_map_ram_count].pa = pa;
		hpf_map_ram_calls[hpf_map_ram_count].size = size;
	}
	hpf_map_ram_count++;
	return (hpf_map_ram_fail_pa != 0 && pa == hpf_map_ram_fail_pa) ? hpf_map_ram_ret : 0;
}

int arch_mmu_unmap_ram(uint64_t pa, uint64_t size)
{
	(void)pa;
	(void)size;
	return 0;
}

void arch_zero_ram(uint64_t pa, uint64_t size)
{
	if (hpf_zero_count < HPF_CALLS_MAX) {
		hpf_zero_calls[hpf_zero_count].pa = pa;
		hpf_zero_calls[hpf_zero_count].size = size;
	}
	hpf_zero_count++;
	memset((void *)(uintptr_t)pa, 0, size);
}

void arch_sync_loaded_image(uint64_t pa, uint64_t size)
{
	if (hpf_sync_count < HPF_CALLS_MAX) {
		hpf_sync_calls[hpf_sync_count].pa = pa;
		hpf_sync_calls[hpf_sync_count].size = size;
	}
	hpf_sync_count++;
}

/* ---- cpus.h ---------------------------------------------------------------- */

int cpus_is_online(unsigned int core)
{
	return core < CONFIG_MAX_CORES && hpf_online[core];
}

/* ---- vcpu.h ---------------------------------------------------------------- */

void vcpu_bind(unsigned int core, struct vcpu *v)
{
	assert_true(core < CONFIG_MAX_CORES);
	hpf_vcpu[core] = v;
	hpf_bind_calls++;
}

struct vcpu *vcpu_of_core(unsigned int core)
{
	return core < CONFIG_MAX_CORES ? hpf_vcpu[core] : NULL;
}

struct vcpu *vcpu_current(void)
{
	return vcpu_of_core(hpf_core_id);
}

void vcpu_set_core_mpidr(unsigned int core, uint64_t mpidr)
{
	assert_true(core < CONFIG_MAX_CORES);
	hpf_core_mpidr[core] = mpidr;
	hpf_set_mpidr_calls++;
}

void core_post_start(unsigned int core, uint64_t entry, uint64_t arg, uint32_t epoch)
{
	if (hpf_post_count < HPF_CALLS_MAX) {
		hpf_posts[hpf_post_count].core = core;
		hpf_posts[hpf_post_count].entry = entry;
		hpf_posts[hpf_post_count].arg = arg;
		hpf_posts[hpf_post_count].epoch = epoch;
		struct vcpu *v = vcpu_of_core(core);
		if (v != NULL) {
			hpf_posts[hpf_post_count].bound = 1;
			hpf_posts[hpf_post_count].vcpu_state = v->state;
			hpf_posts[hpf_post_count].part_state = v->part->state;
			hpf_posts[hpf_post_count].part_epoch = v->part->epoch;
		}
	}
	hpf_post_count++;
}

int core_stop_and_wait(unsigned int core)
{
	if (hpf_stop_count < HPF_CALLS_MAX) {
		hpf_stop_cores[hpf_stop_count] = core;
	}
	hpf_stop_count++;
	assert_true(core < CONFIG_MAX_CORES);
	return hpf_stop_result[core];
}

/* The board's GIC frames, as the QEMU virt board has them. */
uint64_t plat_gicd_base(void)
{
	return 0x08000000u;
}

uint64_t plat_gicr_base(void)
{
	return 0x080a0000u;
}

void arch_trap_counts(unsigned int core, struct arch_trap_counts *out)
{
	(void)core;
	*out = (struct arch_trap_counts){ 0, 0, 0, 0 };
}

void hpf_set_stay_up(uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)&bh_system.stay_up = v;
}

void plat_console_flush(void)
{
	hpf_console_flush_count++;
}

/* The board would go dark here; the test gets control back as from a park. */
void arch_system_off(void)
{
	hpf_system_off_count++;
	core_park();
	abort();
}

void core_park(void)
{
	hpf_park_count++;
	if (!hpf_park_armed) {
		fail_msg("core_park() reached with no test waiting for it");
		abort();
	}
	hpf_park_armed = 0;
	longjmp(hpf_park_jmp, 1);
}

/* The waits partition.c's callees would make never happen single-threaded;
 * its own timed waits see time pass. */
void arch_cpu_relax(void)
{
	hpf_counter += hpf_relax_ticks;
}

uint64_t arch_counter(void)
{
	return hpf_counter;
}

uint64_t arch_counter_freq(void)
{
	return HPF_COUNTER_HZ;
}

void arch_hyp_timer_arm(uint64_t cval)
{
	hpf_timer_armed = 1;
	hpf_timer_cval = cval;
	hpf_timer_arms++;
}

void arch_hyp_timer_stop(void)
{
	hpf_timer_armed = 0;
	hpf_timer_stops++;
}

void arch_wait_event(void)
{
}

void arch_send_event(void)
{
}

/* The shared console's part in a partition (core/console_mux.c): the UART
 * access itself, without an interrupt line to drive. */
int console_mux_uart_access(struct partition *p, uint64_t offset, int is_write,
			    unsigned int size, uint64_t *value)
{
	return vuart_access(&p->vuart, offset, is_write, size, value);
}

void console_mux_reset(struct partition *p)
{
	vuart_reset(&p->vuart);
}
