/*
 * The emulated GICv3 distributor (GICD) a partition sees: register decode
 * over the filter operations of vgic.c. Offsets and fields: Arm IHI 0069,
 * 12.9; the security view is the Non-secure one of a GIC with two Security
 * states (see vgic.h).
 */
#include <stddef.h>

#include "gic_hw.h"
#include "vgic_internal.h"

#define GICD_CTLR             0x0000u
#define GICD_CTLR_ENABLE_G1NS (1u << 1)   /* EnableGrp1A in the NS view */
#define GICD_CTLR_ARE_NS      (1u << 4)   /* RAO/WI: affinity routing always on */
#define GICD_TYPER            0x0004u
#define GICD_TYPER_CPUNUM_SHIFT 5
#define GICD_TYPER_CPUNUM_MASK  (7u << GICD_TYPER_CPUNUM_SHIFT)
#define GICD_TYPER_ESPI       (1u << 8)
#define GICD_TYPER_MBIS       (1u << 16)
#define GICD_TYPER_LPIS       (1u << 17)
#define GICD_TYPER_DVIS       (1u << 18)
#define GICD_TYPER_A3V        (1u << 24)
#define GICD_TYPER_NO1N       (1u << 25)
#define GICD_TYPER_RSS        (1u << 26)
#define GICD_IIDR             0x0008u
#define GICD_IGROUPR          0x0080u   /* ... 0x00fc */
#define GICD_ISENABLER        0x0100u
#define GICD_ICENABLER        0x0180u
#define GICD_ISPENDR          0x0200u
#define GICD_ICPENDR          0x0280u
#define GICD_ISACTIVER        0x0300u
#define GICD_ICACTIVER        0x0380u   /* ... 0x03fc */
#define GICD_IPRIORITYR       0x0400u   /* ... 0x07fb, byte per INTID */
#define GICD_IPRIORITYR_END   (GICD_IPRIORITYR + VGIC_NR_INTIDS)
#define GICD_ICFGR            0x0c00u   /* ... 0x0cfc */
#define GICD_ICFGR_END        0x0d00u
#define GICD_IROUTER          0x6000u   /* 8 bytes per INTID, from INTID 32 */
#define GICD_IROUTER_END      (GICD_IROUTER + 8u * VGIC_NR_INTIDS)
#define GICD_PIDR2            0xffe8u
#define GICD_BITS_END         0x0400u   /* end of the bit-per-INTID blocks */
#define GICD_BLOCK_SIZE       0x0080u   /* 32 words of 32 bits */

#define IROUTER_AFF0_MASK     0xffull
#define IROUTER_AFF3_SHIFT    32
#define IROUTER_VALID_MASK    0xff00ffffffull   /* Aff3, Aff2.Aff1.Aff0; IRM RES0 (No1N) */

/* The vCPU a virtual route names, or ncpus when it names none of them. */
static uint32_t route_vcpu(const struct vgic *g, uint32_t aff)
{
	return (aff & ~IROUTER_AFF0_MASK) == 0 && aff < g->ncpus ? aff : g->ncpus;
}

static uint64_t route_value(uint32_t aff)
{
	/* Stored as Aff3<<24 | Aff2.Aff1.Aff0; IROUTER keeps Aff3 at 39:32. */
	return ((uint64_t)(aff >> 24) << IROUTER_AFF3_SHIFT) | (aff & 0xffffffu);
}

static uint32_t route_store(uint64_t v)
{
	return (uint32_t)((((v >> IROUTER_AFF3_SHIFT) & 0xffu) << 24) | (v & 0xffffffu));
}

static enum vgic_result irouter_access(struct vgic *g, uint32_t off, int is_write,
				       unsigned int size, uint64_t *val)
{
	uint32_t intid = (off - GICD_IROUTER) / 8u;
	uint32_t half = off & 4u;

	if (!vgic_size_ok(off, size, VGIC_SZ32 | VGIC_SZ64)) {
		return VGIC_BUS_ERROR;
	}
	uint32_t *route = intid < VGIC_NR_PRIVATE ? NULL : vgic_spi_route(g, intid);
	if (route == NULL) {
		if (is_write) {
			g->stats.foreign_writes++;
		} else {
			*val = 0;
		}
		return VGIC_OK;
	}
	uint64_t cur = route_value(*route);
	if (!is_write) {
		*val = size == 8u ? cur : (half != 0 ? cur >> 32 : cur & 0xffffffffull);
		return VGIC_OK;
	}
	uint64_t nv;
	if (size == 8u) {
		nv = *val;
	} else if (half != 0) {
		nv = (cur & 0xffffffffull) | ((*val & 0xffffffffull) << 32);
	} else {
		nv = (cur & ~0xffffffffull) | (*val & 0xffffffffull);
	}
	*route = route_store(nv & IROUTER_VALID_MASK);
	/* A route to an affinity the partition does not have delivers to no
	 * PE on hardware; here it keeps the interrupt on vCPU 0's core (and
	 * vgic_route_vcpu() says ncpus). Never a core outside the partition. */
	uint32_t vcpu = route_vcpu(g, *route);
	arch_gicd_write64(off & ~7u, vgic_phys_irouter(g, vcpu < g->ncpus ? vcpu : 0u));
	return VGIC_OK;
}

static uint32_t typer(const struct vgic *g)
{
	uint32_t t = arch_gicd_read32(GICD_TYPER);

	/* Same INTID space and ID bits as the hardware; none of the features
	 * the partition must not reach (LPIs, message-based SPIs, direct vLPI
	 * injection, the extended SPI range), no range selector (vCPU Aff0 <
	 * 16), Aff3 always 0, and no 1-of-N routing. */
	t &= ~(GICD_TYPER_LPIS | GICD_TYPER_MBIS | GICD_TYPER_DVIS | GICD_TYPER_ESPI |
	       GICD_TYPER_A3V | GICD_TYPER_RSS | GICD_TYPER_CPUNUM_MASK);
	t |= GICD_TYPER_NO1N;
	uint32_t n = g->ncpus > 8u ? 8u : (g->ncpus == 0 ? 1u : g->ncpus);
	t |= ((n - 1u) << GICD_TYPER_CPUNUM_SHIFT) & GICD_TYPER_CPUNUM_MASK;
	return t;
}

enum vgic_result vgic_dist_access(struct vgic *g, uint32_t off, int is_write, unsigned int size,
				  uint64_t *val)
{
	const struct vgic_target hw = { 0, 0 };

	if (off >= VGIC_GICD_SIZE) {
		return VGIC_BUS_ERROR;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR_END) {
		if (!vgic_size_ok(off, size, VGIC_SZ8 | VGIC_SZ32)) {
			return VGIC_BUS_ERROR;
		}
		uint32_t intid = off - GICD_IPRIORITYR;
		/* INTIDs below 32 are banked in the redistributors: RAZ/WI. */
		if (intid < VGIC_NR_PRIVATE) {
			if (!is_write) {
				*val = 0;
			}
			return VGIC_OK;
		}
		vgic_prio_access(g, &hw, off, intid, &g->prio[intid], size, is_write, val);
		return VGIC_OK;
	}
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		return irouter_access(g, off, is_write, size, val);
	}
	/* Everything else is a 32-bit register. */
	if (!vgic_size_ok(off, size, VGIC_SZ32)) {
		return VGIC_BUS_ERROR;
	}
	if (off >= GICD_ISENABLER && off < GICD_BITS_END) {
		uint32_t first = ((off - GICD_ISENABLER) % GICD_BLOCK_SIZE) * 8u;
		vgic_bits_access(g, &hw, off, vgic_owned_word(g, first), is_write, val);
		return VGIC_OK;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR_END) {
		uint32_t first = (off - GICD_ICFGR) * 4u;
		if (first < VGIC_NR_PRIVATE) {
			if (!is_write) {
				*val = 0;
			}
			return VGIC_OK;
		}
		vgic_cfg_access(g, &hw, off, first, is_write, val);
		return VGIC_OK;
	}
	uint64_t r = 0;
	switch (off) {
	case GICD_CTLR:
		if (is_write) {
			g->ctlr = (uint32_t)*val & GICD_CTLR_ENABLE_G1NS;
		}
		r = g->ctlr | GICD_CTLR_ARE_NS;
		break;
	case GICD_TYPER:
		r = typer(g);
		break;
	case GICD_IIDR:
	case GICD_PIDR2:
		/* Who made the GIC and its architecture revision: the
		 * hardware's, so a guest applies the right errata. */
		r = arch_gicd_read32(off);
		break;
	default:
		/* IGROUPR, IGRPMODR, NSACR (Secure-only in this view),
		 * TYPER2, STATUSR, the message-SPI registers, ITARGETSR, SGIR
		 * and the SGI pending registers (legacy, ARE = 1), the other
		 * ID registers and every reserved offset: RAZ/WI. */
		break;
	}
	if (!is_write) {
		*val = r;
	}
	return VGIC_OK;
}

uint32_t vgic_route_vcpu(struct vgic *g, uint32_t intid)
{
	uint32_t *route = intid < VGIC_NR_PRIVATE ? NULL : vgic_spi_route(g, intid);
	return route != NULL ? route_vcpu(g, *route) : g->ncpus;
}
