# Bulkhead: a static-partitioning hypervisor for ARM64.
#
#   make                 build build/NAME/bulkhead.bin for CONFIG (NAME = its file name)
#   make run             build it and run it on QEMU (leave with Ctrl-A X)
#   make debug           the same, halted, with QEMU's GDB stub on GDB_PORT (1234);
#   make debug-attach    then, in another terminal: gdb-multiarch with the
#                        hypervisor's and the partitions' symbols (docs/getting-started.md)
#   make test            unit tests and QEMU tests; ends with pytest's summary
#   make test-unit       host unit tests only
#   make test-qemu K=w   QEMU tests whose name contains w
#   make linux           the Linux guest: Debian's arm64 kernel and an initramfs
#                        (build/guests/linux/; partitions/linux/README.md)
#   make menuconfig      edit the build options of CONFIG's build
#   make deps            install what the build needs (Debian/Ubuntu)
#   make check-fresh     make run and make test in a fresh Debian 12 root (minutes;
#                        root; tools/check-fresh.sh)
#   make clean           remove build/
#
# Every goal first makes sure the tools are installed (tools/deps.sh returns
# at once when they are), then runs itself again with them present.

ifndef BH_DEPS_OK
GOALS := $(or $(MAKECMDGOALS),all)
ifeq ($(GOALS),clean)
clean:
	rm -rf $(or $(BUILD_ROOT),build)
else
.PHONY: __forward
$(GOALS): __forward ; @:
__forward:
	@bash tools/deps.sh
	@$(MAKE) --no-print-directory BH_DEPS_OK=1 $(MAKECMDGOALS)
endif
else

CONFIG ?= configs/qemu-virt-linux-rtos.dts
ifeq ($(wildcard $(CONFIG)),)
$(error CONFIG=$(CONFIG): no such configuration. Available: $(wildcard configs/*.dts))
endif
NAME := $(basename $(notdir $(CONFIG)))
BUILD_ROOT ?= build
export BUILD_ROOT
B := $(BUILD_ROOT)/$(NAME)
PLATFORM ?= qemu-virt
DEFCONFIG ?= platforms/$(PLATFORM)/defconfig
PYTHON := /usr/bin/python3
CROSS_COMPILE ?= aarch64-linux-gnu-
CC_T := $(CROSS_COMPILE)gcc
OBJCOPY := $(CROSS_COMPILE)objcopy
HOSTCC ?= cc
# The machine `make run` and `make debug` ask QEMU for; `make run` checks the
# configuration fits it (tools/qemu-fits.py) before starting QEMU.
SMP ?= 4
MEM ?= 1G
GIC ?= 3
CPU ?= cortex-a53
QEMU := qemu-system-aarch64
# -nic none: no default network card (it would need Debian's ipxe-qemu ROMs,
# and no partition uses a network yet).
# QEMU_EXTRA: more QEMU options for `make run`/`make debug`, e.g. a disk for
# configs/qemu-virt-linux.dts: QEMU_EXTRA="-drive file=disk.img,if=none,
# format=raw,id=d0 -device virtio-blk-device,drive=d0".
QEMU_EXTRA ?=
QEMU_ARGS := -M virt,virtualization=on,gic-version=$(GIC) -cpu $(CPU) -smp $(SMP) -m $(MEM) \
	-nographic -nic none $(QEMU_EXTRA)
Q := @

.PHONY: all deps run debug debug-attach test test-unit test-qemu bench check-fresh menuconfig defconfig savedefconfig clean unit-bins linux
all: $(B)/bulkhead.bin

deps:
	@bash tools/deps.sh

# ---- Kconfig ---------------------------------------------------------------
KCONFIG_ENV := KCONFIG_CONFIG=$(B)/.config srctree=.
AUTOCONF := $(B)/include/generated/autoconf.h

# A build directory remembers which defconfig it started from (.defconfig):
# the same one keeps menuconfig's changes (olddefconfig), another one starts
# afresh. .defconfig is rewritten only when the choice changes.
.PHONY: FORCE
$(B)/.defconfig: FORCE
	@mkdir -p $(B)
	@if [ "$$(cat $@ 2>/dev/null)" != "$(DEFCONFIG)" ]; then echo "$(DEFCONFIG)" > $@; fi

$(B)/.config: $(DEFCONFIG) Kconfig $(B)/.defconfig
	@if [ -f $@ ] && [ ! $(B)/.defconfig -nt $@ ]; then \
		echo "KCONFIG $@ (updated for a changed Kconfig or defconfig)"; \
		$(KCONFIG_ENV) $(PYTHON) -m olddefconfig Kconfig >/dev/null; touch $@; \
	else \
		echo "KCONFIG $@ from $(DEFCONFIG)"; \
		$(KCONFIG_ENV) $(PYTHON) -m defconfig --kconfig Kconfig $(DEFCONFIG) >/dev/null; \
	fi

$(AUTOCONF): $(B)/.config
	@mkdir -p $(dir $@)
	$(Q)$(KCONFIG_ENV) $(PYTHON) -m genconfig --header-path $@ Kconfig

menuconfig: $(B)/.config
	$(KCONFIG_ENV) $(PYTHON) -m menuconfig Kconfig

defconfig:
	@mkdir -p $(B)
	$(KCONFIG_ENV) $(PYTHON) -m defconfig --kconfig Kconfig $(DEFCONFIG)

savedefconfig: $(B)/.config
	$(KCONFIG_ENV) $(PYTHON) -m savedefconfig --kconfig Kconfig --out $(B)/defconfig
	@echo "wrote $(B)/defconfig"

# ---- arm64 libfdt, from Debian's archive ----------------------------------
ARM64_ROOT := $(BUILD_ROOT)/deps/arm64
LIBFDT_A := $(ARM64_ROOT)/usr/lib/aarch64-linux-gnu/libfdt.a
$(LIBFDT_A):
	$(Q)bash tools/fetch-deb.sh libfdt-dev:arm64 $(ARM64_ROOT)
	@touch $@

# ---- the hypervisor image ---------------------------------------------------
HYP_SRCS := \
	arch/arm64/boot.S arch/arm64/exception.S arch/arm64/smccc.S arch/arm64/guest.S \
	arch/arm64/setup.c arch/arm64/mmu.c arch/arm64/pgtable.c arch/arm64/esr.c \
	arch/arm64/fault.c arch/arm64/traps.c arch/arm64/gic_id.c arch/arm64/gicv3.c \
	arch/arm64/stage2.c arch/arm64/vcpu_run.c arch/arm64/cpu.c arch/arm64/guest_mem.c arch/arm64/dabt.c arch/arm64/debug_fault.c \
	core/main.c core/cpus.c core/board_fdt.c core/log.c core/panic.c core/fmt.c \
	core/partition.c core/partition_load.c core/partition_devices.c core/partition_ram.c core/partition_report.c core/dtb_header.c core/vcpu.c core/vpsci.c core/smccc.c core/vuart.c core/console_mux.c \
	core/mailbox.c core/vgic.c core/vgic_dist.c core/vgic_redist.c core/vgic_sgi.c core/vgic_inject.c \
	core/vgic_queue.c arch/arm64/vgic_lr.c arch/arm64/irq.c arch/arm64/debug_irq.c \
	arch/arm64/irq_fast.S \
	core/lib/string.c core/stack_protector.c \
	platforms/$(PLATFORM)/platform.c platforms/common/pl011.c
# A partition's share of the console in time, its emulated SP805 watchdog and
# the EL2 timer that keeps its deadlines.
HYP_SRCS += core/log_limit.c core/vwdt.c arch/arm64/hyp_timer.c
# Every EL2 control from what the core implements, the ID registers and PMU
# a partition sees, its EL1 and FP/SIMD state reset at each entry.
HYP_SRCS += arch/arm64/el2_setup.c arch/arm64/id_regs.c arch/arm64/pmu_trap.c \
	arch/arm64/el1_reset.c arch/arm64/fp_reset.S
# SMCCC_ARCH_WORKAROUND_1/2/3: firmware's answers and the boot core's.
HYP_SRCS += arch/arm64/spectre.c

GCC_INC := $(shell $(CC_T) -print-file-name=include)
TARGET_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -nostdinc -isystem $(GCC_INC) \
	-march=armv8-a -mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-fno-pie -fno-stack-protector -fno-common -fno-tree-loop-distribute-patterns \
	-Icore/include -Icore/include/libc -Iarch/arm64/include \
	-Iplatforms/$(PLATFORM)/include -I$(B)/include -I$(ARM64_ROOT)/usr/include \
	-MMD -MP

HYP_OBJS := $(patsubst %,$(B)/obj/%.o,$(basename $(HYP_SRCS))) \
	$(B)/obj/gen/config_tables.o $(B)/obj/gen/images.o

# ---- the configuration: checked by tools/bhcfg, compiled into the image ----
include tools/bhcfg/rules.mk
include partitions/baremetal/rules.mk
include partitions/rtos/rules.mk
include partitions/linux/rules.mk
# make linux: the Linux guest alone, $(LINUX_IMAGE) and $(LINUX_INITRD).
linux: $(LINUX_IMAGE) $(LINUX_INITRD)
-include $(B)/.config

BOARD_DTS := platforms/$(PLATFORM)/board.dts
GUEST_IMAGES := $(BAREMETAL_BIN) $(RTOS_BIN) $(LINUX_GUEST_IMAGES)
# Where a configuration's `kernel` and `initrd` files are looked up after the
# configuration file's own folder: colon-separated, in order. By default the
# folders of the guests this tree builds; add your own with
# `make IMAGE_PATH=/my/images:$(BUILD_ROOT)/guests/baremetal`.
IMAGE_PATH ?= $(BUILD_ROOT)/guests/baremetal:$(BUILD_ROOT)/guests/linux:$(BUILD_ROOT)/guests/rtos
GEN := $(B)/gen

# images.d (written by bhcfg) makes every file packed into the image a
# prerequisite, so a replaced kernel or initrd is packed again.
-include $(GEN)/images.d

$(GEN)/config_tables.c $(GEN)/images.S &: $(CONFIG) $(BOARD_DTS) $(BHCFG) $(GUEST_IMAGES) $(B)/.config
	@mkdir -p $(GEN)
	@echo "BHCFG   $(CONFIG)"
	$(Q)$(BHCFG) --config $(CONFIG) --board $(BOARD_DTS) --images $(IMAGE_PATH) \
		--hyp-base $(CONFIG_HYP_BASE) --hyp-size $(CONFIG_HYP_SIZE) \
		--max-cpus $(CONFIG_MAX_CORES) --max-partitions $(CONFIG_MAX_PARTITIONS) --out $(GEN)

$(B)/obj/gen/config_tables.o: $(GEN)/config_tables.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "CC      $<"
	$(Q)$(CC_T) $(TARGET_CFLAGS) -c $< -o $@

$(B)/obj/gen/images.o: $(GEN)/images.S
	@mkdir -p $(dir $@)
	@echo "AS      $<"
	$(Q)$(CC_T) $(TARGET_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(B)/obj/%.o: %.c $(AUTOCONF) | $(LIBFDT_A)
	@mkdir -p $(dir $@)
	@echo "CC      $<"
	$(Q)$(CC_T) $(TARGET_CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.S $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "AS      $<"
	$(Q)$(CC_T) $(TARGET_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(B)/bulkhead.ld: arch/arm64/bulkhead.ld.S $(AUTOCONF)
	$(Q)$(CC_T) -E -P -x c -I$(B)/include -Iarch/arm64/include $< -o $@

$(B)/bulkhead.elf: $(HYP_OBJS) $(B)/bulkhead.ld $(LIBFDT_A)
	@echo "LD      $@"
	$(Q)$(CC_T) -nostdlib -static -no-pie -Wl,--no-dynamic-linker -Wl,-T,$(B)/bulkhead.ld \
		-Wl,--fatal-warnings -Wl,--build-id=none -o $@ $(HYP_OBJS) $(LIBFDT_A) -lgcc

$(B)/bulkhead.bin: $(B)/bulkhead.elf
	$(Q)$(OBJCOPY) -O binary $< $@
	@echo "IMAGE   $@ ($$(stat -c %s $@) bytes)"

-include $(HYP_OBJS:.o=.d)

run: $(B)/bulkhead.bin
	@$(PYTHON) tools/qemu-fits.py $(GEN)/needs.mk $(CONFIG) $(SMP) $(MEM) $(GIC)
	@echo "Running: $(QEMU) $(QEMU_ARGS) -kernel $<"
	@echo "(leave QEMU with Ctrl-A X)"
	@$(QEMU) $(QEMU_ARGS) -kernel $<

# make debug: QEMU halted (-S) with its GDB stub on GDB_PORT, listening on this
# machine only; the console stays on this terminal. tools/gdb-session.py
# writes $(B)/debug.gdb (hypervisor symbols, each partition's at its load
# address, target remote), which make debug-attach runs gdb-multiarch with.
GDB_PORT ?= 1234
GDB := gdb-multiarch
debug: $(B)/bulkhead.bin
	@$(PYTHON) tools/qemu-fits.py $(GEN)/needs.mk $(CONFIG) $(SMP) $(MEM) $(GIC)
	@$(PYTHON) tools/gdb-session.py $(B) $(GDB_PORT)
	@echo "Running: $(QEMU) $(QEMU_ARGS) -S -gdb tcp:127.0.0.1:$(GDB_PORT) -kernel $<"
	@echo "QEMU waits for GDB. In another terminal:"
	@echo "    make debug-attach$(if $(filter command line,$(origin CONFIG)), CONFIG=$(CONFIG))$(if $(filter command line,$(origin GDB_PORT)), GDB_PORT=$(GDB_PORT))"
	@echo "or: $(GDB) -x $(B)/debug.gdb"
	@echo "(leave QEMU with Ctrl-A X)"
	@$(QEMU) $(QEMU_ARGS) -S -gdb tcp:127.0.0.1:$(GDB_PORT) -kernel $<

debug-attach:
	@test -f $(B)/bulkhead.elf || { echo "$(B)/bulkhead.elf: not built; start make debug first" >&2; exit 1; }
	@$(PYTHON) tools/gdb-session.py $(B) $(GDB_PORT)
	$(GDB) -q -x $(B)/debug.gdb

# ---- tests -------------------------------------------------------------------
include tests/unit/rules.mk

PYTEST := BH_UNIT_BINS_BUILT=1 $(PYTHON) -m pytest -q -rfE
K ?=
test: unit-bins
	$(PYTEST) tests/unit tests/qemu

test-unit: unit-bins
	$(PYTEST) tests/unit

test-qemu:
	$(PYTEST) tests/qemu $(if $(K),-k "$(K)")

# The README's two commands on a fresh Debian 12 root (debootstrap, a clean
# clone of HEAD, only make installed). Minutes long: not part of make test.
check-fresh:
	bash tools/check-fresh.sh

# Benchmarks measure (QEMU icount mode); they are not tests and assert nothing.
bench:
	$(PYTHON) tests/bench/run_bench.py --out $(BUILD_ROOT)/bench/results.md

clean:
	rm -rf $(BUILD_ROOT)

endif
