/*
 * QEMU "virt" board facts the hypervisor takes from the port rather than the
 * device tree: its console, and the GIC frames (searching the DTB for them
 * costs more boot time than it is worth; docs/design-notes.md). Cores and RAM
 * come from the DTB at boot and from board.dts at build time.
 *
 * Porting: copy this directory, change these values and platform.c, add a
 * defconfig and a board.dts. See docs/porting.md.
 */
#ifndef PLAT_PLATFORM_H
#define PLAT_PLATFORM_H

#define PLAT_NAME               "qemu-virt"

/* The hypervisor's console: the board's one non-secure PL011. */
#define PLAT_UART_BASE          0x09000000UL
#define PLAT_UART_SIZE          0x1000UL
/* Its interrupt: SPI 1 (board.dts "interrupts = <0 1 4>"), INTID 33. */
#define PLAT_UART_INTID         33u

/* GIC frames the hypervisor itself touches (GICD, ITS, GICR for up to 123
 * cores), mapped at EL2 as Device-nGnRE. The GIC version is read from the
 * hardware at boot (arch/arm64/gic_id.c). */
#define PLAT_GIC_BASE           0x08000000UL
#define PLAT_GIC_SIZE           0x01000000UL
#define PLAT_GICD_BASE          0x08000000UL
#define PLAT_GICR_BASE          0x080a0000UL

#endif /* PLAT_PLATFORM_H */
