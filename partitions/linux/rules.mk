# Make fragment for the Linux guest; included by the top Makefile.
# Needs BUILD_ROOT (and CONFIG, to know whether the configuration being built
# uses this guest); produces $(LINUX_IMAGE) and $(LINUX_INITRD).
#
# Nothing of the guest is built from source or committed: the kernel is
# Debian's current arm64 kernel (the package linux-image-arm64:arm64 depends
# on) and the initramfs is Debian's busybox-static:arm64, our /init and the
# modules it loads, from that same kernel package. Both packages are fetched
# with apt-get download and unpacked under $(LINUX_DEPS), never installed;
# they stay there between builds and are fetched again only when missing
# (`rm -rf $(BUILD_ROOT)/deps/linux` takes Debian's newest kernel).

# Including this file must not change the includer's default goal.
LX_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

LX_SRC_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
LINUX_OUT := $(BUILD_ROOT)/guests/linux
LINUX_DEPS := $(BUILD_ROOT)/deps/linux
LINUX_IMAGE := $(LINUX_OUT)/Image
LINUX_INITRD := $(LINUX_OUT)/initrd.cpio.gz

# Modules /init loads, by name; their dependencies come along (in load
# order). crc32c_generic is ext4's soft dependency (metadata checksums).
LINUX_MODULES ?= virtio_mmio virtio_blk crc32c_generic ext4 sp805_wdt

LX_KERNEL := $(LINUX_DEPS)/kernel
LX_BUSYBOX := $(LINUX_DEPS)/busybox

# .package is written last by fetch.sh: present means fetched and unpacked.
$(LX_KERNEL)/.package:
	$(Q)bash $(LX_SRC_DIR)/fetch.sh kernel $(LX_KERNEL)

$(LX_BUSYBOX)/.package:
	$(Q)bash $(LX_SRC_DIR)/fetch.sh busybox $(LX_BUSYBOX)

$(LINUX_IMAGE): $(LX_KERNEL)/.package
	$(Q)mkdir -p $(dir $@)
	$(Q)cp -L $(LX_KERNEL)/Image $@.tmp && mv $@.tmp $@
	@echo "IMAGE   $@ ($$(stat -c %s $@) bytes, Debian's $$(cat $<))"

# The module list is remembered, so that changing LINUX_MODULES remakes the
# initramfs; the file is rewritten only when the list changes.
.PHONY: LX_FORCE
$(LINUX_OUT)/.modules: LX_FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)if [ "$$(cat $@ 2>/dev/null)" != "$(LINUX_MODULES)" ]; then echo "$(LINUX_MODULES)" > $@; fi

# cntvct: our one program in the initramfs, /bin/cntvct. It prints the
# virtual counter and its frequency ("cntvct N cntfrq F"), which /init turns
# into its boot timestamps (virtual time since reset). Static, no C library:
# a raw write and exit system call.
LX_CNTVCT := $(LINUX_OUT)/cntvct
LX_CNTVCT_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -static -nostdlib -ffreestanding \
	-fno-stack-protector -fno-pie -no-pie -march=armv8-a -Wl,--build-id=none -s

$(LX_CNTVCT): $(LX_SRC_DIR)/cntvct.c $(LX_SRC_DIR)/rules.mk
	$(Q)mkdir -p $(dir $@)
	@echo "CC      $@"
	$(Q)$(CROSS_COMPILE)gcc $(LX_CNTVCT_CFLAGS) -o $@.tmp $< && mv $@.tmp $@

$(LINUX_INITRD): $(LX_KERNEL)/.package $(LX_BUSYBOX)/.package $(LINUX_OUT)/.modules \
		$(LX_SRC_DIR)/init $(LX_SRC_DIR)/mkinitramfs.sh $(LX_CNTVCT)
	$(Q)OBJCOPY=$(CROSS_COMPILE)objcopy bash $(LX_SRC_DIR)/mkinitramfs.sh --bin $(LX_CNTVCT) \
		$(LX_KERNEL) $(LX_BUSYBOX) $(LX_SRC_DIR)/init $@ $(LINUX_MODULES)

# A configuration whose kernel or initrd is one of these files gets them
# made before bhcfg looks for them (other configurations never fetch the
# kernel). The top Makefile adds $(LINUX_GUEST_IMAGES) to GUEST_IMAGES.
LINUX_GUEST_IMAGES :=
ifneq ($(CONFIG),)
ifneq ($(shell grep -sE '^[[:space:]]*(kernel|initrd)[[:space:]]*=[[:space:]]*"(Image|initrd\.cpio\.gz)"' $(CONFIG)),)
LINUX_GUEST_IMAGES := $(LINUX_IMAGE) $(LINUX_INITRD)
endif
endif

.DEFAULT_GOAL := $(LX_SAVED_DEFAULT_GOAL)
