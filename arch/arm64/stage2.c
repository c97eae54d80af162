/*
 * Stage-2 tables, 4 KiB granule, starting at level 1.
 *
 * The IPA size is the smaller of 39 bits (one level-1 table, no concatenation)
 * and the PA size the core implements (ID_AA64MMFR0_EL1.PARange), so VTCR_EL2
 * never claims an output size the hardware lacks. RAM is Normal write-back,
 * read/write/execute; device pages are Device-nGnRE, read/write, execute-never.
 * Anything not mapped faults to EL2, which is the isolation boundary.
 */
#include "arch.h"
#include "arch/pgtable.h"
#include "arch/stage2.h"
#include "arch/sysreg.h"
#include "config.h"

#define S2_TABLES_PER_PARTITION 32u
#define S2_MAX_IPA_BITS         39u

/* VTCR_EL2 fields (Arm ARM D19.2, VTCR_EL2). */
#define VTCR_T0SZ_SHIFT         0
#define VTCR_SL0_LEVEL1         (1UL << 6)      /* 4 KiB granule: start at level 1 */
#define VTCR_IRGN0_WBWA         (1UL << 8)
#define VTCR_ORGN0_WBWA         (1UL << 10)
#define VTCR_SH0_INNER          (3UL << 12)
#define VTCR_TG0_4K             (0UL << 14)
#define VTCR_PS_SHIFT           16
#define VTCR_RES1               (1UL << 31)
#define VTTBR_VMID_SHIFT        48

#define S2_RAM      (PTE_S2_MEMATTR_NORMAL_WB | PTE_S2_AP_RW | PTE_SH_INNER | PTE_AF)
#define S2_DEVICE   (PTE_S2_MEMATTR_DEVICE_nGnRE | PTE_S2_AP_RW | PTE_AF | PTE_XN)

static uint64_t s2_tables[CONFIG_MAX_PARTITIONS][S2_TABLES_PER_PARTITION][PT_ENTRIES]
	__attribute__((aligned(PT_GRANULE), section(".tables")));
static struct pt_pool s2_pool[CONFIG_MAX_PARTITIONS];
static struct pt s2_pt[CONFIG_MAX_PARTITIONS];

/* PARange encodings 0-6 in bits. */
static const unsigned int parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

static unsigned int pa_range(uint64_t *ps)
{
	uint64_t pr = read_sysreg(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;
	if (pr > 5) {
		pr = 5;      /* 52-bit output needs FEAT_LPA descriptors; not used */
	}
	*ps = pr;
	return parange_bits[pr];
}

unsigned int stage2_ipa_bits(void)
{
	uint64_t ps;
	unsigned int bits = pa_range(&ps);
	return bits < S2_MAX_IPA_BITS ? bits : S2_MAX_IPA_BITS;
}

uint64_t stage2_vtcr(void)
{
	uint64_t ps;
	(void)pa_range(&ps);
	return VTCR_RES1 | ((64UL - stage2_ipa_bits()) << VTCR_T0SZ_SHIFT) | VTCR_SL0_LEVEL1 |
	       VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA | VTCR_SH0_INNER | VTCR_TG0_4K |
	       (ps << VTCR_PS_SHIFT);
}

int arch_stage2_build(unsigned int id, const struct bh_region *regions, unsigned int n,
		 unsigned int *bad)
{
	if (id >= CONFIG_MAX_PARTITIONS) {
		return PT_ERANGE;
	}
	s2_pool[id].tables = s2_tables[id];
	s2_pool[id].ntables = S2_TABLES_PER_PARTITION;
	s2_pool[id].used = 0;
	int err = pt_init(&s2_pt[id], &s2_pool[id], 1, stage2_ipa_bits());
	if (err != PT_OK) {
		*bad = 0;
		return err;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint64_t attrs = regions[i].kind == BH_REGION_RAM ? S2_RAM : S2_DEVICE;
		err = pt_map(&s2_pt[id], regions[i].ipa, regions[i].pa, regions[i].size, attrs);
		if (err != PT_OK) {
			*bad = i;
			return err;
		}
	}
	/* The walker reads these tables with the caches on (VTCR IRGN/ORGN WBWA),
	 * so writes through the EL2 cacheable mapping are visible after a DSB. */
	dsb_ish();
	return PT_OK;
}

uint64_t stage2_vttbr(unsigned int id)
{
	return ((uint64_t)(id + 1u) << VTTBR_VMID_SHIFT) | (uint64_t)(uintptr_t)s2_pt[id].root;
}

/* Stage-2 build errors as core reports them (arch_stage2_build). */
const char *arch_pt_strerror(int err)
{
	return pt_strerror(err);
}
