# tools/bhcfg: the configuration compiler, a host program on the host's libfdt.
# Included by the top Makefile, which may set BUILD_ROOT (default: build).
# Provides:
#   $(BHCFG)       the tool
#   $(BHCFG_ASAN)  the same with AddressSanitizer + UBSan, for the fuzz test

BUILD_ROOT ?= build
HOSTCC ?= cc

# Whatever includes this file keeps its own default goal.
bhcfg_saved_goal := $(.DEFAULT_GOAL)

BHCFG := $(BUILD_ROOT)/tools/bhcfg
BHCFG_ASAN := $(BUILD_ROOT)/tools/bhcfg-asan

BHCFG_SRCS := $(wildcard tools/bhcfg/*.c)
BHCFG_DEPS := $(BHCFG_SRCS) $(wildcard tools/bhcfg/*.h) core/include/config_tables.h
BHCFG_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -Icore/include
BHCFG_ASAN_FLAGS := -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

$(BHCFG): $(BHCFG_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(BHCFG_CFLAGS) -o $@ $(BHCFG_SRCS) -lfdt

$(BHCFG_ASAN): $(BHCFG_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(BHCFG_CFLAGS) $(BHCFG_ASAN_FLAGS) -o $@ $(BHCFG_SRCS) -lfdt

.PHONY: bhcfg
bhcfg: $(BHCFG) $(BHCFG_ASAN)

.DEFAULT_GOAL := $(bhcfg_saved_goal)
