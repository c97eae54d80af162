# Host unit tests (cmocka). Each test_NAME.c links the listed sources, built
# for the host with BH_HOST_BUILD. tests/unit/test_units.py runs every binary.
UNIT_DIR := $(BUILD_ROOT)/unit
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -DBH_HOST_BUILD \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-Icore/include -Iarch/arm64/include

UNIT_TESTS := pgtable fmt esr bootargs vuart vpsci dabt partition vgic vgic_inject mailbox dtb_header
unit_srcs_dtb_header := core/dtb_header.c
unit_srcs_pgtable := arch/arm64/pgtable.c
unit_srcs_fmt := core/fmt.c
unit_srcs_dabt := arch/arm64/dabt.c
unit_srcs_esr := arch/arm64/esr.c core/fmt.c
unit_srcs_bootargs := core/board_fdt.c core/fmt.c tests/unit/host_fakes.c
VGIC_SRCS := core/vgic.c core/vgic_dist.c core/vgic_redist.c core/vgic_sgi.c
unit_srcs_vgic := $(VGIC_SRCS) core/lib/string.c tests/unit/host_gic_fakes.c
unit_srcs_mailbox := core/mailbox.c
unit_srcs_vgic_inject := core/vgic_inject.c core/vgic_queue.c
unit_srcs_vuart := core/vuart.c core/fmt.c tests/unit/host_fakes.c
unit_srcs_vpsci := core/vpsci.c core/smccc.c core/partition_ram.c core/fmt.c tests/unit/host_fakes.c \
	tests/unit/host_core_fakes.c
unit_srcs_partition := core/partition.c core/partition_load.c core/partition_devices.c core/partition_ram.c core/partition_report.c core/vuart.c core/fmt.c tests/unit/host_fakes.c \
	$(VGIC_SRCS) tests/unit/host_gic_fakes.c \
	tests/unit/host_partition_fakes.c
# The test reads every log line, not only the last: see
# tests/unit/host_partition_fakes.h.
$(UNIT_DIR)/test_partition: UNIT_CFLAGS += -Wl,--wrap=log_write
# A partition's share of the console and its emulated watchdog.
UNIT_TESTS += log_limit vwdt
unit_srcs_log_limit := core/log_limit.c
unit_srcs_vwdt := core/vwdt.c
unit_srcs_partition += core/log_limit.c core/vwdt.c

# The RTOS's scheduler logic (partitions/rtos): ready queues, wait queues,
# priority inheritance, the timer list. Host-compilable by design.
UNIT_TESTS += rtos_sched rtos_timerlist
unit_srcs_rtos_sched := partitions/rtos/sched.c
unit_srcs_rtos_timerlist := partitions/rtos/timerlist.c
$(UNIT_DIR)/test_rtos_sched $(UNIT_DIR)/test_rtos_timerlist: UNIT_CFLAGS += -Ipartitions/rtos
$(UNIT_DIR)/test_rtos_sched $(UNIT_DIR)/test_rtos_timerlist: $(wildcard partitions/rtos/*.h)

# The C library pieces EL2 links (memcpy copies partition images).
UNIT_TESTS += string
unit_srcs_string := core/lib/string.c

UNIT_BINS := $(patsubst %,$(UNIT_DIR)/test_%,$(UNIT_TESTS))
unit-bins: $(UNIT_BINS)

.SECONDEXPANSION:
$(UNIT_DIR)/test_%: tests/unit/test_%.c $$(unit_srcs_$$*) $(wildcard core/include/*.h arch/arm64/include/arch/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "HOSTCC  $@"
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< $(unit_srcs_$*) -lcmocka -lfdt
