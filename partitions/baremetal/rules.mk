# Make fragment for the baremetal test guest; included by the top Makefile.
# Needs BUILD_ROOT; produces $(BAREMETAL_BIN).

CROSS_COMPILE ?= aarch64-linux-gnu-

# Including this file must not change the includer's default goal.
BM_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

BM_SRC_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
BM_OUT := $(BUILD_ROOT)/guests/baremetal

BAREMETAL_BIN := $(BM_OUT)/baremetal.bin
BAREMETAL_ELF := $(BM_OUT)/baremetal.elf

BM_C_SRCS := main.c bootargs.c actions.c exception.c machine.c fdt.c console.c fmt.c lib.c
BM_C_SRCS += irq.c irq_actions.c fwcfg.c
BM_C_SRCS += wdt.c
BM_S_SRCS := start.S
BM_C_SRCS += harden.c canary.c
BM_S_SRCS += harden_a64.S
BM_OBJS := $(addprefix $(BM_OUT)/,$(BM_S_SRCS:.S=.o) $(BM_C_SRCS:.c=.o))
BM_LDS := $(BM_SRC_DIR)/baremetal.lds

# Debian's picolibc for aarch64 (picolibc-aarch64-linux-gnu), as the RTOS
# uses it: its specs file puts its headers first and links its libc.a (with
# libgcc). We take its vfprintf and string functions (fmt.c, lib.c).
BM_SPECS := -specs=/usr/lib/picolibc/aarch64-linux-gnu/picolibc.specs

# -fpie + -static-pie: the image runs at whatever base the loader picked and
# fixes up its own R_AARCH64_RELATIVE entries (start.S).
# -fvisibility=hidden: globals are reached PC-relative, not through the GOT.
# -mstrict-align: with the MMU off all data is Device memory, where unaligned
# accesses fault. -mgeneral-regs-only: no FP/SIMD outside harden_a64.S
# (check-no-fp.sh checks the whole link, picolibc included).
BM_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror $(BM_SPECS) \
	-fno-stack-protector -mgeneral-regs-only -mstrict-align -fpie \
	-fvisibility=hidden \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-I$(BM_SRC_DIR) -MMD -MP
BM_ASFLAGS := -I$(BM_SRC_DIR) -MMD -MP
# -DPICOLIBC_INTEGER_PRINTF_SCANF: picolibc.specs then links vfprintf as its
# integer-only __i_vfprintf. -nostartfiles: start.S is the entry, not crt0.
BM_LDFLAGS := $(BM_SPECS) -DPICOLIBC_INTEGER_PRINTF_SCANF -nostartfiles \
	-static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,max-page-size=4096 -T $(BM_LDS)

$(BM_OUT):
	$(Q)mkdir -p $@

$(BM_C_SRCS:%.c=$(BM_OUT)/%.o): $(BM_OUT)/%.o: $(BM_SRC_DIR)/%.c $(BM_SRC_DIR)/rules.mk | $(BM_OUT)
	@echo "CC      $<"
	$(Q)$(CROSS_COMPILE)gcc $(BM_CFLAGS) -c $< -o $@

$(BM_S_SRCS:%.S=$(BM_OUT)/%.o): $(BM_OUT)/%.o: $(BM_SRC_DIR)/%.S $(BM_SRC_DIR)/rules.mk | $(BM_OUT)
	@echo "AS      $<"
	$(Q)$(CROSS_COMPILE)gcc $(BM_ASFLAGS) -c $< -o $@

$(BAREMETAL_ELF): $(BM_OBJS) $(BM_LDS) $(BM_SRC_DIR)/check-no-fp.sh
	@echo "LD      $@"
	$(Q)$(CROSS_COMPILE)gcc $(BM_LDFLAGS) $(BM_OBJS) -o $@.tmp
	$(Q)sh $(BM_SRC_DIR)/check-no-fp.sh $(CROSS_COMPILE)objdump $(CROSS_COMPILE)nm $@.tmp $(BM_OUT)/harden_a64.o
	$(Q)mv $@.tmp $@

$(BAREMETAL_BIN): $(BAREMETAL_ELF)
	$(Q)$(CROSS_COMPILE)objcopy -O binary $< $@
	@echo "IMAGE   $@ ($$(stat -c %s $@) bytes)"

-include $(BM_OBJS:.o=.d)

.DEFAULT_GOAL := $(BM_SAVED_DEFAULT_GOAL)
