/*
 * Which GIC architecture the board has, read from the hardware itself so a
 * wrong Kconfig choice or a wrong DTB is caught at boot.
 *
 * ID_AA64PFR0_EL1.GIC says whether this core has the GICv3/v4 system-register
 * CPU interface. The distributor's GICD_PIDR2.ArchRev (bits [7:4]) gives the
 * version: at offset 0xFFE8 in a GICv3/v4 distributor (64 KiB frame), 0xFE8 in
 * a GICv1/v2 distributor (4 KiB frame). Reading the v3 offset on a v2 board
 * could hit an unimplemented address, hence the order.
 */
#include "arch.h"
#include "arch/sysreg.h"

#define GICD_PIDR2_V3           0xffe8UL
#define GICD_PIDR2_V2           0x0fe8UL
#define GICD_PIDR2_ARCHREV_SHIFT 4
#define GICD_PIDR2_ARCHREV_MASK 0xfU

unsigned int arch_gic_version(uint64_t gicd_base)
{
	uint64_t sysreg_if = (read_sysreg(id_aa64pfr0_el1) >> ID_AA64PFR0_GIC_SHIFT) &
			     ID_AA64PFR0_GIC_MASK;
	uint64_t off = sysreg_if != 0 ? GICD_PIDR2_V3 : GICD_PIDR2_V2;
	uint32_t pidr2 = *(volatile uint32_t *)(uintptr_t)(gicd_base + off);

	return (pidr2 >> GICD_PIDR2_ARCHREV_SHIFT) & GICD_PIDR2_ARCHREV_MASK;
}
