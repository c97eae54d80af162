/* The fake physical GIC of host_gic_fakes.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gic_hw.h"
#include "host_gic_fakes.h"

uint8_t hw_gicd[GICD_BYTES];
uint8_t hw_gicr[NCORES][GICR_BYTES];
uint64_t hgf_sgis[HGF_SGI_MAX];
unsigned int hgf_nsgis;

/* ---- fake physical GIC -------------------------------------------------- */

uint32_t arch_gicd_read32(uint32_t off)
{
	uint32_t v;
	assert_true(off + 4u <= GICD_BYTES && off % 4u == 0);
	memcpy(&v, hw_gicd + off, 4);
	return v;
}

void arch_gicd_write32(uint32_t off, uint32_t v)
{
	assert_true(off + 4u <= GICD_BYTES && off % 4u == 0);
	/* The set/clear registers act on bits, as the hardware does. */
	if (off >= 0x100u && off < 0x400u) {
		uint32_t block = (off - 0x100u) / 0x80u;      /* ISEN ICEN ISP ICP ISA ICA */
		uint32_t base = 0x100u + (block / 2u) * 0x100u + (off - 0x100u) % 0x80u;
		uint32_t cur;
		memcpy(&cur, hw_gicd + base, 4);
		cur = block % 2u == 0 ? (cur | v) : (cur & ~v);
		memcpy(hw_gicd + base, &cur, 4);
		memcpy(hw_gicd + base + 0x80u, &cur, 4);
		return;
	}
	memcpy(hw_gicd + off, &v, 4);
}

void arch_gicd_write8(uint32_t off, uint8_t v)
{
	assert_true(off < GICD_BYTES);
	hw_gicd[off] = v;
}

void arch_gicd_write64(uint32_t off, uint64_t v)
{
	assert_true(off + 8u <= GICD_BYTES && off % 8u == 0);
	memcpy(hw_gicd + off, &v, 8);
}

uint32_t arch_gicr_read32(unsigned int core, uint32_t off)
{
	uint32_t v;
	assert_true(core < NCORES && off + 4u <= GICR_BYTES && off % 4u == 0);
	memcpy(&v, hw_gicr[core] + off, 4);
	return v;
}

void arch_gicr_write32(unsigned int core, uint32_t off, uint32_t v)
{
	assert_true(core < NCORES && off + 4u <= GICR_BYTES && off % 4u == 0);
	if (off >= 0x10100u && off < 0x10400u && (off - 0x10100u) % 0x80u == 0) {
		uint32_t block = (off - 0x10100u) / 0x80u;
		uint32_t base = 0x10100u + (block / 2u) * 0x100u;
		uint32_t cur;
		memcpy(&cur, hw_gicr[core] + base, 4);
		cur = block % 2u == 0 ? (cur | v) : (cur & ~v);
		memcpy(hw_gicr[core] + base, &cur, 4);
		memcpy(hw_gicr[core] + base + 0x80u, &cur, 4);
		return;
	}
	memcpy(hw_gicr[core] + off, &v, 4);
}

void arch_gicr_write8(unsigned int core, uint32_t off, uint8_t v)
{
	assert_true(core < NCORES && off < GICR_BYTES);
	hw_gicr[core][off] = v;
}

uint32_t arch_gic_guest_private_mask(void)
{
	return HGF_PRIVATE_MASK;
}

/* Recorded as (mpidr << 8) | intid. */
void arch_gic_send_sgi(uint64_t mpidr, uint32_t intid)
{
	if (hgf_nsgis < HGF_SGI_MAX) {
		hgf_sgis[hgf_nsgis] = (mpidr << 8) | intid;
	}
	hgf_nsgis++;
}

void hgf_reset(void)
{
	memset(hw_gicd, 0, sizeof(hw_gicd));
	memset(hw_gicr, 0, sizeof(hw_gicr));
	hgf_nsgis = 0;
}

