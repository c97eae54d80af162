/*
 * The emulated GICv3 redistributors a partition sees: one frame pair per
 * vCPU (RD_base, then SGI_base at +64 KiB), frame i for vCPU i. Private
 * interrupts (SGIs, PPIs) are banked per core, so an access to frame i
 * reaches the physical redistributor of vCPU i's core, filtered by the
 * private interrupts the partition may touch. Offsets and fields: Arm IHI
 * 0069, 12.10 and 12.11.
 */
#include "gic_hw.h"
#include "vgic_internal.h"

/* RD_base */
#define GICR_CTLR             0x0000u
#define GICR_IIDR             0x0004u
#define GICR_TYPER            0x0008u   /* 64-bit */
#define GICR_TYPER_LAST       (1ull << 4)
#define GICR_TYPER_PROCNUM_SHIFT 8
#define GICR_TYPER_AFF_SHIFT  32
#define GICR_WAKER            0x0014u
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_PROPBASER        0x0070u   /* 64-bit; no LPIs: RAZ/WI */
#define GICR_PENDBASER        0x0078u   /* 64-bit; no LPIs: RAZ/WI */
#define GICR_PIDR2            0xffe8u
/* SGI_base, as offsets from RD_base */
#define GICR_ISENABLER0       (VGIC_GICR_SGI_BASE + 0x0100u)
#define GICR_ICACTIVER0       (VGIC_GICR_SGI_BASE + 0x0380u)
#define GICR_BLOCK_SIZE       0x0080u
#define GICR_IPRIORITYR0      (VGIC_GICR_SGI_BASE + 0x0400u)
#define GICR_IPRIORITYR_END   (GICR_IPRIORITYR0 + VGIC_NR_PRIVATE)
#define GICR_ICFGR0           (VGIC_GICR_SGI_BASE + 0x0c00u)
#define GICR_ICFGR1           (VGIC_GICR_SGI_BASE + 0x0c04u)
#define GICR_ICFGR0_SGIS_EDGE 0xaaaaaaaau   /* SGIs are always edge-triggered */

static int is_64bit_reg(uint32_t off)
{
	return off == GICR_TYPER || off == GICR_PROPBASER || off == GICR_PENDBASER;
}

static uint64_t typer(const struct vgic *g, uint32_t vcpu)
{
	/* The vCPU's virtual affinity 0.0.0.vcpu and its processor number;
	 * Last on the partition's last frame, so a guest walking the region
	 * stops there. No LPIs, no direct LPI injection. */
	uint64_t t = ((uint64_t)vcpu << GICR_TYPER_AFF_SHIFT) |
		     ((uint64_t)vcpu << GICR_TYPER_PROCNUM_SHIFT);
	if (vcpu + 1u == g->ncpus) {
		t |= GICR_TYPER_LAST;
	}
	return t;
}

static enum vgic_result rd_base_access(struct vgic *g, uint32_t vcpu, uint32_t off, int is_write,
				       unsigned int size, uint64_t *val)
{
	struct vgic_cpu *c = &g->cpu[vcpu];
	uint64_t r = 0;

	if (!vgic_size_ok(off, size, is_64bit_reg(off & ~7u) ? (VGIC_SZ32 | VGIC_SZ64) : VGIC_SZ32)) {
		return VGIC_BUS_ERROR;
	}
	switch (off & ~7u) {
	case GICR_TYPER:
		r = typer(g, vcpu);
		if (size == 4u) {
			r = (off & 4u) != 0 ? r >> 32 : r & 0xffffffffull;
		}
		break;
	case GICR_CTLR & ~7u:
		/* GICR_CTLR (0x0) and GICR_IIDR (0x4) share the double word. */
		if (off == GICR_IIDR) {
			r = arch_gicr_read32(g->cores[vcpu], GICR_IIDR);
		}
		/* GICR_CTLR: no LPIs to enable, nothing pending: RAZ/WI. */
		break;
	case GICR_WAKER & ~7u:
		if (off == GICR_WAKER) {
			/* The guest's own power handshake. The physical
			 * redistributor stays awake: the hypervisor uses it. */
			if (is_write) {
				c->waker = (uint32_t)*val & GICR_WAKER_PROCESSOR_SLEEP;
			}
			r = c->waker | ((c->waker & GICR_WAKER_PROCESSOR_SLEEP) != 0 ?
					GICR_WAKER_CHILDREN_ASLEEP : 0u);
		}
		break;
	case GICR_PIDR2 & ~7u:
		if (off == GICR_PIDR2) {
			r = arch_gicr_read32(g->cores[vcpu], GICR_PIDR2);
		}
		break;
	default:
		/* STATUSR, PROPBASER/PENDBASER (LPIs would let the GIC write
		 * wherever they point, unchecked by stage 2), the LPI
		 * maintenance registers and reserved offsets: RAZ/WI. */
		break;
	}
	if (!is_write) {
		*val = r;
	}
	return VGIC_OK;
}

static enum vgic_result sgi_base_access(struct vgic *g, uint32_t vcpu, uint32_t off, int is_write,
					unsigned int size, uint64_t *val)
{
	const struct vgic_target hw = { 1, g->cores[vcpu] };
	struct vgic_cpu *c = &g->cpu[vcpu];

	if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR_END) {
		if (!vgic_size_ok(off, size, VGIC_SZ8 | VGIC_SZ32)) {
			return VGIC_BUS_ERROR;
		}
		uint32_t intid = off - GICR_IPRIORITYR0;
		vgic_prio_access(g, &hw, off, intid, &c->prio[intid], size, is_write, val);
		return VGIC_OK;
	}
	if (!vgic_size_ok(off, size, VGIC_SZ32)) {
		return VGIC_BUS_ERROR;
	}
	/* ISENABLER0 .. ICACTIVER0: one word each at the start of its block. */
	if (off >= GICR_ISENABLER0 && off <= GICR_ICACTIVER0 &&
	    (off - GICR_ISENABLER0) % GICR_BLOCK_SIZE == 0) {
		vgic_bits_access(g, &hw, off, g->private_mask, is_write, val);
		return VGIC_OK;
	}
	if (off == GICR_ICFGR1) {
		vgic_cfg_access(g, &hw, off, 16u, is_write, val);
		return VGIC_OK;
	}
	if (!is_write) {
		*val = off == GICR_ICFGR0 ? GICR_ICFGR0_SGIS_EDGE : 0u;
	}
	/* IGROUPR0, IGRPMODR0, NSACR (Secure in this view) and reserved
	 * offsets: RAZ/WI. */
	return VGIC_OK;
}

enum vgic_result vgic_redist_access(struct vgic *g, uint64_t off, int is_write,
				    unsigned int size, uint64_t *val)
{
	uint64_t vcpu = off / VGIC_GICR_FRAME_SIZE;
	uint32_t in = (uint32_t)(off % VGIC_GICR_FRAME_SIZE);

	if (vcpu >= g->ncpus) {
		return VGIC_BUS_ERROR;
	}
	if (in < VGIC_GICR_SGI_BASE) {
		return rd_base_access(g, (uint32_t)vcpu, in, is_write, size, val);
	}
	return sgi_base_access(g, (uint32_t)vcpu, in, is_write, size, val);
}
