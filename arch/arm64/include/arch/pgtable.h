/*
 * VMSAv8-64 translation tables, 4 KiB granule: descriptor encoding and a table
 * builder shared by the EL2 stage-1 regime (mmu.c) and stage 2 (stage2.c).
 *
 * The builder does no allocation of its own: tables come from a fixed pool the
 * caller sizes at build time, so a configuration that needs more tables than
 * were reserved fails at boot with PT_ENOMEM instead of corrupting memory.
 * It is plain C with no system-register access, so tests/unit builds it for
 * the host and checks the encodings bit by bit.
 */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include <stdint.h>

#define PT_GRANULE              4096UL
#define PT_ENTRIES              512u
#define PT_LEVEL_SHIFT(l)       (12u + 9u * (3u - (l)))   /* level 3: 12, 2: 21, 1: 30, 0: 39 */
#define PT_LEVEL_SIZE(l)        (1UL << PT_LEVEL_SHIFT(l))

/* Descriptor type, bits [1:0]. */
#define PTE_VALID               (1UL << 0)
#define PTE_TYPE_BLOCK          (1UL << 0)               /* levels 1, 2 */
#define PTE_TYPE_TABLE          (3UL << 0)               /* levels 0-2 */
#define PTE_TYPE_PAGE           (3UL << 0)               /* level 3 */
#define PTE_TYPE_MASK           (3UL << 0)
#define PTE_ADDR_MASK           0x0000fffffffff000UL     /* OA bits [47:12] */

/* Lower and upper attributes common to both stages. */
#define PTE_SH_INNER            (3UL << 8)
#define PTE_AF                  (1UL << 10)
#define PTE_XN                  (1UL << 54)              /* stage 1 EL2: XN; stage 2: XN[1] */

/* Stage 1 (EL2 regime) lower attributes. */
#define PTE_S1_ATTRIDX(i)       ((uint64_t)(i) << 2)
#define PTE_S1_AP_RO            (1UL << 7)               /* AP[2]: read-only */
#define PTE_S1_AP1_RES1         (1UL << 6)               /* AP[1] is RES1 where one EL uses the regime */

/* Stage 2 lower attributes: MemAttr[5:2] and S2AP[7:6]. */
#define PTE_S2_MEMATTR_DEVICE_nGnRE (0x1UL << 2)
#define PTE_S2_MEMATTR_NORMAL_WB    (0xfUL << 2)
#define PTE_S2_AP_READ          (1UL << 6)
#define PTE_S2_AP_WRITE         (2UL << 6)
#define PTE_S2_AP_RW            (PTE_S2_AP_READ | PTE_S2_AP_WRITE)

/* Everything a leaf carries besides its type and output address. */
#define PTE_ATTR_MASK           (~(PTE_ADDR_MASK | PTE_TYPE_MASK))

enum pt_err {
	PT_OK = 0,
	PT_EALIGN = -1,     /* va, pa or size not page aligned */
	PT_ERANGE = -2,     /* outside the input address size */
	PT_ENOMEM = -3,     /* table pool exhausted */
	PT_EEXIST = -4,     /* part of the range is mapped already */
};

/* A fixed array of 4 KiB tables; `used` counts how many are handed out. */
struct pt_pool {
	uint64_t (*tables)[PT_ENTRIES];
	uint32_t ntables;
	uint32_t used;
};

struct pt {
	uint64_t *root;          /* start-level table, from the pool */
	uint32_t start_level;    /* 0 or 1 */
	uint32_t ia_bits;        /* input address size, e.g. 39 */
	struct pt_pool *pool;
};

/* Takes the root table from the pool. */
int pt_init(struct pt *pt, struct pt_pool *pool, uint32_t start_level, uint32_t ia_bits);

/*
 * Maps [ia, ia+size) to [oa, oa+size) with leaf attributes `attrs` (no type or
 * address bits). Uses the largest block each step's alignment allows. Refuses to
 * replace any existing mapping: the caller's layout is checked, not silently
 * merged. On error some tables may have been taken from the pool but no
 * existing leaf was changed.
 */
int pt_map(struct pt *pt, uint64_t ia, uint64_t oa, uint64_t size, uint64_t attrs);

/*
 * Clears every leaf in [ia, ia+size); tables stay, so mapping the range again
 * takes nothing from the pool. Unmapped parts are skipped. A block only
 * partly inside the range is PT_ERANGE (nothing is split); leaves before it
 * are cleared already. The caller invalidates the TLB.
 */
int pt_unmap(struct pt *pt, uint64_t ia, uint64_t size);

/*
 * Looks up one input address. Returns the leaf descriptor (0 if unmapped) and,
 * through `level`, the level it was found at.
 */
uint64_t pt_lookup(const struct pt *pt, uint64_t ia, uint32_t *level);

/* Output address a leaf at `level` gives for `ia`. */
uint64_t pt_leaf_oa(uint64_t desc, uint32_t level, uint64_t ia);

/* Human-readable name of an error code, for boot diagnostics. */
const char *pt_strerror(int err);

#endif /* ARCH_PGTABLE_H */
