/*
 * Link map of the hypervisor image. Linked at CONFIG_HYP_BASE + HYP_TEXT_OFFSET:
 * a boot loader puts an arm64 Image at a 2 MiB-aligned base + its header's
 * text_offset, and QEMU keeps the first 2 MiB of RAM for its own boot stub
 * whenever text_offset is smaller than that, so the image asks for 2 MiB.
 * Every region mmu.c maps with its own permissions starts on a page.
 */
#include "generated/autoconf.h"
#include "arch/layout.h"

OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)

/* One ELF segment per permission, matching what mmu.c maps. */
PHDRS
{
	text PT_LOAD FLAGS(5);          /* R-X */
	rodata PT_LOAD FLAGS(4);        /* R-- */
	data PT_LOAD FLAGS(6);          /* RW- */
}

SECTIONS
{
	. = CONFIG_HYP_BASE + HYP_TEXT_OFFSET;
	__image_start = .;

	.text : {
		__text_start = .;
		KEEP(*(.text.head))
		*(.text .text.*)
		. = ALIGN(4096);
		__text_end = .;
	} :text

	.rodata : {
		__rodata_start = .;
		*(.rodata .rodata.*)
		/* libfdt.a is built position-independent; in this static link
		 * its GOT is fixed at link time, so it is read-only data. */
		*(.got .got.plt)
		. = ALIGN(4096);
		__rodata_end = .;
	} :rodata

	.data : {
		__data_start = .;
		*(.data .data.*)
		. = ALIGN(16);
	} :data

	/* Both ends 64-byte aligned: boot.S clears it 64 bytes a turn. */
	.bss (NOLOAD) : ALIGN(64) {
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	}

	/* Memory that needs no zeroing: translation-table pools (each table is
	 * zeroed when the pool hands it out) and the emergency stacks. Left
	 * out of BSS, it is not cleared on every boot. */
	.tables (NOLOAD) : ALIGN(4096) {
		*(.tables)
		*(.noclear)
		. = ALIGN(4096);
		__data_end = .;
	}

	/* Per-core stack slots, see arch/layout.h: lower half never mapped. */
	.stacks (NOLOAD) : ALIGN(HYP_STACK_SLOT) {
		__stacks_start = .;
		. += CONFIG_MAX_CORES * HYP_STACK_SLOT;
		__stacks_end = .;
	}

	__image_end = .;
	__image_size = __image_end - __image_start;

	ASSERT(__image_end <= CONFIG_HYP_BASE + CONFIG_HYP_SIZE,
	       "the image does not fit in CONFIG_HYP_SIZE")

	/DISCARD/ : {
		*(.comment) *(.note .note.*) *(.eh_frame .eh_frame_hdr) *(.interp)
		*(.dynamic) *(.dynsym) *(.dynstr) *(.hash) *(.gnu.hash)
	}
}
