/*
 * A partition's RAM as the hypervisor reaches it: IPA to physical address,
 * from the configuration tables alone. Used by the loader and by PSCI's
 * check of a CPU_ON entry point; kept apart so host tests link the real one.
 */
#include "partition.h"

uint64_t partition_ram_pa(const struct partition *p, uint64_t ipa, uint64_t size)
{
	const struct bh_partition_config *c = p->cfg;
	for (unsigned int i = 0; i < c->nregions && i < BH_CFG_MAX_REGIONS; i++) {
		const struct bh_region *r = &c->regions[i];
		if (r->kind != BH_REGION_RAM || ipa < r->ipa) {
			continue;
		}
		uint64_t off = ipa - r->ipa;
		if (off < r->size && size <= r->size - off) {
			return r->pa + off;
		}
	}
	return 0;
}
