/*
 * SGIs a partition sends. With HCR_EL2.IMO set, a write to ICC_SGI1R_EL1
 * traps to EL2 (Arm ARM, ICC_SGI1R_EL1 traps), so no partition generates an
 * SGI the hypervisor has not looked at: its targets are the partition's own
 * vCPUs in virtual affinity (vCPU i = 0.0.0.i), translated here to their
 * cores; IRM = 1 means every other vCPU of the partition, never the machine.
 * The SGI then arrives on the target core like any physical interrupt and is
 * injected there (arch/arm64/vgic_lr.c), subject to the enable and priority
 * the guest gave it.
 */
#include "gic_hw.h"
#include "vgic.h"

/* ICC_SGI1R_EL1 fields (Arm IHI 0069, 12.2.25). */
#define SGI1R_TARGETS_MASK     0xffffull
#define SGI1R_AFF1_SHIFT       16
#define SGI1R_INTID_SHIFT      24
#define SGI1R_INTID_MASK       0xfull
#define SGI1R_AFF2_SHIFT       32
#define SGI1R_IRM              (1ull << 40)
#define SGI1R_RS_SHIFT         44
#define SGI1R_RS_MASK          0xfull
#define SGI1R_AFF3_SHIFT       48
#define SGI1R_AFF_MASK         0xffull
#define SGI_TARGETS_PER_RS     16u

unsigned int vgic_send_sgi(const struct vgic *g, uint32_t self, uint64_t sgi1r, int *refused)
{
	uint32_t intid = (uint32_t)((sgi1r >> SGI1R_INTID_SHIFT) & SGI1R_INTID_MASK);
	unsigned int sent = 0;

	*refused = 0;
	if (((g->private_mask >> intid) & 1u) == 0) {
		*refused = 1;
		return 0;
	}
	if ((sgi1r & SGI1R_IRM) != 0) {
		for (uint32_t v = 0; v < g->ncpus; v++) {
			if (v != self) {
				arch_gic_send_sgi(g->mpidr[v], intid);
				sent++;
			}
		}
		return sent;
	}
	/* Every vCPU is 0.0.0.i: a target list with a higher affinity level
	 * names nobody of this partition. */
	if (((sgi1r >> SGI1R_AFF1_SHIFT) & SGI1R_AFF_MASK) != 0 ||
	    ((sgi1r >> SGI1R_AFF2_SHIFT) & SGI1R_AFF_MASK) != 0 ||
	    ((sgi1r >> SGI1R_AFF3_SHIFT) & SGI1R_AFF_MASK) != 0) {
		*refused = 1;
		return 0;
	}
	uint32_t base = (uint32_t)((sgi1r >> SGI1R_RS_SHIFT) & SGI1R_RS_MASK) * SGI_TARGETS_PER_RS;
	uint32_t targets = (uint32_t)(sgi1r & SGI1R_TARGETS_MASK);
	for (uint32_t bit = 0; bit < SGI_TARGETS_PER_RS; bit++) {
		if (((targets >> bit) & 1u) == 0) {
			continue;
		}
		uint32_t v = base + bit;
		if (v >= g->ncpus) {
			*refused = 1;   /* a PE that does not exist: nothing, as on hardware */
			continue;
		}
		arch_gic_send_sgi(g->mpidr[v], intid);
		sent++;
	}
	return sent;
}
