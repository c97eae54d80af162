/*
 * Loading a partition: its RAM mapped at EL2 only meanwhile, zeroed where no
 * image goes, the pristine kernel, device tree and initrd copied in from the
 * hypervisor's image, the boot count stamped into the device tree.
 */
#include "arch.h"
#include "bh_string.h"
#include "config_tables.h"
#include "log.h"
#include "partition.h"
#include "partition_load.h"

/* Loading is done in pieces of LOAD_CHUNK bytes with a yield hint between
 * them. On cores that share a pipeline (SMT) the hint lets the sibling
 * run; where cores take turns on one host thread (QEMU's TCG under
 * -icount) it hands the turn to the others, so a partition started a
 * moment ago runs while the next one's hundreds of MiB are zeroed and
 * copied, as it would on parallel hardware. A piece is small enough that
 * a started partition whose turn ended (QEMU ends one at a GIC register
 * write, for instance) waits at most one piece - about 3 us zeroing, 15 us
 * copying at one instruction a nanosecond - and large enough that the
 * hints cost under 2% of the loading. */
#define LOAD_CHUNK              0x10000u

/* Pieces end at LOAD_CHUNK boundaries, so after a ragged first one each is
 * whole and aligned: arch_zero_ram's fast path covers it end to end. */
static void zero_pieces(uint64_t pa, uint64_t size)
{
	while (size > 0) {
		uint64_t to_boundary = LOAD_CHUNK - (pa & (LOAD_CHUNK - 1u));
		uint64_t n = size < to_boundary ? size : to_boundary;
		arch_zero_ram(pa, n);
		arch_cpu_relax();
		pa += n;
		size -= n;
	}
}

static void copy_pieces(uint64_t pa, const uint8_t *src, uint64_t size)
{
	while (size > 0) {
		uint64_t n = size < LOAD_CHUNK ? size : LOAD_CHUNK;
		memcpy((void *)(uintptr_t)pa, src, n);
		arch_cpu_relax();
		pa += n;
		src += n;
		size -= n;
	}
}

static int copy_blob(struct partition *p, const struct bh_blob *blob, const char *what)
{
	uint64_t pa = partition_ram_pa(p, blob->load_ipa, blob->size);
	if (pa == 0) {
		LOG_ERROR("partition \"%s\": %s at IPA 0x%lx (+0x%lx) is outside its RAM", p->cfg->name,
			  what, blob->load_ipa, blob->size);
		return -1;
	}
	copy_pieces(pa, (const uint8_t *)blob->data, blob->size);
	arch_sync_loaded_image(pa, blob->size);
	return 0;
}

#define LOAD_BLOBS              3u

/* Zeroes every byte of p's RAM that no blob is about to overwrite: nothing of
 * a previous run, nor of whatever was there before the first (a boot loader
 * may leave its DTB or a staging copy of the whole hypervisor image in a
 * partition's RAM), is there for the new run to read. */
static void zero_ram(struct partition *p)
{
	const struct bh_partition_config *c = p->cfg;
	const struct bh_blob *blobs[LOAD_BLOBS] = { &c->kernel, &c->dtb, &c->initrd };
	uint64_t lo[LOAD_BLOBS];
	uint64_t hi[LOAD_BLOBS];
	unsigned int n = 0;

	for (unsigned int i = 0; i < LOAD_BLOBS; i++) {
		uint64_t pa = blobs[i]->size != 0 ?
			      partition_ram_pa(p, blobs[i]->load_ipa, blobs[i]->size) : 0;
		if (pa == 0) {
			continue;       /* none, or outside its RAM: copy_blob() says so */
		}
		/* In address order (insertion). */
		unsigned int k = n++;
		while (k > 0 && lo[k - 1u] > pa) {
			lo[k] = lo[k - 1u];
			hi[k] = hi[k - 1u];
			k--;
		}
		lo[k] = pa;
		hi[k] = pa + blobs[i]->size;
	}
	for (unsigned int r = 0; r < c->nregions; r++) {
		const struct bh_region *reg = &c->regions[r];
		if (reg->kind != BH_REGION_RAM) {
			continue;
		}
		uint64_t a = reg->pa;
		uint64_t end = reg->pa + reg->size;
		for (unsigned int k = 0; k < n; k++) {
			if (hi[k] <= a || lo[k] >= end) {
				continue;
			}
			if (lo[k] > a) {
				zero_pieces(a, lo[k] - a);
			}
			a = hi[k];
		}
		if (a < end) {
			zero_pieces(a, end - a);
		}
	}
}

/* EL2's view of p's RAM, there only while partition_load() runs. The first
 * load takes the EL2 tables it needs (at boot, so a shortage shows then);
 * unmapping keeps them, so a restart's mapping cannot run short. */
static int map_ram(struct partition *p, int map)
{
	const struct bh_partition_config *c = p->cfg;
	for (unsigned int i = 0; i < c->nregions; i++) {
		if (c->regions[i].kind != BH_REGION_RAM) {
			continue;
		}
		int err = map ? arch_mmu_map_ram(c->regions[i].pa, c->regions[i].size) :
				arch_mmu_unmap_ram(c->regions[i].pa, c->regions[i].size);
		if (err != 0) {
			LOG_ERROR("partition \"%s\": cannot %s its RAM 0x%lx at EL2 for loading: %s",
				  c->name, map ? "map" : "unmap", c->regions[i].pa,
				  arch_pt_strerror(err));
			return -1;
		}
	}
	return 0;
}

static int fill(struct partition *p);

/* Maps the RAM at EL2, fills it (fill()), and unmaps it again whatever
 * happened: a running partition's RAM is not mapped at EL2, so no EL2 code
 * path, speculative or not, can reach it. */
int partition_load(struct partition *p)
{
	if (map_ram(p, 1) != 0) {
		(void)map_ram(p, 0);
		return -1;
	}
	int ret = fill(p);
	return map_ram(p, 0) != 0 ? -1 : ret;
}

/* Zeroes the RAM, copies the pristine kernel, device tree and initrd in, and
 * stamps the boot count. */
static int fill(struct partition *p)
{
	const struct bh_partition_config *c = p->cfg;
	zero_ram(p);
	if (copy_blob(p, &c->kernel, "kernel") != 0 || copy_blob(p, &c->dtb, "device tree") != 0) {
		return -1;
	}
	if (c->initrd.size != 0 && copy_blob(p, &c->initrd, "initrd") != 0) {
		return -1;
	}
	if (c->dtb_boot_count_offset <= c->dtb.size && c->dtb.size - c->dtb_boot_count_offset >= 4u) {
		uint8_t *cell = (uint8_t *)(uintptr_t)partition_ram_pa(p, c->dtb.load_ipa, c->dtb.size) +
				c->dtb_boot_count_offset;
		cell[0] = (uint8_t)(p->boot_count >> 24);
		cell[1] = (uint8_t)(p->boot_count >> 16);
		cell[2] = (uint8_t)(p->boot_count >> 8);
		cell[3] = (uint8_t)p->boot_count;
		arch_sync_loaded_image((uint64_t)(uintptr_t)cell, 4);
	}
	return 0;
}
