/*
 * The vGIC's common part: a partition's interrupt ownership, set up from the
 * configuration, and the filter operations both emulated frames (vgic_dist.c,
 * vgic_redist.c) apply to physical registers. See vgic.h for the model.
 */
#include <stddef.h>

#include "bh_string.h"
#include "gic_hw.h"
#include "vgic_internal.h"

/* GICD/GICR register offsets used here (IHI 0069, 12.9 and 12.11). */
#define GICD_IGROUPR(n)       (0x0080u + 4u * (n))
#define GICD_IGRPMODR(n)      (0x0d00u + 4u * (n))
#define GICD_ICENABLER(n)     (0x0180u + 4u * (n))
#define GICD_ISPENDR(n)       (0x0200u + 4u * (n))
#define GICD_ICPENDR(n)       (0x0280u + 4u * (n))
#define GICD_ICACTIVER(n)     (0x0380u + 4u * (n))
#define GICD_IPRIORITYR(n)    (0x0400u + (n))
#define GICD_IROUTER(n)       (0x6000u + 8u * (n))
#define GIC_FIRST_SPI         32u
#define GICR_ICENABLER0       (VGIC_GICR_SGI_BASE + 0x0180u)
#define GICR_ICPENDR0         (VGIC_GICR_SGI_BASE + 0x0280u)
#define GICR_ICACTIVER0       (VGIC_GICR_SGI_BASE + 0x0380u)
#define GICR_IPRIORITYR0      (VGIC_GICR_SGI_BASE + 0x0400u)

spinlock_t vgic_hw_lock;

uint32_t vgic_hw_read32(const struct vgic_target *t, uint32_t off)
{
	return t->redist ? arch_gicr_read32(t->core, off) : arch_gicd_read32(off);
}

void vgic_hw_write32(const struct vgic_target *t, uint32_t off, uint32_t v)
{
	if (t->redist) {
		arch_gicr_write32(t->core, off, v);
	} else {
		arch_gicd_write32(off, v);
	}
}

void vgic_hw_write8(const struct vgic_target *t, uint32_t off, uint8_t v)
{
	if (t->redist) {
		arch_gicr_write8(t->core, off, v);
	} else {
		arch_gicd_write8(off, v);
	}
}

uint32_t vgic_owned_word(const struct vgic *g, uint32_t first)
{
	/* Below 32 the distributor's bits are RAZ/WI with affinity routing
	 * (the redistributors hold private interrupts). */
	if (first < GIC_FIRST_SPI || first >= VGIC_NR_INTIDS) {
		return 0;
	}
	return g->owned[first / 32u];
}

int vgic_owns(const struct vgic *g, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE) {
		return (g->private_mask >> intid) & 1u;
	}
	if (intid >= VGIC_NR_INTIDS) {
		return 0;
	}
	return (g->owned[intid / 32u] >> (intid % 32u)) & 1u;
}

int vgic_size_ok(uint32_t off, unsigned int size, unsigned int sizes)
{
	if (size != 1u && size != 2u && size != 4u && size != 8u) {
		return 0;
	}
	if ((off & (size - 1u)) != 0) {
		return 0;
	}
	return (sizes & size) != 0;
}

void vgic_bits_access(struct vgic *g, const struct vgic_target *t, uint32_t hw_off,
		      uint32_t mask, int is_write, uint64_t *val)
{
	if (!is_write) {
		*val = vgic_hw_read32(t, hw_off) & mask;
		return;
	}
	uint32_t v = (uint32_t)*val;
	if ((v & ~mask) != 0) {
		g->stats.foreign_writes++;
	}
	/* Write-1-to-set/clear: zeros leave the others' bits alone, so no
	 * read-modify-write and no lock. */
	if ((v & mask) != 0) {
		vgic_hw_write32(t, hw_off, v & mask);
	}
}

void vgic_prio_access(struct vgic *g, const struct vgic_target *t, uint32_t hw_off,
		      uint32_t intid, uint8_t *shadow, unsigned int size, int is_write,
		      uint64_t *val)
{
	uint64_t out = 0;

	for (unsigned int i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(*val >> (8u * i));
		if (!vgic_owns(g, intid + i)) {
			if (is_write && b != 0) {
				g->stats.foreign_writes++;
			}
			continue;
		}
		if (is_write) {
			/* IPRIORITYR is byte-accessible: no neighbour is touched. */
			shadow[i] = b;
			vgic_hw_write8(t, hw_off + i, vgic_hw_prio(b));
		} else {
			out |= (uint64_t)shadow[i] << (8u * i);
		}
	}
	if (!is_write) {
		*val = out;
	}
}

void vgic_cfg_access(struct vgic *g, const struct vgic_target *t, uint32_t hw_off,
		     uint32_t first, int is_write, uint64_t *val)
{
	uint32_t mask = 0;

	/* Int_config[1] of each owned interrupt: edge (1) or level (0);
	 * Int_config[0] is RES0 in GICv3. */
	for (unsigned int i = 0; i < 16u; i++) {
		if (vgic_owns(g, first + i)) {
			mask |= 2u << (2u * i);
		}
	}
	if (!is_write) {
		*val = vgic_hw_read32(t, hw_off) & mask;
		return;
	}
	uint32_t v = (uint32_t)*val;
	if ((v & ~mask) != 0) {
		g->stats.foreign_writes++;
	}
	if (mask == 0) {
		return;
	}
	spin_lock(&vgic_hw_lock);
	vgic_hw_write32(t, hw_off, (vgic_hw_read32(t, hw_off) & ~mask) | (v & mask));
	spin_unlock(&vgic_hw_lock);
}

/* IROUTER format of a physical MPIDR affinity (IHI 0069, 12.9.22). */
static uint64_t irouter_of_mpidr(uint64_t mpidr)
{
	return mpidr & 0xff00ffffffull;
}

void vgic_init(struct vgic *g, uint32_t ncpus, const uint32_t *cores, const uint64_t *mpidr,
	       const uint32_t *irqs, uint32_t nirqs, uint32_t private_mask)
{
	memset(g, 0, sizeof(*g));
	g->ncpus = ncpus <= CONFIG_MAX_CORES ? ncpus : CONFIG_MAX_CORES;
	for (uint32_t i = 0; i < g->ncpus; i++) {
		g->cores[i] = cores[i];
		g->mpidr[i] = mpidr[i];
	}
	g->private_mask = private_mask;
	for (uint32_t k = 0; k < nirqs; k++) {
		uint32_t intid = irqs[k];
		if (intid >= GIC_FIRST_SPI && intid < VGIC_NR_INTIDS && g->nspis < BH_CFG_MAX_IRQS &&
		    !vgic_owns(g, intid)) {
			g->owned[intid / 32u] |= 1u << (intid % 32u);
			g->spi[g->nspis++] = (uint16_t)intid;
		}
	}
	vgic_reset_spis(g);
}

void vgic_reset_spis(struct vgic *g)
{
	g->ctlr = 0;
	for (uint32_t k = 0; k < g->nspis; k++) {
		g->route[k] = 0;
	}
	for (uint32_t w = GIC_FIRST_SPI / 32u; w < VGIC_WORDS; w++) {
		uint32_t bits = g->owned[w];
		if (bits == 0) {
			continue;
		}
		/* Disabled first, so nothing fires between the steps. */
		arch_gicd_write32(GICD_ICENABLER(w), bits);
		arch_gicd_write32(GICD_ICPENDR(w), bits);
		arch_gicd_write32(GICD_ICACTIVER(w), bits);
		/* Non-secure Group 1: the group a partition's interrupts are
		 * signalled in (with GICD_CTLR.DS = 1 they reset to Group 0,
		 * which is the hypervisor's). The words are shared with other
		 * partitions' SPIs. */
		spin_lock(&vgic_hw_lock);
		arch_gicd_write32(GICD_IGROUPR(w), arch_gicd_read32(GICD_IGROUPR(w)) | bits);
		arch_gicd_write32(GICD_IGRPMODR(w), arch_gicd_read32(GICD_IGRPMODR(w)) & ~bits);
		spin_unlock(&vgic_hw_lock);
		for (uint32_t b = 0; b < 32u; b++) {
			if ((bits >> b) & 1u) {
				uint32_t intid = w * 32u + b;
				arch_gicd_write8(GICD_IPRIORITYR(intid), vgic_hw_prio(0));
				if (g->ncpus > 0) {
					arch_gicd_write64(GICD_IROUTER(intid),
							  irouter_of_mpidr(g->mpidr[0]));
				}
				g->prio[intid] = 0;
			}
		}
	}
}

void vgic_reset_private(struct vgic *g, uint32_t vcpu)
{
	if (vcpu >= g->ncpus) {
		return;
	}
	unsigned int core = g->cores[vcpu];
	uint32_t mask = g->private_mask;
	arch_gicr_write32(core, GICR_ICENABLER0, mask);
	arch_gicr_write32(core, GICR_ICPENDR0, mask);
	arch_gicr_write32(core, GICR_ICACTIVER0, mask);
	for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++) {
		if ((mask >> i) & 1u) {
			arch_gicr_write8(core, GICR_IPRIORITYR0 + i, vgic_hw_prio(0));
		}
	}
	memset(&g->cpu[vcpu], 0, sizeof(g->cpu[vcpu]));
}

uint32_t *vgic_spi_route(struct vgic *g, uint32_t intid)
{
	for (uint32_t k = 0; k < g->nspis && k < BH_CFG_MAX_IRQS; k++) {
		if (g->spi[k] == intid) {
			return &g->route[k];
		}
	}
	return NULL;
}

uint64_t vgic_phys_irouter(const struct vgic *g, uint32_t vcpu)
{
	return irouter_of_mpidr(g->mpidr[vcpu < g->ncpus ? vcpu : 0u]);
}

void vgic_spi_set_level(const struct vgic *g, uint32_t intid, int level)
{
	if (intid < GIC_FIRST_SPI || !vgic_owns(g, intid)) {
		return;
	}
	uint32_t bit = 1u << (intid % 32u);
	/* Set again while the line is up, not only on its rising edge: the
	 * GIC may clear a pending state set by software when the interrupt is
	 * acknowledged, and the partition's driver must find it pending again
	 * while the device still asks for service. */
	arch_gicd_write32(level ? GICD_ISPENDR(intid / 32u) : GICD_ICPENDR(intid / 32u), bit);
}
