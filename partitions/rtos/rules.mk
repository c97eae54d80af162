# Make fragment for the RTOS (partitions/rtos); included by the top Makefile.
# Needs BUILD_ROOT and LIBFDT_A/ARM64_ROOT (Debian's arm64 libfdt); produces
# $(RTOS_BIN) and $(RTOS_ELF).

CROSS_COMPILE ?= aarch64-linux-gnu-

RTOS_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

RTOS_SRC_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
RTOS_OUT := $(BUILD_ROOT)/guests/rtos

RTOS_BIN := $(RTOS_OUT)/rtos.bin
RTOS_ELF := $(RTOS_OUT)/rtos.elf

# sched.c and timerlist.c are the pure logic the host unit tests build too.
RTOS_C_SRCS := main.c board.c kernel.c sched.c timerlist.c gic.c pl011.c mmu.c \
	selftest.c demo.c
RTOS_S_SRCS := start.S
RTOS_OBJS := $(addprefix $(RTOS_OUT)/,$(RTOS_S_SRCS:.S=.o) $(RTOS_C_SRCS:.c=.o))
RTOS_LDS := $(RTOS_SRC_DIR)/rtos.lds

# Debian's picolibc for aarch64 (picolibc-aarch64-linux-gnu): its specs file
# puts its headers first and links its libc.a (with libgcc).
RTOS_SPECS := -specs=/usr/lib/picolibc/aarch64-linux-gnu/picolibc.specs

# -mgeneral-regs-only: no FP/SIMD in the kernel (none is saved at a switch;
# check-no-fp.sh checks the whole link, picolibc and libfdt included).
# -fpie + -static-pie: runs wherever it is loaded (start.S relocates).
# -mstrict-align: until the MMU is on, all data accesses are Device ones.
RTOS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror $(RTOS_SPECS) \
	-mgeneral-regs-only -mstrict-align -fpie -fvisibility=hidden \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-I$(RTOS_SRC_DIR) -I$(ARM64_ROOT)/usr/include -MMD -MP
RTOS_ASFLAGS := -I$(RTOS_SRC_DIR) -MMD -MP
# -DPICOLIBC_INTEGER_PRINTF_SCANF: picolibc.specs then links vfprintf as its
# integer-only __i_vfprintf.
RTOS_LDFLAGS := $(RTOS_SPECS) -DPICOLIBC_INTEGER_PRINTF_SCANF -nostartfiles \
	-static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,-z,max-page-size=4096 -T $(RTOS_LDS)

$(RTOS_OUT):
	$(Q)mkdir -p $@

$(RTOS_C_SRCS:%.c=$(RTOS_OUT)/%.o): $(RTOS_OUT)/%.o: $(RTOS_SRC_DIR)/%.c $(RTOS_SRC_DIR)/rules.mk | $(RTOS_OUT) $(LIBFDT_A)
	@echo "CC      $<"
	$(Q)$(CROSS_COMPILE)gcc $(RTOS_CFLAGS) -c $< -o $@

$(RTOS_S_SRCS:%.S=$(RTOS_OUT)/%.o): $(RTOS_OUT)/%.o: $(RTOS_SRC_DIR)/%.S $(RTOS_SRC_DIR)/rules.mk | $(RTOS_OUT)
	@echo "AS      $<"
	$(Q)$(CROSS_COMPILE)gcc $(RTOS_ASFLAGS) -c $< -o $@

$(RTOS_ELF): $(RTOS_OBJS) $(RTOS_LDS) $(LIBFDT_A) $(RTOS_SRC_DIR)/check-no-fp.sh
	@echo "LD      $@"
	$(Q)$(CROSS_COMPILE)gcc $(RTOS_LDFLAGS) $(RTOS_OBJS) $(LIBFDT_A) -o $@.tmp
	$(Q)sh $(RTOS_SRC_DIR)/check-no-fp.sh $(CROSS_COMPILE)objdump $@.tmp
	$(Q)mv $@.tmp $@

$(RTOS_BIN): $(RTOS_ELF)
	$(Q)$(CROSS_COMPILE)objcopy -O binary $< $@
	@echo "IMAGE   $@ ($$(stat -c %s $@) bytes)"

-include $(RTOS_OBJS:.o=.d)

.DEFAULT_GOAL := $(RTOS_SAVED_DEFAULT_GOAL)

# Part of the default build (and so of make test), whatever the configuration.
all: $(RTOS_BIN)
