/*
 * Translation-table builder, see arch/pgtable.h.
 *
 * Tables are addressed as physical = virtual: EL2 runs identity mapped, and on
 * the host (unit tests) table pointers are below 2^48 and 4 KiB aligned, so the
 * same descriptor encoding holds in both places.
 */
#include <stddef.h>

#include "arch/pgtable.h"

static uint64_t *table_of(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & PTE_ADDR_MASK);
}

static uint64_t *pool_take(struct pt_pool *pool)
{
	if (pool->used >= pool->ntables) {
		return NULL;
	}
	uint64_t *t = pool->tables[pool->used];
	pool->used++;
	/* Eight entries (a 64-byte line) a turn: a table is cleared in a
	 * quarter of the time of one entry a turn, and every table of the
	 * boot is cleared before the first partition runs. */
	for (uint32_t i = 0; i < PT_ENTRIES; i += 8u) {
		t[i] = 0;
		t[i + 1u] = 0;
		t[i + 2u] = 0;
		t[i + 3u] = 0;
		t[i + 4u] = 0;
		t[i + 5u] = 0;
		t[i + 6u] = 0;
		t[i + 7u] = 0;
	}
	return t;
}

int pt_init(struct pt *pt, struct pt_pool *pool, uint32_t start_level, uint32_t ia_bits)
{
	/* A start level must resolve the whole input range with one table:
	 * level 0 covers 48 bits, level 1 covers 39. */
	if (start_level > 1 || ia_bits > PT_LEVEL_SHIFT(start_level) + 9u || ia_bits < 25u) {
		return PT_ERANGE;
	}
	pt->pool = pool;
	pt->start_level = start_level;
	pt->ia_bits = ia_bits;
	pt->root = pool_take(pool);
	if (pt->root == NULL) {
		return PT_ENOMEM;
	}
	return PT_OK;
}

static uint32_t index_at(uint64_t ia, uint32_t level)
{
	return (uint32_t)((ia >> PT_LEVEL_SHIFT(level)) & (PT_ENTRIES - 1u));
}

/* With a 4 KiB granule, blocks exist at levels 1 and 2 only (no FEAT_LPA2). */
static int block_allowed(uint32_t level)
{
	return level == 1u || level == 2u;
}

/* How much of [ia, ia + size) lies in the entry of `step` bytes holding ia. */
static uint64_t chunk_in_entry(uint64_t ia, uint64_t size, uint64_t step)
{
	uint64_t chunk = ((ia & ~(step - 1)) + step) - ia;
	return chunk > size ? size : chunk;
}

/*
 * Fills empty entries [idx, idx + n) of one table with leaves (pages at level
 * 3, blocks above) for consecutive output addresses, up to the first entry
 * in use; returns how many it filled. A partition's RAM and the hypervisor's
 * image are long runs of such entries: one store each, where the general
 * path below would work out index, chunk and kind again for every page
 * (most of the boot's table-building time before this existed).
 */
static uint32_t fill_leaves(uint64_t *table, uint32_t idx, uint32_t n, uint64_t oa,
			    uint64_t step, uint64_t bits)
{
	/* The output address sits in the descriptor's address field, so the
	 * next entry's descriptor is this one's plus step (pt_map checked the
	 * range cannot run past the field). */
	uint64_t *e = &table[idx];
	uint64_t *end = e + n;
	uint64_t desc = (oa & PTE_ADDR_MASK) | bits;
	while (e < end && *e == 0) {
		*e = desc;
		e++;
		desc += step;
	}
	return (uint32_t)(e - &table[idx]);
}

static int map_level(struct pt *pt, uint64_t *table, uint32_t level,
		     uint64_t ia, uint64_t oa, uint64_t size, uint64_t attrs)
{
	uint64_t step = PT_LEVEL_SIZE(level);
	uint64_t leaf_type = level == 3u ? PTE_TYPE_PAGE : PTE_TYPE_BLOCK;

	while (size > 0) {
		uint32_t idx = index_at(ia, level);
		uint64_t chunk = chunk_in_entry(ia, size, step);

		if (chunk == step && (level == 3u || (block_allowed(level) && (oa & (step - 1)) == 0))) {
			uint64_t whole = size / step;
			uint32_t room = PT_ENTRIES - idx;
			uint32_t n = whole < room ? (uint32_t)whole : room;
			uint32_t done = fill_leaves(table, idx, n, oa, step,
						    (attrs & PTE_ATTR_MASK) | leaf_type);
			if (done != 0) {
				ia += done * step;
				oa += done * step;
				size -= done * step;
				continue;
			}
			/* The entry is in use: the general path says what it is. */
		}
		uint64_t desc = table[idx];

		if (level == 3u) {
			if (desc & PTE_VALID) {
				return PT_EEXIST;
			}
			table[idx] = (oa & PTE_ADDR_MASK) | (attrs & PTE_ATTR_MASK) | PTE_TYPE_PAGE;
		} else if (block_allowed(level) && chunk == step && (oa & (step - 1)) == 0 &&
			   desc == 0) {
			table[idx] = (oa & PTE_ADDR_MASK) | (attrs & PTE_ATTR_MASK) | PTE_TYPE_BLOCK;
		} else {
			uint64_t *next;
			if (desc == 0) {
				next = pool_take(pt->pool);
				if (next == NULL) {
					return PT_ENOMEM;
				}
				table[idx] = ((uint64_t)(uintptr_t)next & PTE_ADDR_MASK) | PTE_TYPE_TABLE;
			} else if ((desc & PTE_TYPE_MASK) == PTE_TYPE_TABLE) {
				next = table_of(desc);
			} else {
				/* A block is there already: splitting it would silently
				 * change a mapping somebody else asked for. */
				return PT_EEXIST;
			}
			int err = map_level(pt, next, level + 1u, ia, oa, chunk, attrs);
			if (err != PT_OK) {
				return err;
			}
		}
		ia += chunk;
		oa += chunk;
		size -= chunk;
	}
	return PT_OK;
}

int pt_map(struct pt *pt, uint64_t ia, uint64_t oa, uint64_t size, uint64_t attrs)
{
	if (((ia | oa | size) & (PT_GRANULE - 1)) != 0) {
		return PT_EALIGN;
	}
	uint64_t limit = 1UL << pt->ia_bits;
	if (size == 0 || ia >= limit || size > limit - ia || (oa & ~PTE_ADDR_MASK) != 0 ||
	    size - 1 > (PTE_ADDR_MASK | (PT_GRANULE - 1)) - oa) {
		return PT_ERANGE;
	}
	return map_level(pt, pt->root, pt->start_level, ia, oa, size, attrs);
}

static int unmap_level(uint64_t *table, uint32_t level, uint64_t ia, uint64_t size)
{
	uint64_t step = PT_LEVEL_SIZE(level);

	while (size > 0) {
		uint32_t idx = index_at(ia, level);
		uint64_t chunk = chunk_in_entry(ia, size, step);

		if (level == 3u && chunk == step) {
			/* Whole pages of one table: cleared in one run (an entry
			 * already clear stays so). */
			uint64_t whole = size / step;
			uint32_t room = PT_ENTRIES - idx;
			uint32_t n = whole < room ? (uint32_t)whole : room;
			for (uint32_t i = 0; i < n; i++) {
				table[idx + i] = 0;
			}
			ia += n * step;
			size -= n * step;
			continue;
		}
		uint64_t desc = table[idx];

		if ((desc & PTE_VALID) == 0) {
			/* Nothing mapped here. */
		} else if (level == 3u || (desc & PTE_TYPE_MASK) == PTE_TYPE_BLOCK) {
			if (chunk != step) {
				/* Part of a block: splitting it would need tables the
				 * pool may not have; the caller unmaps what it mapped. */
				return PT_ERANGE;
			}
			table[idx] = 0;
		} else {
			int err = unmap_level(table_of(desc), level + 1u, ia, chunk);
			if (err != PT_OK) {
				return err;
			}
		}
		ia += chunk;
		size -= chunk;
	}
	return PT_OK;
}

int pt_unmap(struct pt *pt, uint64_t ia, uint64_t size)
{
	if (((ia | size) & (PT_GRANULE - 1)) != 0) {
		return PT_EALIGN;
	}
	uint64_t limit = 1UL << pt->ia_bits;
	if (size == 0 || ia >= limit || size > limit - ia) {
		return PT_ERANGE;
	}
	return unmap_level(pt->root, pt->start_level, ia, size);
}

uint64_t pt_lookup(const struct pt *pt, uint64_t ia, uint32_t *level)
{
	if (ia >> pt->ia_bits) {
		return 0;
	}
	const uint64_t *table = pt->root;
	for (uint32_t l = pt->start_level; l <= 3u; l++) {
		uint64_t desc = table[index_at(ia, l)];
		if ((desc & PTE_VALID) == 0) {
			return 0;
		}
		if (l == 3u || (desc & PTE_TYPE_MASK) == PTE_TYPE_BLOCK) {
			if (level != NULL) {
				*level = l;
			}
			return desc;
		}
		table = table_of(desc);
	}
	return 0;
}

uint64_t pt_leaf_oa(uint64_t desc, uint32_t level, uint64_t ia)
{
	uint64_t mask = PT_LEVEL_SIZE(level) - 1;
	return (desc & PTE_ADDR_MASK & ~mask) | (ia & mask);
}

const char *pt_strerror(int err)
{
	switch (err) {
	case PT_OK:
		return "ok";
	case PT_EALIGN:
		return "not page aligned";
	case PT_ERANGE:
		return "outside the address range";
	case PT_ENOMEM:
		return "translation-table pool exhausted";
	case PT_EEXIST:
		return "overlaps an existing mapping";
	default:
		return "unknown error";
	}
}
